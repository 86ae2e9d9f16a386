import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import type { StoreBackend } from '../../src/ports/store-backend.js';
import { flight } from '../contract/store/fixtures.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';

/** SQLite's bulk replacement is one transaction: all or nothing, its dropped indexes included. */
describe('SQLite replaceInventory', () => {
  let done: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await done?.();
    done = undefined;
  });

  const open = async (): Promise<{ store: StoreBackend; file: string }> => {
    const temp = tempSqliteFile();
    const store = await openSqliteStore({ sqliteFile: temp.file });
    done = async () => {
      await store.close();
      temp.cleanup();
    };
    return { store, file: temp.file };
  };
  const flightIndexes = (file: string): string[] => {
    const db = new Database(file, { readonly: true });
    try {
      return (
        db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'flights' AND sql IS NOT NULL",
          )
          .all() as { name: string }[]
      )
        .map((row) => row.name)
        .sort();
    } finally {
      db.close();
    }
  };

  it('a failing fill leaves the old inventory and the flights indexes as they were', async () => {
    const { store, file } = await open();
    await store.inventory.putFlights([flight('OLD')]);
    const indexes = flightIndexes(file);
    expect(indexes.length).toBeGreaterThan(0);
    await expect(
      store.inventory.replaceInventory(async (writer) => {
        await writer.putFlights([flight('NEW')]);
        throw new Error('generator failed');
      }),
    ).rejects.toThrow('generator failed');
    expect((await store.inventory.getFlights(['OLD', 'NEW'])).map((f) => f.id)).toEqual(['OLD']);
    expect(flightIndexes(file)).toEqual(indexes);
    // Foreign keys are back on: a cabin without its flight is refused again.
    await store.inventory.putFlights([flight('AFTER')]);
    expect((await store.inventory.getFlights(['AFTER'])).map((f) => f.id)).toEqual(['AFTER']);
  });

  it('another connection reads the old inventory until the replacement commits, then the new one', async () => {
    const { store, file } = await open();
    await store.inventory.putFlights([flight('OLD')]);
    const reader = new Database(file, { readonly: true });
    const ids = () =>
      (reader.prepare('SELECT id FROM flights ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    try {
      await store.inventory.replaceInventory(async (writer) => {
        await writer.putFlights([flight('NEW')]);
        expect(ids()).toEqual(['OLD']);
      });
      expect(ids()).toEqual(['NEW']);
      expect(flightIndexes(file).length).toBeGreaterThan(0);
    } finally {
      reader.close();
    }
  });
});
