/**
 * What the search index costs a process on DynamoDB: the whole build (what a server does at start,
 * SEARCH_INDEX=memory) against one window of the days a search asks for (SEARCH_INDEX=days, the
 * Lambda host's setting, read in the background after the first search of those days). On dynalite
 * in a process of its own: dynalite is an in-memory stand-in, not DynamoDB, so read the ratio, not
 * the seconds.
 *
 *   SEED_AIRPORTS=50 SEED_DAYS=10 npx tsx bench/timetable-days.ts
 */
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openDynamoDbStore } from '../src/adapters/store/dynamodb/index.js';
import { generateDemoInventory } from '../src/core/demo-inventory/generate.js';
import { buildTimetable } from '../src/core/flights/timetable/timetable-builder.js';
import { layoutBytes, legCount } from '../src/core/flights/timetable/timetable-layout.js';
import { dynamoConfig, startDynaliteProcess } from '../test/helpers/dynalite.js';

const DAY = 86_400_000;
const airportCount = Number(process.env.SEED_AIRPORTS ?? 50);
const days = Number(process.env.SEED_DAYS ?? 10);
const startDate = new Date().toISOString().slice(0, 10);
const day0 = Date.parse(`${startDate}T00:00:00Z`);

const dynamo = await startDynaliteProcess();
const store = await openDynamoDbStore(dynamoConfig(dynamo.endpoint));
await store.migrate();
const airports = await loadAirportDirectory();
const seeded = performance.now();
const summary = await generateDemoInventory(airports.all(), store.inventory, {
  airports: airportCount,
  days,
  seed: 7,
  startDate,
});
console.log(
  JSON.stringify({
    seeded: { airports: airportCount, days, flights: summary.flights, routes: summary.routes },
    seedSeconds: Math.round((performance.now() - seeded) / 100) / 10,
  }),
);

async function measure(name: string, from: number, to: number): Promise<void> {
  const started = performance.now();
  const layout = await buildTimetable(store.inventory, { from, to });
  console.log(
    JSON.stringify({
      window: name,
      days: (to - from) / DAY,
      buildMs: Math.round(performance.now() - started),
      legs: legCount(layout),
      routes: layout.routeCarriers.length,
      layoutMb: +(layoutBytes(layout) / 1_048_576).toFixed(2),
    }),
  );
}

// As a server builds it (from yesterday), then as a search of day 2 asks for it (SEARCH_INDEX=days).
await measure('whole (SEARCH_INDEX=memory)', day0 - DAY, day0 + 368 * DAY);
await measure('one search window (SEARCH_INDEX=days)', day0 + DAY, day0 + 5 * DAY);
await measure('whole (SEARCH_INDEX=memory), again', day0 - DAY, day0 + 368 * DAY);
await measure('one search window (SEARCH_INDEX=days), again', day0 + DAY, day0 + 5 * DAY);
await store.close();
await dynamo.close();
