import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, firstLine, type SnapshotFacts, syncFile } from '../../adapters/store/backup.js';
import type { Config } from '../../config.js';
import {
  appVersion,
  type BackupManifest,
  manifestPathOf,
  sha256OfFile,
  writeManifest,
} from './backup-manifest.js';

/** What `backup` needs: the configuration naming the store, and where to write lines. */
export interface BackupDeps {
  config: Pick<
    Config,
    | 'storeBackend'
    | 'sqliteFile'
    | 'databaseUrl'
    | 'pgSchema'
    | 'pgPoolSize'
    | 'pgStatementTimeoutMs'
    | 'pgConnectTimeoutMs'
    | 'pgBinDir'
  >;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  now?: () => Date;
}

export const usage = [
  'usage: travel-platform backup [--out FILE]',
  '  Backs up the configured store (STORE=sqlite: SQLITE_FILE; STORE=postgres: PG_SCHEMA of',
  '  DATABASE_URL) while servers keep serving: a consistent copy (SQLite online backup, WAL',
  '  included; PostgreSQL pg_dump of one snapshot) in FILE, and FILE.manifest.json with its sha256,',
  '  schema version and row counts. FILE defaults to ./backups/travel-platform-<store>-<time>.db|.dump',
  '  and must not exist.',
  '  Exit codes: 0 backed up, 1 failed (one line says why), 2 bad usage.',
].join('\n');

/** `travel-platform backup`. Returns the exit code. */
export async function run(args: readonly string[], deps: BackupDeps): Promise<number> {
  let values: { out?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { out: { type: 'string' }, help: { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    deps.stderr(firstLine(error));
    deps.stderr(usage);
    return 2;
  }
  if (values.help === true) {
    deps.stdout(usage);
    return 0;
  }
  const { config } = deps;
  if (config.storeBackend === 'dynamodb') {
    deps.stderr(
      'backup: STORE=dynamodb is backed up by DynamoDB itself: point-in-time recovery or on-demand backups (docs/operations.md)',
    );
    return 1;
  }
  const now = deps.now?.() ?? new Date();
  const extension = config.storeBackend === 'sqlite' ? 'db' : 'dump';
  const file = resolve(
    values.out ?? join('backups', `travel-platform-${config.storeBackend}-${timestamp(now)}.${extension}`),
  );
  const partial = `${file}.partial`;
  try {
    if (existsSync(file) || existsSync(manifestPathOf(file))) {
      throw new BackupError(`${file} exists; a backup never overwrites one`);
    }
    mkdirSync(dirname(file), { recursive: true });
    rmSync(partial, { force: true });
    const started = performance.now();
    const { facts, source } = await backUp(config, partial);
    syncFile(partial);
    const sha256 = await sha256OfFile(partial);
    const bytes = statSync(partial).size;
    renameSync(partial, file);
    const manifest: BackupManifest = {
      format: 'travel-platform-backup',
      formatVersion: 1,
      store: config.storeBackend,
      file: file.split('/').at(-1) ?? file,
      bytes,
      sha256,
      createdAt: now.toISOString(),
      durationMs: Math.round(performance.now() - started),
      appVersion: appVersion(),
      source,
      migrations: facts.migrations,
      counts: facts.counts,
    };
    writeManifest(file, manifest);
    deps.stdout(
      `backed up ${describeSource(source)} to ${file}: ${megabytes(bytes)}, ${facts.counts.bookings} bookings, ${facts.counts.flights} flights, schema ${facts.migrations.latest}, in ${(manifest.durationMs / 1000).toFixed(1)} s`,
    );
    deps.stdout(`manifest ${manifestPathOf(file)} (sha256 ${sha256})`);
    return 0;
  } catch (error) {
    rmSync(partial, { force: true });
    deps.stderr(`backup: ${firstLine(error)}`);
    return 1;
  }
}

/** Runs the configured backend's backup; each backend's code is loaded only when it is the one configured. */
async function backUp(
  config: BackupDeps['config'],
  destination: string,
): Promise<{ facts: SnapshotFacts; source: BackupManifest['source'] }> {
  if (config.storeBackend === 'sqlite') {
    const { backupSqliteFile } = await import('../../adapters/store/sqlite/backup.js');
    const { sourceBytes, ...facts } = await backupSqliteFile(config.sqliteFile, destination);
    return { facts, source: { sqliteFile: resolve(config.sqliteFile), bytes: sourceBytes } };
  }
  const { dumpPostgresSchema } = await import('../../adapters/store/postgres/backup.js');
  const { describeServer } = await import('../../adapters/store/postgres/index.js');
  const facts = await dumpPostgresSchema(config, destination, { binDir: config.pgBinDir });
  return { facts, source: { server: describeServer(config.databaseUrl), schema: config.pgSchema } };
}

export function describeSource(source: BackupManifest['source']): string {
  return 'sqliteFile' in source ? source.sqliteFile : `schema ${source.schema} at ${source.server}`;
}

export const megabytes = (bytes: number): string => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** 2026-05-01T12:00:00.000Z → 20260501T120000Z: sorts by time and is safe in a file name. */
const timestamp = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
