/**
 * `npx tsx bench/engine-compare.ts --file world.db`: the store engine and the timetable index
 * engine on one seeded SQLite file, in one process, alternating search by search so that the
 * machine's load (shared with other work) weighs on both alike. Prints the index build, its shared
 * memory, and p50/p99 of each engine per kind of search (no HTTP: the engine alone).
 *
 *   npx tsx bench/engine-compare.ts --file /tmp/tp-worlds/world-3000x30-….db [--searches 300] [--days 30]
 */
import { parseArgs } from 'node:util';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../src/adapters/store/sqlite/inventory-store.js';
import { SeededRandom } from '../src/core/demo-inventory/random.js';
import { FlightSearch } from '../src/core/flights/flight-search.js';
import type { FlightSearchRequest } from '../src/core/flights/flight-search-request.js';
import { LiveTimetable } from '../src/core/flights/timetable/live-timetable.js';
import { buildTimetable } from '../src/core/flights/timetable/timetable-builder.js';
import { layoutBytes, legCount } from '../src/core/flights/timetable/timetable-layout.js';
import { TokenSigner } from '../src/core/offers/signed-token.js';
import { systemClock } from '../src/ports/clock.js';
import { unconsultedSearchResults } from './bench-setup.js';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    searches: { type: 'string', default: '300' },
    days: { type: 'string', default: '30' },
  },
});
if (!values.file) throw new Error('--file names a seeded SQLite inventory');

const DAY_MS = 86_400_000;
const store = new SqliteInventoryStore(openSqliteDatabase(values.file));
const airports = await loadAirportDirectory();
const signer = new TokenSigner('engine-compare-signing-secret-000000000000');
const results = unconsultedSearchResults(signer, systemClock);
const from = Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
const timetable = new LiveTimetable(store, { position: (iata) => airports.byIata(iata) });
const started = performance.now();
const layout = await buildTimetable(store, { from, to: from + 368 * DAY_MS });
const buildMs = performance.now() - started;
timetable.swap(layout);
const deps = { results, store, airports, clock: systemClock, signer, offerTtlMs: 600_000, maxResults: 250 };
const engines = { store: new FlightSearch(deps), index: new FlightSearch({ ...deps, timetable }) };

const routes = await store.listRoutes();
const codes = [...new Set(routes.map((r) => r.origin))];
const direct = new Set(routes.map((r) => `${r.origin}-${r.destination}`));
const random = new SeededRandom(5);
const date = (day: number) => new Date(from + (day + 1) * DAY_MS).toISOString().slice(0, 10);
const base = (origin: string, destination: string, day: number): FlightSearchRequest => ({
  origin,
  destination,
  departureDate: date(day),
  adults: 1,
  children: 0,
  infants: 0,
  cabin: 'economy',
  maxStops: 2,
  sort: 'price',
  currency: 'USD',
});
const kinds: Record<string, () => FlightSearchRequest> = {
  'one-way': () => {
    const route = random.pick(routes);
    return random.next() < 0.5
      ? base(route.origin, route.destination, random.int(1, Number(values.days) - 8))
      : base(random.pick(codes), random.pick(codes), random.int(1, Number(values.days) - 8));
  },
  'round trip': () => {
    const route = random.pick(routes);
    const day = random.int(1, Number(values.days) - 8);
    return { ...base(route.origin, route.destination, day), returnDate: date(day + random.int(2, 7)) };
  },
  'no direct route (1–2 stops)': () => {
    for (;;) {
      const [o, d] = [random.pick(codes), random.pick(codes)];
      if (o !== d && !direct.has(`${o}-${d}`)) return base(o, d, random.int(1, Number(values.days) - 8));
    }
  },
};

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

process.stdout.write(
  `index: ${legCount(layout).toLocaleString('en')} legs, ${layout.routeCarriers.length} routes, built in ${(buildMs / 1000).toFixed(1)} s, ${Math.round(layoutBytes(layout) / 1_048_576)} MB shared; RSS ${Math.round(process.memoryUsage().rss / 1_048_576)} MB\n\n`,
);
process.stdout.write(
  '| search | store engine p50 / p99 ms | index engine p50 / p99 ms | p50 ratio |\n|---|---:|---:|---:|\n',
);
for (const [kind, make] of Object.entries(kinds)) {
  const samples = { store: [] as number[], index: [] as number[] };
  for (let i = 0; i < Number(values.searches); i++) {
    const request = make();
    if (request.origin === request.destination) continue;
    // Alternate which engine goes first, so neither always meets a warm page cache.
    const order = i % 2 === 0 ? (['store', 'index'] as const) : (['index', 'store'] as const);
    for (const name of order) {
      const begun = performance.now();
      try {
        await engines[name].search(request);
      } catch {
        // An unknown or same-city pair: both engines refuse it alike.
      }
      samples[name].push(performance.now() - begun);
    }
  }
  samples.store.sort((a, b) => a - b);
  samples.index.sort((a, b) => a - b);
  const f = (list: number[]) => `${percentile(list, 50).toFixed(2)} / ${percentile(list, 99).toFixed(1)}`;
  process.stdout.write(
    `| ${kind} | ${f(samples.store)} | ${f(samples.index)} | ${(percentile(samples.index, 50) / percentile(samples.store, 50)).toFixed(2)} |\n`,
  );
}
await store.close();
