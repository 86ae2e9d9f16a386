import { afterEach, beforeEach } from 'vitest';
import type { CloudEvent } from '../../../src/ports/events.js';
import type { Outbox } from '../../../src/ports/outbox.js';
import type { StoreBackend } from '../../../src/ports/store-backend.js';

/**
 * A store backend under test. Each suite opens a fresh backend per test on an empty store of its own
 * (a temp file, a random schema or database, a table with a random name), so tests and test files
 * never see each other's data and may run in parallel.
 */
export interface StoreBackendTarget {
  /** Shown in the suite names, e.g. "sqlite". */
  name: string;
  /** A new backend on an empty store of its own. The suites call `migrate()` before using it. */
  open(): Promise<StoreBackend>;
  /** Deletes what `open` created (file, schema, table); called after the backend is closed. */
  dispose?(backend: StoreBackend): Promise<void>;
}

/** Registers beforeEach/afterEach hooks giving every test a fresh, migrated backend; returns its getter. */
export function useFreshBackend(target: StoreBackendTarget): () => StoreBackend {
  let current: StoreBackend | undefined;
  beforeEach(async () => {
    current = await target.open();
    await current.migrate();
  });
  afterEach(async () => {
    const backend = current;
    current = undefined;
    if (backend === undefined) return;
    await backend.close();
    await target.dispose?.(backend);
  });
  return () => {
    if (current === undefined) throw new Error('no backend is open outside a test');
    return current;
  };
}

const READER = 'contract-reader';

/**
 * Events appended and not yet published, in the order `claim` returns them. Reads through the
 * Outbox port (claim, then release) so it works on every backend; publishes nothing.
 */
export async function pendingEvents(outbox: Outbox): Promise<CloudEvent[]> {
  const records = await outbox.claim(READER, 10_000, 60_000);
  await outbox.release(READER);
  return records.map((record) => record.event);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
