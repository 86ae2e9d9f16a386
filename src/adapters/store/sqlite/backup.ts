import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  BackupError,
  COUNTED_TABLES,
  countMismatch,
  firstLine,
  type SnapshotFacts,
  syncFile,
  type TableCounts,
} from '../backup.js';
import { openSqliteDatabase, type SqliteDatabase } from './database.js';

/**
 * Online backup and restore of the SQLite store file.
 *
 * Why not `cp`: a server writes the file and its `-wal` while it runs. Copying the two at different
 * moments gives a file whose pages come from different transactions (corrupt, or missing bookings
 * that were acknowledged), and copying only the `.db` misses every commit not yet checkpointed.
 * SQLite's online backup API copies the pages of one read transaction: a consistent snapshot,
 * WAL included, while other processes keep writing (readers never block WAL writers).
 */

/** Pages per backup step: all of them, so the copy is one read transaction that writers cannot restart. */
const ALL_PAGES = 0x7fffffff;

/** What a backup of the SQLite file made. */
export interface SqliteBackupResult extends SnapshotFacts {
  /** Bytes of the source's `.db` plus `-wal` when the backup started. */
  sourceBytes: number;
}

/**
 * Copies the SQLite store at `source` into a new self-contained file `destination` (no `-wal`
 * beside it), consistent as of one moment while servers keep serving, checks its integrity and
 * reads its facts. Throws BackupError when `source` is not a store or the copy fails its check.
 */
export async function backupSqliteFile(source: string, destination: string): Promise<SqliteBackupResult> {
  if (!existsSync(source)) throw new BackupError(`no SQLite store at ${source} (SQLITE_FILE)`);
  if (existsSync(destination))
    throw new BackupError(`${destination} exists; a backup never overwrites a file`);
  const sourceBytes = fileBytes(source) + fileBytes(`${source}-wal`);
  const db = open(source, { readonly: true });
  try {
    db.pragma('busy_timeout = 5000');
    // A step of every page runs in one read transaction; in steps of 100 pages, any write by
    // another process between two steps would restart the copy, and a busy server would starve it.
    await db.backup(destination, { progress: () => ALL_PAGES });
  } catch (cause) {
    rmSync(destination, { force: true });
    throw new BackupError(`cannot back up ${source}: ${firstLine(cause)}`, { cause });
  } finally {
    db.close();
  }
  const copy = open(destination, {});
  try {
    // The copy keeps the source's WAL flag; a rollback-journal file is one file to checksum and ship.
    copy.pragma('journal_mode = DELETE');
    checkIntegrity(copy, destination);
    return { ...snapshotFacts(copy), sourceBytes };
  } finally {
    copy.close();
  }
}

/**
 * Replaces the store at `target` with the backup file `backup`: copies it beside the target, checks
 * its integrity and that it holds `expected` rows, applies the migrations this version has on top,
 * then renames it over the target, so the target is either untouched or the restored store.
 * Refuses (BackupError) when a process has the target open, and — unless `force` — when it holds data.
 */
export async function restoreSqliteFile(
  backup: string,
  target: string,
  options: { expected: TableCounts; force: boolean },
): Promise<SnapshotFacts> {
  refuseTargetInUseOrHoldingData(target, options.force);
  const staging = `${target}.restoring-${process.pid}`;
  removeDatabaseFiles(staging);
  try {
    // The backup is one self-contained file (rollback journal), so a plain copy is a consistent one.
    copyFileSync(backup, staging);
    const restored = openStaging(staging);
    let facts: SnapshotFacts;
    try {
      checkIntegrity(restored, backup);
      facts = snapshotFacts(restored);
      const mismatch = countMismatch(options.expected, facts.counts);
      if (mismatch !== undefined)
        throw new BackupError(`restored copy differs from the manifest: ${mismatch}`);
    } finally {
      // Closing the last connection checkpoints the WAL into the file and deletes it.
      restored.close();
    }
    syncFile(staging);
    // A `-wal` or `-journal` left by the replaced store would be replayed onto the restored file:
    // remove them first; the rename then replaces the file itself in one step.
    removeDatabaseFiles(target, SIDE_FILES);
    renameSync(staging, target);
    syncFile(dirname(target));
    return facts;
  } catch (error) {
    removeDatabaseFiles(staging);
    throw error;
  }
}

/** Opens a store file on a connection of its own; a file that is not SQLite fails as BackupError. */
function open(file: string, options: { readonly?: boolean }): SqliteDatabase {
  try {
    return new Database(file, { ...options, fileMustExist: true });
  } catch (cause) {
    throw new BackupError(`cannot open ${file}: ${firstLine(cause)}`, { cause });
  }
}

/** Opens the staged copy the way the server opens its store, which applies pending migrations. */
function openStaging(file: string): SqliteDatabase {
  try {
    return openSqliteDatabase(file);
  } catch (cause) {
    const reason = cause instanceof Error && cause.cause !== undefined ? cause.cause : cause;
    throw new BackupError(`cannot open the restored copy: ${firstLine(reason)}`, { cause });
  }
}

/**
 * An idle server still holds a shared lock on its WAL store, so taking an exclusive one without
 * waiting tells whether any process has the file open.
 */
function refuseTargetInUseOrHoldingData(target: string, force: boolean): void {
  if (!existsSync(target) || fileBytes(target) === 0) return;
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(target, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    try {
      db.exec('BEGIN EXCLUSIVE');
      db.exec('COMMIT');
    } catch (cause) {
      if (!String((cause as { code?: unknown }).code).startsWith('SQLITE_BUSY')) throw cause;
      throw new BackupError(`${target} is open by another process: stop the servers on it first`, { cause });
    }
    if (force) return;
    const rows = rowsInCountedTables(db);
    if (rows > 0) {
      throw new BackupError(`${target} holds data (${rows} rows); restore into a fresh file or pass --force`);
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    if (force) return;
    throw new BackupError(
      `${target} is not an empty store (${firstLine(error)}); pass --force to replace it`,
      {
        cause: error,
      },
    );
  } finally {
    db?.close();
  }
}

function rowsInCountedTables(db: SqliteDatabase): number {
  const existing = new Set(
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((row) => (row as { name: string }).name),
  );
  return COUNTED_TABLES.filter((table) => existing.has(table)).reduce(
    (sum, table) => sum + (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    0,
  );
}

function checkIntegrity(db: SqliteDatabase, file: string): void {
  const result = db.pragma('integrity_check', { simple: true });
  if (result !== 'ok') throw new BackupError(`${file} fails its integrity check: ${String(result)}`);
  const foreignKeyErrors = db.pragma('foreign_key_check') as unknown[];
  if (foreignKeyErrors.length > 0) {
    throw new BackupError(`${file} fails its foreign key check (${foreignKeyErrors.length} rows)`);
  }
}

function snapshotFacts(db: SqliteDatabase): SnapshotFacts {
  const counts = Object.fromEntries(
    COUNTED_TABLES.map((table) => [
      table,
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n,
    ]),
  ) as TableCounts;
  const migrations = db
    .prepare('SELECT count(*) AS applied, max(id) AS latest FROM schema_migrations')
    .get() as {
    applied: number;
    latest: string;
  };
  return { counts, migrations };
}

/** The files SQLite keeps beside a database while it is open or after a crash. */
const SIDE_FILES = ['-wal', '-shm', '-journal'];

function removeDatabaseFiles(file: string, suffixes: readonly string[] = ['', ...SIDE_FILES]): void {
  for (const suffix of suffixes) rmSync(`${file}${suffix}`, { force: true });
}

function fileBytes(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}
