import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StoreUnavailableError } from '../../../ports/store.js';
import { migrations } from './migrations/index.js';

export type SqliteDatabase = Database.Database;

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations (the
 * adapters prepare their statements against the tables as they are constructed).
 * One connection serves every SQLite-backed adapter of the process, so their writes share
 * transactions (the outbox relies on that).
 */
export function openSqliteDatabase(file: string): SqliteDatabase {
  let db: SqliteDatabase;
  try {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file);
  } catch (cause) {
    throw new StoreUnavailableError(`cannot open SQLite database ${file}`, { cause });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('cache_size = -65536');
  // Several processes may share one file (multi-process tests, CLI next to a server).
  db.pragma('busy_timeout = 5000');
  applyMigrations(db);
  return db;
}

/** Applies the migrations not yet applied to `db`, each in its own IMMEDIATE transaction; a no-op when none are pending. */
export function applyMigrations(db: SqliteDatabase): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const applied = new Set(
    db
      .prepare('SELECT id FROM schema_migrations')
      .all()
      .map((row) => (row as { id: string }).id),
  );
  const record = db.prepare('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.id, Date.now());
    }).immediate();
  }
}
