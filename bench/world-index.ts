/**
 * The timetable index at the real world's size (issue 20, goal 2): 100,000 flights a day for 365
 * days (36.5M legs) built through the index's own builder (`buildTimetable`, streaming records
 * into the shared columns), written to its snapshot and read back in a fresh process, as a
 * restarted server reads it. No store: the legs are generated per route as the builder asks for
 * them (a route's window at a time), so the process holds what a server's index holds plus one
 * batch of records. Prints leg count, shared bytes, bytes a leg, build time, process RSS after the
 * build, snapshot write time and size, and the fresh process's read time and RSS.
 *
 *   npx tsx bench/world-index.ts [--flights-per-day 100000] [--days 365] [--dir /tmp/world-index]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readTimetableSnapshot, writeTimetableSnapshot } from '../src/composition/timetable-snapshot.js';
import { SeededRandom } from '../src/core/demo-inventory/random.js';
import { buildTimetable } from '../src/core/flights/timetable/timetable-builder.js';
import { layoutBytes, legCount } from '../src/core/flights/timetable/timetable-layout.js';
import type {
  CabinInventory,
  FlightLegQuery,
  FlightRecord,
  InventoryStore,
  RouteRecord,
} from '../src/ports/store.js';

const { values } = parseArgs({
  options: {
    'flights-per-day': { type: 'string', default: '100000' },
    days: { type: 'string', default: '365' },
    dir: { type: 'string', default: '/tmp/world-index' },
    /** Internal: read the snapshot at this path and report (the fresh process). */
    read: { type: 'string' },
  },
});

const mb = (bytes: number): number => Math.round(bytes / 1_048_576);
const rssMb = (): number => mb(process.memoryUsage().rss);

if (values.read) {
  // The fresh process: what a restarted server does first.
  const before = rssMb();
  const started = performance.now();
  const layout = await readTimetableSnapshot(values.read);
  const readMs = Math.round(performance.now() - started);
  if (!layout) throw new Error(`no snapshot at ${values.read}`);
  console.log(
    JSON.stringify({
      snapshotReadMs: readMs,
      legs: legCount(layout),
      rssBeforeMb: before,
      rssAfterReadMb: rssMb(),
    }),
  );
  process.exit(0);
}

const DAY_MS = 86_400_000;
const flightsPerDay = Number(values['flights-per-day']);
const days = Number(values.days);
const dir = values.dir as string;
const from = Date.UTC(2027, 0, 1);

/**
 * A world-like network: 3,700 airports, routes of 1–6 daily departures (2.5 on average, as the
 * demo world's 3,000-airport network flies), 100 carriers; every flight has 2 or 3 cabins.
 */
const AIRPORTS = 3_700;
const random = new SeededRandom(20);
const code = (n: number): string =>
  String.fromCharCode(65 + (n % 26), 65 + (Math.floor(n / 26) % 26), 65 + (Math.floor(n / 676) % 26));
interface Route extends RouteRecord {
  perDay: number;
  carrier: string;
  firstNumber: number;
  departureMinute: number[];
  blockMinutes: number;
  distanceKm: number;
}
const routes: Route[] = [];
const seen = new Set<string>();
let daily = 0;
let number = 1;
while (daily < flightsPerDay) {
  const a = random.int(0, AIRPORTS - 1);
  const b = random.int(0, AIRPORTS - 1);
  const key = `${code(a)}${code(b)}`;
  if (a === b || seen.has(key)) continue;
  seen.add(key);
  const perDay = Math.min(flightsPerDay - daily, random.int(1, 4));
  const carrier = code(random.int(0, 99)).slice(0, 2);
  const distanceKm = random.int(200, 12_000);
  routes.push({
    origin: code(a),
    destination: code(b),
    carriers: [carrier],
    perDay,
    carrier,
    firstNumber: number,
    departureMinute: Array.from({ length: perDay }, () => random.int(0, 287) * 5).sort((x, y) => x - y),
    blockMinutes: Math.round(40 + distanceKm / 13),
    distanceKm,
  });
  number = (number + perDay) % 9_000;
  daily += perDay;
}
routes.sort((x, y) => (x.origin + x.destination < y.origin + y.destination ? -1 : 1));

function flightsOf(route: Route, query: FlightLegQuery): FlightRecord[] {
  const flights: FlightRecord[] = [];
  for (
    let day = Math.floor((query.departFrom - from) / DAY_MS);
    day * DAY_MS + from < query.departTo;
    day++
  ) {
    if (day < 0 || day >= days) continue;
    const date = new Date(from + day * DAY_MS).toISOString().slice(0, 10);
    route.departureMinute.forEach((minute, k) => {
      const departureUtc = from + day * DAY_MS + minute * 60_000;
      if (departureUtc < query.departFrom || departureUtc >= query.departTo) return;
      const flightNumber = route.firstNumber + k + 1;
      const cabins: CabinInventory[] = [
        {
          cabin: 'economy',
          fare: 9_900 + (day % 50) * 100,
          taxes: 2_100,
          seatsLeft: 120 - (day % 100),
          capacity: 150,
        },
        { cabin: 'business', fare: 49_900, taxes: 5_100, seatsLeft: 12, capacity: 24 },
      ];
      if (k === 0) cabins.push({ cabin: 'first', fare: 129_900, taxes: 9_100, seatsLeft: 4, capacity: 8 });
      flights.push({
        id: `${date}-${route.carrier}${flightNumber}`,
        carrier: route.carrier,
        flightNumber,
        origin: route.origin,
        destination: route.destination,
        departureUtc,
        arrivalUtc: departureUtc + route.blockMinutes * 60_000,
        aircraft: route.distanceKm > 4_000 ? '789' : '320',
        distanceKm: route.distanceKm,
        currency: 'USD',
        cabins,
      });
    });
  }
  return flights;
}

/** Only what the builder reads; every other call is a mistake here. */
const byPair = new Map(routes.map((route) => [`${route.origin}-${route.destination}`, route]));
const generated = {
  listRoutes: async () => routes,
  findFlightsOnLegs: async (queries: readonly FlightLegQuery[]) =>
    queries.map((query) => flightsOf(byPair.get(`${query.origin}-${query.destination}`) as Route, query)),
} as unknown as InventoryStore;

const expectedLegs = flightsPerDay * days;
const rssBefore = rssMb();
const cpuBefore = process.cpuUsage();
const started = performance.now();
const layout = await buildTimetable(
  generated,
  { from, to: from + days * DAY_MS },
  undefined,
  undefined,
  undefined,
  expectedLegs,
);
const buildMs = Math.round(performance.now() - started);
const cpu = process.cpuUsage(cpuBefore);
const rssAfterBuild = rssMb();
const heapAfterBuild = mb(process.memoryUsage().heapUsed);

mkdirSync(dir, { recursive: true });
const file = join(dir, `index-${flightsPerDay}x${days}.timetable`);
const writeStarted = performance.now();
await writeTimetableSnapshot(file, layout);
const writeMs = Math.round(performance.now() - writeStarted);
const snapshotMb = mb(statSync(file).size);

const legs = legCount(layout);
console.log(
  JSON.stringify({
    flightsPerDay,
    days,
    routes: routes.length,
    legs,
    sharedMb: mb(layoutBytes(layout)),
    bytesPerLeg: +(layoutBytes(layout) / legs).toFixed(1),
    buildMs,
    buildCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
    rssBeforeMb: rssBefore,
    rssAfterBuildMb: rssAfterBuild,
    heapUsedAfterBuildMb: heapAfterBuild,
    snapshotWriteMs: writeMs,
    snapshotMb,
  }),
);
const reader = execFileSync(
  process.execPath,
  [...process.execArgv, process.argv[1] as string, '--read', file],
  {
    encoding: 'utf8',
  },
);
process.stdout.write(reader);
rmSync(file, { force: true });
