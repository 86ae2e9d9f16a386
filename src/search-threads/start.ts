import { SearchPool } from './pool.js';
import type { SearchThreadSetup } from './protocol.js';

/** How long the threads may take to open the store before searches stay on the event loop. */
const START_TIMEOUT_MS = 30_000;

/**
 * A started search pool of `threads` threads, or undefined when searches should stay on the event
 * loop: none asked for, an in-memory database (a thread cannot open it), or threads that did not
 * come up (reported through `warn`; the API still serves, only slower on misses).
 */
export async function startSearchPool(
  setup: SearchThreadSetup,
  threads: number,
  warn: (message: string, error?: unknown) => void,
): Promise<SearchPool | undefined> {
  if (threads === 0 || setup.sqliteFile === ':memory:' || setup.sqliteFile === '') return undefined;
  const pool = new SearchPool(setup, threads);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pool.ready(),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('search threads did not start in time')), START_TIMEOUT_MS);
      }),
    ]);
    return pool;
  } catch (error) {
    warn('search threads unavailable; origin searches run on the event loop', error);
    await pool.close();
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
