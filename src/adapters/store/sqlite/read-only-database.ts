import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../../ports/store.js';
import type { SqliteDatabase } from './database.js';

/**
 * A read-only connection to an existing SQLite file, for searches running beside the process's
 * main connection (WAL lets readers run while it writes; each read sees the last commit).
 */
export function openSqliteReadOnly(file: string): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (cause) {
    throw new StoreUnavailableError(`cannot open SQLite database ${file} for reading`, { cause });
  }
  db.pragma('cache_size = -32768');
  db.pragma('busy_timeout = 5000');
  return db;
}
