/**
 * Rate and memory of a fares import (docs/import.md, "Fares"): generates a valid fares file of
 * `--records` filings of one carrier over the first 400 airports of the directory, streams it
 * through the fares import kind into a fresh store (a SQLite file, or a new PostgreSQL schema,
 * dropped afterwards) and reports records per second, the time spent staging, comparing and
 * publishing, and the peak RSS sampled every 50 ms.
 *
 *   npx tsx bench/fares-import.ts [--store sqlite|postgres] [--records 100000]
 *
 * With --store postgres, DATABASE_URL names the server and database (default
 * postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openPostgresStore } from '../src/adapters/store/postgres/index.js';
import { openSqliteStore } from '../src/adapters/store/sqlite/index.js';
import { createFaresImport } from '../src/core/imports/fares/fares-import.js';
import type { ImportLine } from '../src/core/imports/import-kind.js';
import { systemClock } from '../src/ports/clock.js';
import type { FareFilings } from '../src/ports/fare-filings.js';
import type { StoreBackend } from '../src/ports/store-backend.js';

const { values } = parseArgs({
  options: { store: { type: 'string', default: 'sqlite' }, records: { type: 'string', default: '100000' } },
});
const records = Number(values.records);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_fares_${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'fares-bench-'));

const airports = await loadAirportDirectory();
const codes = airports
  .all()
  .map((a) => a.iata)
  .filter((iata) => /^[A-Z]{3}$/.test(iata))
  .slice(0, 400);
const store: StoreBackend =
  values.store === 'postgres'
    ? await openPostgresStore({
        databaseUrl,
        pgSchema: schema,
        pgPoolSize: 4,
        pgStatementTimeoutMs: 120_000,
        pgConnectTimeoutMs: 5_000,
      })
    : await openSqliteStore({ sqliteFile: join(dir, 'store.db') });
await store.migrate();

/** A valid file: every filing a distinct fare basis, markets spread over the airports. */
async function* file(): AsyncGenerator<ImportLine> {
  yield {
    line: 1,
    text: 'carrier,origin,destination,cabin,fare_basis,booking_class,amount,currency,first_travel_date,last_travel_date,advance_purchase_days',
  };
  for (let i = 0; i < records; i++) {
    const origin = codes[i % codes.length] as string;
    const destination = codes[(i * 7 + 1) % codes.length] as string;
    yield {
      line: i + 2,
      text: `XA,${origin},${destination},economy,F${i},Y,${(100 + (i % 500)).toFixed(2)},EUR,2027-01-01,2027-12-31,${i % 30}`,
    };
  }
}

/** Time spent in each FareFilings call, ms. */
const spent: Record<string, number> = {};
const timed: FareFilings = {
  findFares: (m) => store.fares.findFares(m),
  stage: (v, f) => time('stage', () => store.fares.stage(v, f)),
  compare: (v, c) => time('compare', () => store.fares.compare(v, c)),
  publish: (v, c, e) => time('publish', () => store.fares.publish(v, c, e)),
  discard: (v) => time('discard', () => store.fares.discard(v)),
};
async function time<T>(name: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    spent[name] = (spent[name] ?? 0) + performance.now() - start;
  }
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
const start = performance.now();
const summary = await createFaresImport({
  fares: timed,
  airports,
  inventory: store.inventory,
  clock: systemClock,
  eventSource: '/bench/fares-import',
}).run(file(), { dryRun: false });
const seconds = (performance.now() - start) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

console.log(
  JSON.stringify({
    store: values.store,
    records: summary.counts.records,
    applied: summary.applied,
    errors: summary.errorCount,
    seconds: Number(seconds.toFixed(1)),
    recordsPerSecond: Math.round((summary.counts.records ?? 0) / seconds),
    msStaging: Math.round(spent.stage ?? 0),
    msComparing: Math.round(spent.compare ?? 0),
    msPublishing: Math.round(spent.publish ?? 0),
    peakRssMB: Math.round(peakRss / 1e6),
  }),
);
await store.close();
rmSync(dir, { recursive: true, force: true });
if (values.store === 'postgres') {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA ${schema} CASCADE`);
  await client.end();
}
