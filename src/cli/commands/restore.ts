import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BackupError, firstLine, type SnapshotFacts } from '../../adapters/store/backup.js';
import type { BackupDeps } from './backup.js';
import { describeSource } from './backup.js';
import { type BackupManifest, backupFileOf, verifyBackup } from './backup-manifest.js';

export const usage = [
  'usage: travel-platform restore FILE [--force]',
  '  Restores a backup made by `travel-platform backup` into the configured store (STORE=sqlite:',
  '  SQLITE_FILE; STORE=postgres: PG_SCHEMA of DATABASE_URL). Verifies FILE against its manifest',
  '  (sha256) first, refuses a target that holds data unless --force, replaces the target only once',
  '  the restored copy passed its integrity check and matches the manifest, then applies migrations.',
  '  Stop the servers on the target first.',
  '  Exit codes: 0 restored, 1 refused or failed (one line says why), 2 bad usage.',
].join('\n');

/** What a restore of each backend proved before it replaced anything. */
const CHECKS: Record<BackupManifest['store'], string> = {
  sqlite: 'checksum, integrity_check, foreign keys and row counts',
  postgres: 'checksum, constraints and row counts',
};

/** `travel-platform restore`. Returns the exit code. */
export async function run(args: readonly string[], deps: BackupDeps): Promise<number> {
  let parsed: { values: { force?: boolean | undefined; help?: boolean | undefined }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: { force: { type: 'boolean' }, help: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    deps.stderr(firstLine(error));
    deps.stderr(usage);
    return 2;
  }
  if (parsed.values.help === true) {
    deps.stdout(usage);
    return 0;
  }
  const [path, ...extra] = parsed.positionals;
  if (path === undefined || extra.length > 0) {
    deps.stderr(path === undefined ? 'missing the backup FILE' : `unexpected argument ${extra[0]}`);
    deps.stderr(usage);
    return 2;
  }
  const file = resolve(backupFileOf(path));
  const force = parsed.values.force === true;
  try {
    const started = performance.now();
    const manifest = await verifyBackup(file);
    if (manifest.store !== deps.config.storeBackend) {
      throw new BackupError(
        `${file} is a ${manifest.store} backup and STORE=${deps.config.storeBackend}: set STORE=${manifest.store}`,
      );
    }
    const { facts, target } = await restoreInto(deps.config, file, manifest, force);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    deps.stdout(
      `restored ${file} (${describeSource(manifest.source)}, ${manifest.createdAt}) into ${target}: ${CHECKS[manifest.store]} ok, ${facts.counts.bookings} bookings, ${facts.counts.flights} flights, schema ${facts.migrations.latest}, in ${seconds} s`,
    );
    return 0;
  } catch (error) {
    deps.stderr(`restore: ${firstLine(error)}`);
    return 1;
  }
}

/** Runs the configured backend's restore; each backend's code is loaded only when it is the one configured. */
async function restoreInto(
  config: BackupDeps['config'],
  file: string,
  manifest: BackupManifest,
  force: boolean,
): Promise<{ facts: SnapshotFacts; target: string }> {
  if (config.storeBackend === 'sqlite') {
    const { restoreSqliteFile } = await import('../../adapters/store/sqlite/backup.js');
    const target = resolve(config.sqliteFile);
    return { facts: await restoreSqliteFile(file, target, { expected: manifest.counts, force }), target };
  }
  if (!('schema' in manifest.source)) throw new BackupError(`${file}'s manifest names no PostgreSQL schema`);
  const { restorePostgresSchema } = await import('../../adapters/store/postgres/backup.js');
  const { describeServer } = await import('../../adapters/store/postgres/index.js');
  const facts = await restorePostgresSchema(config, file, {
    sourceSchema: manifest.source.schema,
    expected: manifest.counts,
    force,
    tools: { binDir: config.pgBinDir },
  });
  return { facts, target: `schema ${config.pgSchema} at ${describeServer(config.databaseUrl)}` };
}
