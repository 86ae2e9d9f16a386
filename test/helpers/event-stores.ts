import type { SqliteDatabase } from '../../src/adapters/store/sqlite/database.js';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/database.js';
import type { SqliteDeadLetterStore } from '../../src/adapters/store/sqlite/dead-letter-store.js';
import { type SqliteStore, sqliteStoreOn } from '../../src/adapters/store/sqlite/index.js';
import type { SqliteOutbox } from '../../src/adapters/store/sqlite/outbox.js';
import type { SqliteProcessedEvents } from '../../src/adapters/store/sqlite/processed-events.js';
import { tempSqliteFile } from './temp-sqlite.js';

/** The SQLite backend's event stores on one real temp file, wired as the app wires them. */
export interface EventStores {
  file: string;
  db: SqliteDatabase;
  /** The whole backend on the same connection, for tests that also book or update inventory. */
  store: SqliteStore;
  outbox: SqliteOutbox;
  deadLetters: SqliteDeadLetterStore;
  processed: SqliteProcessedEvents;
  cleanup: () => void;
}

/** Opens the stores on `file`, or on a fresh temp file. */
export function openEventStores(file?: string): EventStores {
  const temp = file === undefined ? tempSqliteFile() : undefined;
  const path = file ?? (temp as { file: string }).file;
  const db = openSqliteDatabase(path);
  const store = sqliteStoreOn(db);
  return {
    file: path,
    db,
    store,
    outbox: store.outbox,
    deadLetters: store.deadLetters,
    processed: store.processedEvents,
    cleanup: () => {
      if (db.open) db.close();
      temp?.cleanup();
    },
  };
}
