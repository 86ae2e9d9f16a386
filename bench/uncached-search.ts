/**
 * Seeding time and uncached search latency: seeds a fresh store (a SQLite file, or a new schema in
 * PostgreSQL, dropped afterwards) with the default demo inventory, then times distinct flight and
 * hotel searches over real HTTP with the cache off.
 *
 *   npx tsx bench/uncached-search.ts [--store sqlite|postgres|dynamodb] [--airports 300] [--days 90] [--searches 200] [--file db]
 *
 * With --store postgres, DATABASE_URL names the server and database (default
 * postgres://postgres@127.0.0.1:5432/test). With --store dynamodb, DYNAMODB_TABLE, DYNAMODB_ENDPOINT
 * and DYNAMODB_BOOKING_WRITES name the table and a local server (see BENCHMARKS.md).
 * With `--file` (SQLite), that file is used and kept: seeded when empty, reused as it is otherwise
 * (seeded today), so two versions of the code can be timed on one inventory, alternately.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { seedInventory } from '../src/cli/commands/seed.js';
import { createPlatform } from '../src/composition/platform.js';
import { loadConfig } from '../src/config.js';
import { SeededRandom } from '../src/core/demo-inventory/random.js';
import { buildApp } from '../src/http/app.js';

const { values } = parseArgs({
  options: {
    airports: { type: 'string', default: '300' },
    days: { type: 'string', default: '90' },
    searches: { type: 'string', default: '200' },
    store: { type: 'string', default: 'sqlite' },
    file: { type: 'string' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'tp-bench-'));
const pgSchema = `bench_${randomBytes(6).toString('hex')}`;
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const config = loadConfig({
  STORE: values.store,
  SQLITE_FILE: values.file ?? join(dir, 'bench.db'),
  DATABASE_URL: databaseUrl,
  PG_SCHEMA: pgSchema,
  CACHE: 'none',
  LOG_LEVEL: 'silent',
  ADMIN_API_KEY: 'bench-admin-key-that-is-long-enough-000',
  MAX_EVENT_LOOP_DELAY_MS: '0',
  // --store dynamodb: the table and endpoint (DYNAMODB_*) from the environment.
  ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('DYNAMODB_'))),
});
const platform = await createPlatform(config);
const startDate = new Date().toISOString().slice(0, 10);
const stats = await platform.store.stats();
const seeded =
  stats.flights > 0
    ? { seconds: 'reused', flights: stats.flights, hotels: stats.hotels, roomNights: stats.roomNights }
    : await seedInventory(
        platform.store,
        platform.airports,
        { airports: Number(values.airports), days: Number(values.days), seed: 42, startDate },
        process.stdout,
      );
const app = await buildApp({ services: platform.services, gateway: platform.gateway.options });
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const { key } = await platform.gateway.options.keys.issue({
  name: 'bench',
  overrides: { rateLimit: 1e6, burstLimit: 1e6, dailyQuota: 1e9 },
});

const routes = await platform.store.listRoutes();
const airports = [...new Set(routes.map((r) => r.origin))];
const random = new SeededRandom(7);
const date = (days: number): string =>
  new Date(Date.parse(startDate) + days * 86_400_000).toISOString().slice(0, 10);

async function time(path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  return performance.now() - started;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const rows: string[] = [];
for (const kind of ['flights one-way', 'flights round trip', 'hotels'] as const) {
  const samples: number[] = [];
  for (let i = 0; i < Number(values.searches); i++) {
    const day = random.int(1, Math.max(1, Number(values.days) - 8));
    let path: string;
    if (kind === 'hotels') {
      const city = random.pick(airports);
      path = `/v1/hotels/search?cityCode=${city}&checkIn=${date(day)}&checkOut=${date(day + random.int(1, 5))}`;
    } else {
      let origin = random.pick(airports);
      let destination = random.pick(airports);
      while (destination === origin) destination = random.pick(airports);
      if (random.next() < 0.5) {
        const direct = random.pick(routes);
        origin = direct.origin;
        destination = direct.destination;
      }
      path = `/v1/flights/search?origin=${origin}&destination=${destination}&departureDate=${date(day)}`;
      if (kind === 'flights round trip') path += `&returnDate=${date(day + random.int(2, 7))}`;
    }
    samples.push(await time(path));
  }
  samples.sort((a, b) => a - b);
  rows.push(
    `| ${kind} | ${samples.length} | ${percentile(samples, 50).toFixed(1)} | ${percentile(samples, 99).toFixed(1)} | ${samples.at(-1)?.toFixed(1)} |`,
  );
}

process.stdout.write(
  `\nSTORE=${values.store}: seeded ${values.airports} airports × ${values.days} days: ${seeded.seconds} s ` +
    `(${seeded.flights} flights, ${seeded.hotels} hotels, ${seeded.roomNights} room nights)\n\n` +
    '| search (cache off, sequential, real HTTP) | n | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n' +
    `${rows.join('\n')}\n`,
);
await app.close();
await platform.close();
rmSync(dir, { recursive: true, force: true });
if (values.store === 'postgres') await dropBenchSchema();

/** Drops the schema this run seeded, so runs leave nothing behind in the database. */
async function dropBenchSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
  await client.end();
}
