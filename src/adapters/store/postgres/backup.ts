import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import pg from 'pg';
import {
  BackupError,
  COUNTED_TABLES,
  countMismatch,
  firstLine,
  type SnapshotFacts,
  type TableCounts,
} from '../backup.js';
import { isSchemaName } from './connection.js';
import { describeServer, openPostgresStore, type PostgresStoreConfig } from './index.js';

/**
 * Logical backup and restore of the store's PostgreSQL schema with pg_dump and pg_restore (custom
 * format). The dump and the manifest's row counts come from one exported snapshot, so the counts say
 * exactly what the dump holds while servers keep writing.
 */

/** Where the PostgreSQL client programs are: a directory, or undefined to search PATH. */
export interface PostgresTools {
  binDir: string | undefined;
}

/**
 * Dumps `config.pgSchema` into the custom-format archive `destination`, as of one snapshot, and
 * returns that snapshot's facts. Throws BackupError when pg_dump is missing or fails, and when the
 * schema holds no store.
 */
export async function dumpPostgresSchema(
  config: PostgresStoreConfig,
  destination: string,
  tools: PostgresTools,
): Promise<SnapshotFacts> {
  const schema = config.pgSchema;
  const pgDump = locateTool(tools, 'pg_dump');
  const client = await connect(config.databaseUrl);
  try {
    // The snapshot stays exported while this transaction is open: pg_dump reads exactly what it sees.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]?.id;
    if (!(await schemaHasStore(client, schema))) {
      throw new BackupError(`schema ${schema} holds no travel-platform store (PG_SCHEMA)`);
    }
    const facts = await readFacts(client, schema);
    await runTool(
      pgDump,
      [
        '--format=custom',
        `--schema=${schema}`,
        `--snapshot=${snapshot}`,
        '--no-owner',
        '--no-privileges',
        `--file=${destination}`,
      ],
      config.databaseUrl,
    );
    await client.query('COMMIT');
    return facts;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Restores the archive `archive` (a dump of schema `sourceSchema`) into `config.pgSchema` of
 * `config.databaseUrl` in one transaction, checks it holds `expected` rows, then applies this
 * version's migrations. A target schema with data is refused unless `force`, which drops it first.
 * Restoring under another schema name renames the restored schema, so the dump's own name must be
 * free in the target database.
 */
export async function restorePostgresSchema(
  config: PostgresStoreConfig,
  archive: string,
  options: { sourceSchema: string; expected: TableCounts; force: boolean; tools: PostgresTools },
): Promise<SnapshotFacts> {
  const target = config.pgSchema;
  const source = options.sourceSchema;
  if (!isSchemaName(source))
    throw new BackupError(`the manifest names an invalid schema ${JSON.stringify(source)}`);
  const pgRestore = locateTool(options.tools, 'pg_restore');
  const client = await connect(config.databaseUrl);
  try {
    await refuseTargetHoldingData(client, target, options.force);
    if (target !== source && (await schemaExists(client, source))) {
      throw new BackupError(
        `the backup's schema ${source} exists in the target database: restore with PG_SCHEMA=${source} into another database, or into this one once ${source} is gone`,
      );
    }
    if (await schemaExists(client, target)) await client.query(`DROP SCHEMA ${target} CASCADE`);
    await runTool(
      pgRestore,
      ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', archive],
      config.databaseUrl,
    );
    if (target !== source) await client.query(`ALTER SCHEMA ${source} RENAME TO ${target}`);
    const mismatch = countMismatch(options.expected, (await readFacts(client, target)).counts);
    if (mismatch !== undefined)
      throw new BackupError(`restored schema ${target} differs from the manifest: ${mismatch}`);
  } finally {
    await client.end().catch(() => {});
  }
  const store = await openPostgresStore({ ...config, pgPoolSize: 1 });
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  const after = await connect(config.databaseUrl);
  try {
    return await readFacts(after, target);
  } finally {
    await after.end().catch(() => {});
  }
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'travel-platform backup',
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    throw new BackupError(`cannot reach PostgreSQL at ${describeServer(url)}: ${firstLine(cause)}`, {
      cause,
    });
  }
  return client;
}

async function schemaExists(client: pg.Client, schema: string): Promise<boolean> {
  const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  return rows.length > 0;
}

async function schemaHasStore(client: pg.Client, schema: string): Promise<boolean> {
  const { rows } = await client.query(
    "SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = 'schema_migrations'",
    [schema],
  );
  return rows.length > 0;
}

async function refuseTargetHoldingData(client: pg.Client, schema: string, force: boolean): Promise<void> {
  if (force || !(await schemaExists(client, schema))) return;
  const { rows: tables } = await client.query<{ tablename: string }>(
    'SELECT tablename FROM pg_tables WHERE schemaname = $1',
    [schema],
  );
  const existing = new Set(tables.map((row) => row.tablename));
  let rows = 0;
  for (const table of COUNTED_TABLES.filter((name) => existing.has(name))) {
    rows += await countRows(client, schema, table);
  }
  if (rows > 0) {
    throw new BackupError(
      `schema ${schema} holds data (${rows} rows); restore into a fresh schema or pass --force`,
    );
  }
}

async function readFacts(client: pg.Client, schema: string): Promise<SnapshotFacts> {
  const counts = {} as TableCounts;
  for (const table of COUNTED_TABLES) counts[table] = await countRows(client, schema, table);
  const { rows } = await client.query<{ applied: string; latest: string }>(
    `SELECT count(*) AS applied, max(id) AS latest FROM ${schema}.schema_migrations`,
  );
  return { counts, migrations: { applied: Number(rows[0]?.applied ?? 0), latest: rows[0]?.latest ?? '' } };
}

async function countRows(client: pg.Client, schema: string, table: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.${table}`);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The path of a PostgreSQL client program: in `tools.binDir` when set, else the first on PATH.
 * Throws BackupError naming where it looked, before anything connects or writes.
 */
function locateTool(tools: PostgresTools, name: string): string {
  const directories = tools.binDir === undefined ? (process.env.PATH ?? '').split(delimiter) : [tools.binDir];
  for (const directory of directories.filter((entry) => entry !== '')) {
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; the next directory
    }
  }
  const where = tools.binDir === undefined ? 'on PATH' : `in ${tools.binDir}`;
  throw new BackupError(`${name} not found ${where}: install the PostgreSQL client or set PG_BIN_DIR`);
}

/**
 * Runs pg_dump or pg_restore (`program`, a path) against `url`. The password travels in PGPASSWORD,
 * not on a command line other users can read. Throws BackupError with the program's last line of
 * stderr when it fails.
 */
async function runTool(program: string, args: string[], url: string): Promise<void> {
  const name = basename(program);
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const env = { ...process.env, ...(password === '' ? {} : { PGPASSWORD: password }) };
  const child = spawn(program, [...args, `--dbname=${parsed.toString()}`], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).catch((error: Error) => {
    throw new BackupError(`cannot run ${program}: ${error.message}`, { cause: error });
  });
  if (code !== 0) {
    const lastLine = stderr.trim().split('\n').at(-1) ?? '';
    throw new BackupError(`${name} failed (exit ${code}): ${lastLine}`);
  }
}
