import { StoreUnavailableError } from '../../../ports/store.js';

/** Runs a SQLite call, turning a driver error into the port's StoreUnavailableError (with it as `cause`). */
export function guarded<T>(action: string, work: () => T): T {
  try {
    return work();
  } catch (cause) {
    throw new StoreUnavailableError(`cannot ${action}`, { cause });
  }
}
