import { once } from 'node:events';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { run as backup } from '../../src/cli/commands/backup.js';
import { run as restore } from '../../src/cli/commands/restore.js';
import { loadConfig } from '../../src/config.js';
import type { InventoryHold } from '../../src/ports/bookings.js';
import {
  ADMIN_API_KEY,
  type ApiProcess,
  prepareSharedStore,
  type SharedStore,
  spawnScript,
  startApiProcess,
} from '../helpers/api-process.js';
import {
  BookingClient,
  directLhrJfk,
  type FlightOfferLike,
  oneAdultBooking,
  searchFlights,
} from '../helpers/bookings.js';
import { postgresEnv, postgresUrl, queryTestDatabase, uniqueSchema } from '../helpers/postgres.js';

/**
 * The restore drill an operator runs, on each backend: book, take a backup with `travel-platform
 * backup` while bookings keep arriving, restore it into a fresh store, and check that nothing an
 * API client was told is booked went missing and that seats and bookings agree.
 */

/** Runs SQL on one store (a SQLite file or a PostgreSQL schema) and answers the rows. */
type Query = (sql: string) => Promise<Record<string, unknown>[]>;

interface Target {
  env: Record<string, string>;
  query: Query;
  exists(): Promise<boolean>;
}

interface Backend {
  name: 'sqlite' | 'postgres';
  /** Environment of the source store's processes. */
  sourceEnv(): Record<string, string>;
  /** Environment of a fresh restore target, what reads it, and whether the restore created it. */
  freshTarget(label: string): Promise<Target>;
  /** What reads the source store. */
  sourceQuery(shared: SharedStore): Query;
  /** How the drill runs `travel-platform backup`. */
  backup: BackupRunner;
  cleanup(): Promise<void>;
}

/** Runs `travel-platform backup --out file` with `env` as its environment; resolves with its exit code and output. */
type BackupRunner = (
  file: string,
  env: Record<string, string>,
) => Promise<{ code: number | null; out: string }>;

/** As an operator runs it: the real command line in a process of its own, beside the server's. */
const backupByCommandLine: BackupRunner = async (file, env) => {
  const backup = spawnScript('src/cli/main.ts', ['backup', '--out', file], env);
  const [code] = (await once(backup.child, 'exit')) as [number | null];
  return { code, out: backup.output() };
};

/** The command's code in this process (pg_dump still runs in its own, beside the server's writes). */
const backupInProcess: BackupRunner = async (file, env) => {
  const lines: string[] = [];
  const code = await backup(['--out', file], {
    config: loadConfig({ ...env, LOG_LEVEL: 'silent' }),
    stdout: (line) => lines.push(line),
    stderr: (line) => lines.push(line),
  });
  return { code, out: lines.join('\n') };
};

const dir = mkdtempSync(join(tmpdir(), 'tp-drill-'));

function sqliteQuery(file: string): Query {
  return async (sql) => {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  };
}

function postgresQuery(url: string, schema: string): Query {
  return async (sql) => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  };
}

const sqlite: Backend = {
  name: 'sqlite',
  sourceEnv: () => ({}),
  sourceQuery: (shared) => sqliteQuery(shared.file),
  // The online backup's copy runs in one step: only another process can write while it runs.
  backup: backupByCommandLine,
  async freshTarget(label) {
    const file = join(dir, `restored-${label}.db`);
    return { env: { SQLITE_FILE: file }, query: sqliteQuery(file), exists: async () => existsSync(file) };
  },
  async cleanup() {},
};

/** PostgreSQL: the source in a schema of the test database, restores into a database of their own. */
function postgresBackend(): Backend {
  const sourceSchema = uniqueSchema('drill');
  const restoreDatabase = uniqueSchema('drilldb');
  const restoreUrl = Object.assign(new URL(postgresUrl), { pathname: `/${restoreDatabase}` }).toString();
  let created = false;
  return {
    name: 'postgres',
    sourceEnv: () => postgresEnv(sourceSchema),
    sourceQuery: () => postgresQuery(postgresUrl, sourceSchema),
    // Saves a process start; pg_dump reads the snapshot in a process of its own while the server writes.
    backup: backupInProcess,
    async freshTarget(label) {
      const schema = `${sourceSchema}_${label}`;
      if (!created) {
        await queryTestDatabase(`CREATE DATABASE ${restoreDatabase}`);
        created = true;
      }
      return {
        env: postgresEnv(schema, restoreUrl),
        query: postgresQuery(restoreUrl, schema),
        exists: async () => {
          const rows = await postgresQuery(
            restoreUrl,
            'public',
          )(`SELECT 1 FROM pg_namespace WHERE nspname = '${schema}'`);
          return rows.length > 0;
        },
      };
    },
    async cleanup() {
      await queryTestDatabase(`DROP SCHEMA IF EXISTS ${sourceSchema} CASCADE`);
      if (created) await queryTestDatabase(`DROP DATABASE IF EXISTS ${restoreDatabase} WITH (FORCE)`);
    },
  };
}

/** A booking the test made and when the API acknowledged it. */
interface Acknowledged {
  id: string;
  at: number;
}

/** Books one adult on `offers` in turn, `concurrency` at a time, until `keepGoing` says stop or `limit` bookings were made. */
async function bookWhile(
  client: BookingClient,
  offers: readonly FlightOfferLike[],
  options: { concurrency: number; limit: number; keepGoing: () => boolean; label: string },
): Promise<Acknowledged[]> {
  const acknowledged: Acknowledged[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (options.keepGoing() && next < options.limit) {
      const n = next++;
      const offer = offers[n % offers.length]!;
      const response = await client.book(oneAdultBooking(offer), `${options.label}-${n}`);
      const body = (await response.json()) as { data?: { id: string }; title?: string };
      if (response.status !== 201) throw new Error(`booking ${n} answered ${response.status} ${body.title}`);
      acknowledged.push({ id: body.data!.id, at: performance.now() });
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return acknowledged;
}

/** Economy seats left per flight id. */
async function economySeats(query: Query, flightIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await query(
    `SELECT flight_id, seats_left FROM flight_cabins WHERE cabin = 'economy' AND flight_id IN (${flightIds
      .map((id) => `'${id}'`)
      .join(', ')})`,
  );
  return new Map(rows.map((row) => [String(row.flight_id), Number(row.seats_left)]));
}

/** Runs `travel-platform restore` in this process with `env` as its environment; answers the exit code and output. */
async function runRestore(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await restore(args, {
    config: loadConfig({ ...env, LOG_LEVEL: 'silent' }),
    stdout: (line) => lines.push(line),
    stderr: (line) => lines.push(line),
  });
  return { code, out: lines.join('\n') };
}

const backends: Backend[] = [sqlite, postgresBackend()];

afterAll(async () => {
  for (const backend of backends) await backend.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(backends)('restore drill on $name', (backend) => {
  let shared: SharedStore | undefined;
  let server: ApiProcess | undefined;

  afterAll(async () => {
    await server?.stop();
    shared?.cleanup();
  });

  it('a backup taken while booking restores every acknowledged booking, with seats that agree', async () => {
    shared = await prepareSharedStore(backend.sourceEnv(), { airports: 12, days: 3 });
    server = await startApiProcess(shared.env);
    const client = new BookingClient(server.url, shared.apiKey, shared.token);
    const offers = [
      ...(await searchFlights(server.url, shared.apiKey, directLhrJfk(shared.date(1)))).offers,
      ...(await searchFlights(server.url, shared.apiKey, directLhrJfk(shared.date(2)))).offers,
    ];
    const flightIds = [...new Set(offers.map((offer) => offer.itineraries[0]!.segments[0]!.id))];
    expect(flightIds.length).toBeGreaterThan(1);
    // Room for every booking the drill makes: a sold-out flight would stop the writes the backup runs beside.
    const seatsSet = await fetch(`${server.url}/v1/admin/availability`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        flights: flightIds.map((flightId) => ({ flightId, cabin: 'economy', seatsLeft: 400 })),
      }),
    });
    expect(seatsSet.status).toBe(200);
    const seatsAtStart = await economySeats(backend.sourceQuery(shared), flightIds);

    const before = await bookWhile(client, offers, {
      concurrency: 4,
      limit: 12,
      keepGoing: () => true,
      label: `${backend.name}-before`,
    });

    // The backup runs as an operator runs it, in its own process, while bookings keep committing.
    const file = join(dir, `${backend.name}.backup`);
    const backupStartedAt = performance.now();
    let backupRunning = true;
    const backupDone = backend.backup(file, shared.env).finally(() => {
      backupRunning = false;
    });
    const during = await bookWhile(client, offers, {
      concurrency: 4,
      limit: 400,
      keepGoing: () => backupRunning,
      label: `${backend.name}-during`,
    });
    const backedUp = await backupDone;
    const backupEndedAt = performance.now();
    expect(backedUp.code, backedUp.out).toBe(0);
    expect(backedUp.out).toMatch(/^backed up .+ bookings/m);
    const committedWhileBackingUp = during.filter((b) => b.at > backupStartedAt && b.at < backupEndedAt);
    expect(committedWhileBackingUp.length).toBeGreaterThan(0);
    await server.stop();

    const target = await backend.freshTarget('restored');
    const restored = await runRestore([file], target.env);
    expect(restored.out).toMatch(/^restored .+ checksum.+ ok/);
    expect(restored.code).toBe(0);

    // Every booking acknowledged before the backup began is there, and nothing the API never made.
    const rows = await target.query('SELECT id, status, document FROM bookings');
    const restoredIds = new Set(rows.map((row) => String(row.id)));
    const acknowledgedBeforeBackup = [...before, ...during].filter((b) => b.at < backupStartedAt);
    expect(acknowledgedBeforeBackup.length).toBeGreaterThanOrEqual(before.length);
    expect(acknowledgedBeforeBackup.filter((b) => !restoredIds.has(b.id))).toEqual([]);
    const made = new Set([...before, ...during].map((b) => b.id));
    expect([...restoredIds].filter((id) => !made.has(id))).toEqual([]);
    console.log(
      `[drill ${backend.name}] ${before.length + during.length} bookings acknowledged, ${committedWhileBackingUp.length} while the backup ran; ${restoredIds.size} restored, ${acknowledgedBeforeBackup.length} acknowledged before it began all present`,
    );

    // Each restored booking took its seat in the restored inventory, and no seat went without one.
    const seatsTaken = new Map<string, number>();
    for (const row of rows) {
      // SQLite keeps the document as text, PostgreSQL as jsonb (parsed by the driver).
      const document = typeof row.document === 'string' ? JSON.parse(row.document) : row.document;
      const { hold } = document as { hold: InventoryHold };
      if (row.status !== 'confirmed' || hold.kind !== 'seats') continue;
      for (const flightId of hold.flightIds)
        seatsTaken.set(flightId, (seatsTaken.get(flightId) ?? 0) + hold.seats);
    }
    const seatsRestored = await economySeats(target.query, flightIds);
    for (const flightId of flightIds) {
      expect(seatsRestored.get(flightId)! + (seatsTaken.get(flightId) ?? 0), flightId).toBe(
        seatsAtStart.get(flightId),
      );
    }
    if (backend.name === 'sqlite') {
      expect(await target.query('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    }

    // A second restore onto the restored store, which now holds data, is refused.
    const again = await runRestore([file], target.env);
    expect(again.code).toBe(1);
    expect(again.out).toMatch(
      /^restore: .+ holds data \(\d+ rows\); restore into a fresh .+ or pass --force$/,
    );

    // A backup with one byte flipped is refused by its checksum before anything is written.
    const corrupt = join(dir, `${backend.name}-corrupt.backup`);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
    writeFileSync(corrupt, bytes);
    copyFileSync(`${file}.manifest.json`, `${corrupt}.manifest.json`);
    const untouched = await backend.freshTarget('corrupt');
    const refused = await runRestore([corrupt], untouched.env);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(
      /^restore: .+ fails its checksum \(sha256 [0-9a-f]{64}, manifest [0-9a-f]{64}\): corrupt$/,
    );
    expect(await untouched.exists()).toBe(false);
  });
});
