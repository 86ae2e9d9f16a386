/**
 * SSIM import bench: generates a schedule file from the demo network (SEED_AIRPORTS airports, every
 * service as one leg record over a season of SEASON_DAYS days, local time mode) and imports it into
 * a fresh store, reporting records per second, dated legs per second and peak RSS.
 *
 *   STORE=sqlite   SEED_AIRPORTS=3000 SEASON_DAYS=14 npx tsx bench/ssim-import.ts
 *   STORE=postgres SEED_AIRPORTS=3000 SEASON_DAYS=14 npx tsx bench/ssim-import.ts
 *   STORE=dynamodb SEED_AIRPORTS=300  SEASON_DAYS=7  npx tsx bench/ssim-import.ts
 *
 * STORE=dynamodb imports into DYNAMODB_ENDPOINT (a fresh table) or, without it, into dynalite in a
 * process of its own: dynalite is an in-memory stand-in, not DynamoDB, so its rate says nothing of AWS.
 *
 * Run with `--cpu-prof` (node --cpu-prof --import tsx bench/ssim-import.ts) to profile the import.
 *
 * The network and the file take ~300 MB of their own: to measure the import's memory alone, write
 * the file in one process and import it in another:
 *
 *   SSIM_OUT=/tmp/season.ssim SEED_AIRPORTS=3000 SEASON_DAYS=180 npx tsx bench/ssim-import.ts
 *   STORE=sqlite SSIM_FILE=/tmp/season.ssim npx tsx bench/ssim-import.ts
 */
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openDynamoDbStore } from '../src/adapters/store/dynamodb/index.js';
import { openPostgresStore } from '../src/adapters/store/postgres/index.js';
import { openSqliteStore } from '../src/adapters/store/sqlite/index.js';
import { buildNetwork } from '../src/core/demo-inventory/network.js';
import { SeededRandom } from '../src/core/demo-inventory/random.js';
import { buildServices } from '../src/core/demo-inventory/schedule.js';
import { numberedLines } from '../src/core/imports/line-reader.js';
import { configurationOf } from '../src/core/imports/ssim/ssim-cabins.js';
import { SsimImport } from '../src/core/imports/ssim/ssim-import.js';
import {
  carrierRecord,
  headerRecord,
  legRecord,
  trailerRecord,
} from '../src/core/imports/ssim/ssim-writer.js';
import { addDays, offsetMinutes, zonedDate, zonedToEpoch } from '../src/kernel/zoned-time.js';
import type { StoreBackend } from '../src/ports/store-backend.js';
import { dynamoConfig, startDynaliteProcess } from '../test/helpers/dynalite.js';

const airportCount = Number(process.env.SEED_AIRPORTS ?? 3000);
const seasonDays = Number(process.env.SEASON_DAYS ?? 14);
const store = process.env.STORE ?? 'sqlite';
const validFrom = process.env.SEASON_START ?? addDays(new Date().toISOString().slice(0, 10), 7);
const validTo = addDays(validFrom, seasonDays - 1);

const airports = await loadAirportDirectory();
const dir = mkdtempSync(join(tmpdir(), 'tp-ssim-bench-'));
const given = process.env.SSIM_FILE;
const file = given ?? process.env.SSIM_OUT ?? join(dir, 'season.ssim');
if (!given) generate(file);
if (process.env.SSIM_OUT) process.exit(0);

/** Writes the season of the demo network as an SSIM file. */
function generate(file: string): void {
  const network = buildNetwork(airports.all(), airportCount);
  const services = buildServices(network.routes, new SeededRandom(1).fork('services'), network.passengers);

  const lines: string[] = [];
  let serial = 1;
  lines.push(headerRecord(serial++));
  const byCarrier = new Map<string, typeof services>();
  for (const service of services)
    byCarrier.set(service.carrier, [...(byCarrier.get(service.carrier) ?? []), service]);
  // Zone offsets a week apart over the season: a service between zones whose difference changes
  // (their DST rules differ) would keep its local times across the switch and change its block time,
  // possibly below zero, so the file gives it the UTC variations of the first day instead, as airlines
  // file periods with variations; the others keep local times without variations (the importer looks
  // the zones up and cuts their periods at DST switches).
  const weekly = new Map<string, number[]>();
  function weeklyOffsets(timeZone: string): number[] {
    let offsets = weekly.get(timeZone);
    if (!offsets) {
      offsets = [];
      for (let day = 0; day <= seasonDays + 7; day += 7)
        offsets.push(offsetMinutes(Date.parse(`${addDays(validFrom, day)}T12:00:00Z`), timeZone));
      weekly.set(timeZone, offsets);
    }
    return offsets;
  }
  let withVariations = 0;
  for (const [carrier, list] of [...byCarrier.entries()].sort()) {
    lines.push(
      carrierRecord({ timeMode: 'L', carrier, validFrom, validTo, creationDate: validFrom }, serial++),
    );
    for (const s of list.sort((a, b) => a.flightNumber - b.flightNumber)) {
      const departure = zonedToEpoch(validFrom, s.departureMinute, s.origin.timeZone);
      const arrival = departure + s.blockMinutes * 60_000;
      const arrivalOffset = offsetMinutes(arrival, s.destination.timeZone);
      const arrivalMinute = Math.floor(((arrival + arrivalOffset * 60_000) % 86_400_000) / 60_000);
      const from = weeklyOffsets(s.origin.timeZone);
      const to = weeklyOffsets(s.destination.timeZone);
      const shifting = from.some((o, i) => (to[i] as number) - o !== (to[0] as number) - (from[0] as number));
      if (shifting) withVariations++;
      lines.push(
        legRecord(
          {
            carrier,
            flightNumber: s.flightNumber,
            variation: 1,
            legSequence: 1,
            serviceType: 'J',
            periodFrom: validFrom,
            periodTo: validTo,
            days: [...s.weekdays].map((d) => (d === 0 ? 7 : d)),
            origin: s.origin.iata,
            destination: s.destination.iata,
            departureMinute: s.departureMinute,
            arrivalMinute,
            ...(shifting
              ? {
                  departureUtcVariation: offsetMinutes(departure, s.origin.timeZone),
                  arrivalUtcVariation: arrivalOffset,
                }
              : {}),
            aircraft: s.aircraft.code,
            prbd: 'JWY',
            aircraftConfiguration: configurationOf(s.seats),
            arrivalDateVariation: Math.round(
              (Date.parse(zonedDate(arrival, s.destination.timeZone)) - Date.parse(validFrom)) / 86_400_000,
            ),
          },
          serial++,
        ),
      );
    }
    lines.push(trailerRecord(carrier, validFrom, serial++));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  const records = lines.length;
  lines.length = 0;
  console.log(
    `generated ${records} SSIM records (${services.length} services, ${withVariations} of them with UTC variations, ${airportCount} airports, ${seasonDays} days from ${validFrom}), ${(statSync(file).size / 1_048_576).toFixed(1)} MB`,
  );
}

let backend: StoreBackend;
let cleanup = async (): Promise<void> => {};
if (store === 'postgres') {
  const schema = `bench_ssim_${process.pid}`;
  backend = await openPostgresStore({
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    pgSchema: schema,
    pgPoolSize: 4,
    pgStatementTimeoutMs: 600_000,
    pgConnectTimeoutMs: 5_000,
  });
  await backend.migrate();
  cleanup = async () => {
    const pg = await import('pg');
    const client = new pg.default.Client({
      connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    });
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  };
} else if (store === 'dynamodb') {
  const dynamo = process.env.DYNAMODB_ENDPOINT
    ? { endpoint: process.env.DYNAMODB_ENDPOINT, close: async () => {} }
    : await startDynaliteProcess();
  backend = await openDynamoDbStore(dynamoConfig(dynamo.endpoint));
  await backend.migrate();
  cleanup = () => dynamo.close();
} else {
  backend = await openSqliteStore({ sqliteFile: join(dir, 'bench.db') });
}

const kind = new SsimImport({
  airports,
  inventory: backend.inventory,
  schedules: backend.schedules,
  bookings: backend.bookings,
  clock: { now: () => Date.now() },
  eventSource: '/bench',
});
const started = performance.now();
const cpuStarted = process.cpuUsage();
const summary = await kind.run(numberedLines(createReadStream(file)), { dryRun: false, estimateFares: true });
const seconds = (performance.now() - started) / 1000;
// CPU seconds of this process (user + system): on a shared machine the wall clock also counts the
// time other processes held the cores. PostgreSQL's own CPU is not in it.
const cpu = process.cpuUsage(cpuStarted);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify({
    store,
    applied: summary.applied,
    errors: summary.errorCount,
    records: summary.counts.records,
    datedLegs: summary.counts.datedLegs,
    periods: summary.counts.periods,
    seconds: Number(seconds.toFixed(1)),
    cpuSeconds: Number(cpuSeconds.toFixed(1)),
    recordsPerSecond: Math.round((summary.counts.records ?? 0) / seconds),
    datedLegsPerSecond: Math.round((summary.counts.datedLegs ?? 0) / seconds),
    peakRssMb: Math.round(peakRssMb),
  }),
);
if (summary.errorCount > 0) console.log(summary.errors.slice(0, 5));
await backend.close();
await cleanup();
rmSync(dir, { recursive: true, force: true });
