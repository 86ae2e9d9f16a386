import { openSqliteDatabase, type SqliteDatabase } from '../../src/adapters/store/sqlite/database.js';
import { SqliteDeadLetterStore } from '../../src/adapters/store/sqlite/dead-letter-store.js';
import { SqliteOutbox } from '../../src/adapters/store/sqlite/outbox.js';
import { SqliteProcessedEvents } from '../../src/adapters/store/sqlite/processed-events.js';
import { tempSqliteFile } from './temp-sqlite.js';

/** The SQLite-backed event stores on one real temp file, wired as the app wires them. */
export interface EventStores {
  file: string;
  db: SqliteDatabase;
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
  const outbox = new SqliteOutbox(db);
  return {
    file: path,
    db,
    outbox,
    deadLetters: new SqliteDeadLetterStore(db, outbox),
    processed: new SqliteProcessedEvents(db),
    cleanup: () => {
      if (db.open) db.close();
      temp?.cleanup();
    },
  };
}
