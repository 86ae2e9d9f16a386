/**
 * `npx tsx bench/engine-answers.ts --file world.db`: the search thread's work alone, in one process
 * (the index engine over a seeded SQLite file, as a search thread builds it: the file's timetable
 * snapshot, its read-only stores, the airport directory), on a frozen clock so that answers —
 * offer ids included — are comparable byte for byte between two trees.
 *
 *   npx tsx bench/engine-answers.ts --file /tmp/tp-worlds/world-3000x30-….db [--searches 200]
 *     [--answers 400 --out answers.jsonl] [--days 30] [--kinds one-way,round,no]
 *
 * Prints p50/p99 and CPU per search of each kind (one-way, round trip, no direct route: economy, one
 * adult, maxStops 2 as the HTTP bench asks). With --out, first writes one line per random search
 * (one-way and round trip, 0–2 stops, every cabin, 1–9 passengers, carrier filters, price caps,
 * every sort): the request and a hash of its answer — compare two trees' files with `cmp`. Run it
 * under `node --cpu-prof --import tsx` to profile the engine without HTTP.
 */
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/database.js';
import { openSqliteReadOnlySearchStores } from '../src/adapters/store/sqlite/index.js';
import { SqliteInventoryStore } from '../src/adapters/store/sqlite/inventory-store.js';
import { readTimetableSnapshot, writeTimetableSnapshot } from '../src/composition/timetable-snapshot.js';
import { SeededRandom } from '../src/core/demo-inventory/random.js';
import { FlightSearch } from '../src/core/flights/flight-search.js';
import type { FlightSearchRequest } from '../src/core/flights/flight-search-request.js';
import { LiveTimetable } from '../src/core/flights/timetable/live-timetable.js';
import { buildTimetable } from '../src/core/flights/timetable/timetable-builder.js';
import { TokenSigner } from '../src/core/offers/signed-token.js';
import { FLIGHT_SEARCH_DEFAULTS } from '../src/core/search/request-rules.js';
import type { Clock } from '../src/ports/clock.js';
import { CABINS } from '../src/ports/store.js';
import { unconsultedSearchResults } from './bench-setup.js';
import { monotonicMicros } from './profile-summary.js';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    searches: { type: 'string', default: '200' },
    answers: { type: 'string', default: '400' },
    out: { type: 'string' },
    days: { type: 'string', default: '30' },
    kinds: { type: 'string' },
  },
});
if (!values.file) throw new Error('--file names a seeded SQLite inventory');

const DAY_MS = 86_400_000;
const days = Number(values.days);
// The world's first day (its file name ends in the seeding date), noon UTC: every search is ahead.
const firstDay = /(\d{4}-\d{2}-\d{2})\.db$/.exec(values.file)?.[1] ?? new Date().toISOString().slice(0, 10);
const frozenAt = Date.parse(`${firstDay}T12:00:00Z`);
const clock: Clock = { now: () => frozenAt };
const date = (day: number) => new Date(frozenAt + day * DAY_MS).toISOString().slice(0, 10);

const airports = await loadAirportDirectory();
const snapshotFile = `${values.file}.timetable`;
let layout = existsSync(snapshotFile) ? await readTimetableSnapshot(snapshotFile) : undefined;
if (!layout) {
  const writer = new SqliteInventoryStore(openSqliteDatabase(values.file));
  const from = Math.floor(frozenAt / DAY_MS) * DAY_MS - DAY_MS;
  layout = await buildTimetable(writer, { from, to: from + (days + 8) * DAY_MS });
  await writeTimetableSnapshot(snapshotFile, layout);
  await writer.close();
}
const stores = openSqliteReadOnlySearchStores(values.file);
const timetable = new LiveTimetable(stores.inventory, { position: (iata) => airports.byIata(iata) });
timetable.swap(layout);
const signer = new TokenSigner('engine-answers-signing-secret-00000000000');
const results = unconsultedSearchResults(signer, clock);
const engine = new FlightSearch({
  results,
  store: stores.inventory,
  fares: stores.fares,
  airports,
  clock,
  signer,
  offerTtlMs: 600_000,
  maxResults: 250,
  timetable,
});

const routes = await stores.inventory.listRoutes();
const codes = [...new Set(routes.map((r) => r.origin))].sort();
const direct = new Set(routes.map((r) => `${r.origin}-${r.destination}`));

const base = (origin: string, destination: string, day: number): FlightSearchRequest => ({
  origin,
  destination,
  departureDate: date(day),
  ...FLIGHT_SEARCH_DEFAULTS,
  currency: 'USD',
});

/** A search of the equivalence test's mix. */
function randomRequest(random: SeededRandom): FlightSearchRequest {
  let origin = random.pick(codes);
  let destination = random.pick(codes);
  if (random.next() < 0.5) {
    const route = random.pick(routes);
    origin = route.origin;
    destination = route.destination;
  }
  while (destination === origin) destination = random.pick(codes);
  const day = random.int(1, days - 8);
  const request: FlightSearchRequest = {
    ...base(origin, destination, day),
    adults: random.int(1, 4),
    children: random.next() < 0.2 ? random.int(1, 3) : 0,
    infants: random.next() < 0.1 ? 1 : 0,
    cabin: random.next() < 0.6 ? 'economy' : random.pick(CABINS),
    maxStops: random.int(0, 2),
    sort: random.pick(['price', 'duration', 'departure'] as const),
    currency: random.pick(['USD', 'EUR', 'GBP'] as const),
  };
  if (random.next() < 0.35) request.returnDate = date(day + random.int(1, 5));
  if (random.next() < 0.15) {
    const carriers = [...new Set(routes.filter((r) => r.origin === origin).flatMap((r) => r.carriers))];
    if (carriers.length > 0) request.carriers = [random.pick(carriers)];
  }
  if (random.next() < 0.1) request.maxPrice = random.int(5_000, 200_000);
  return request;
}

async function answer(request: FlightSearchRequest): Promise<unknown> {
  try {
    return await engine.search(request);
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

if (process.env.DUMP_RUN) {
  let run = await engine.search(base(routes[0]!.origin, routes[0]!.destination, 3));
  for (let i = 0; run.offers.length < 240; i++) {
    const route = routes[(i * 7919) % routes.length]!;
    run = await engine.search({ ...base(route.origin, route.destination, 3), returnDate: date(6) });
  }
  writeFileSync(process.env.DUMP_RUN, JSON.stringify(run));
  process.stdout.write(`dumped ${run.offers.length} offers\n`);
}
if (values.out) {
  const random = new SeededRandom(2026);
  const lines: string[] = [];
  let offers = 0;
  for (let i = 0; i < Number(values.answers); i++) {
    const request = randomRequest(random);
    const body = JSON.stringify(await answer(request));
    offers += (JSON.parse(body) as { offers?: unknown[] }).offers?.length ?? 0;
    lines.push(`${JSON.stringify(request)} ${createHash('sha256').update(body).digest('hex')}`);
  }
  writeFileSync(values.out, `${lines.join('\n')}\n`);
  process.stdout.write(`${lines.length} answers (${offers} offers) written to ${values.out}\n`);
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const random = new SeededRandom(5);
const kinds: Record<string, () => FlightSearchRequest> = {
  'one-way': () => {
    const route = random.pick(routes);
    return random.next() < 0.5
      ? base(route.origin, route.destination, random.int(1, days - 8))
      : base(random.pick(codes), random.pick(codes), random.int(1, days - 8));
  },
  'round trip': () => {
    const route = random.pick(routes);
    const day = random.int(1, days - 8);
    return { ...base(route.origin, route.destination, day), returnDate: date(day + random.int(2, 7)) };
  },
  'no direct route (1–2 stops)': () => {
    for (;;) {
      const [o, d] = [random.pick(codes), random.pick(codes)];
      if (o !== d && !direct.has(`${o}-${d}`)) return base(o, d, random.int(1, days - 8));
    }
  },
};
// Warm the JIT and the page cache on searches not measured.
for (let i = 0; i < 50; i++) await answer(kinds['one-way']!());
process.stdout.write('| search | p50 / p99 ms | CPU ms a search |\n|---|---:|---:|\n');
// The measured searches, on the clock V8 stamps profiles with (bench/profile-summary.ts).
const windowFrom = monotonicMicros();
const only = values.kinds?.split(',');
for (const [kind, make] of Object.entries(kinds)) {
  if (only && !only.some((name) => kind.startsWith(name))) continue;
  const samples: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < Number(values.searches); i++) {
    const request = make();
    if (request.origin === request.destination) continue;
    const begun = performance.now();
    await answer(request);
    samples.push(performance.now() - begun);
  }
  const used = process.cpuUsage(cpu);
  samples.sort((a, b) => a - b);
  process.stdout.write(
    `| ${kind} | ${percentile(samples, 50).toFixed(2)} / ${percentile(samples, 99).toFixed(1)} | ${((used.user + used.system) / 1000 / samples.length).toFixed(2)} |\n`,
  );
}
process.stdout.write(`measured window (µs, monotonic): ${windowFrom} ${monotonicMicros()}\n`);
