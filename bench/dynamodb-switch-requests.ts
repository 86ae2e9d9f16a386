/**
 * The DynamoDB requests of one schedule switch (of 500 flights: 200 retimed, 50 dropped, 250 kept) and
 * of one conditional-writes booking of two legs, counted by the fault proxy in front of dynalite:
 * `npx tsx bench/dynamodb-switch-requests.ts` (BENCHMARKS.md). Counts, not times: they do not depend
 * on the machine's load.
 */
import { openDynamoDbStore } from '../src/adapters/store/dynamodb/index.js';
import { flight, seatBooking, T0 } from '../test/contract/store/fixtures.js';
import { dynamoConfig, startDynalite } from '../test/helpers/dynalite.js';
import { startDynamoFaultProxy } from '../test/helpers/dynamo-fault-proxy.js';

const dynamo = await startDynalite();
const proxy = await startDynamoFaultProxy(dynamo.endpoint);
const store = await openDynamoDbStore(dynamoConfig(proxy.endpoint));
await store.migrate();
const HOUR = 3_600_000;
const flights = Array.from({ length: 500 }, (_, i) => {
  const day = T0 + (i % 20) * 86_400_000;
  return flight(`${new Date(day).toISOString().slice(0, 10)}-XX${1000 + i}`, {
    carrier: 'XX',
    flightNumber: 1000 + i,
    departureUtc: day + 10 * HOUR,
    arrivalUtc: day + 18 * HOUR,
  });
});
await store.inventory.putFlights(flights);
const staged = flights.flatMap((f, i) =>
  i < 200
    ? [{ ...f, departureUtc: f.departureUtc + HOUR, arrivalUtc: f.arrivalUtc + HOUR }]
    : i < 250
      ? []
      : [f],
);
const scope = { carrier: 'XX', firstDate: '2030-01-01', lastDate: '2030-01-31' };
// A base import so that the second one compares signatures.
await store.schedules.stage(
  'a',
  flights.map((f, i) => ({ flight: f, line: i + 1, signature: String(f.departureUtc) })),
);
await store.schedules.compare('a', [scope]);
await store.schedules.switchTo('a', [scope], [], [], () => [], { held: () => [] });
await store.schedules.stage(
  'b',
  staged.map((f, i) => ({ flight: f, line: i + 1, signature: String(f.departureUtc) })),
);
await store.schedules.compare('b', [scope]);
const count = (from: number) => {
  const by: Record<string, number> = {};
  for (const r of proxy.requests.slice(from)) by[r.operation] = (by[r.operation] ?? 0) + 1;
  return { total: proxy.requests.length - from, ...by };
};
let from = proxy.requests.length;
await store.schedules.switchTo('b', [scope], [], [], () => [], { held: () => [] });
console.log('switch', JSON.stringify(count(from)));
const claim = await store.bookings.claimKey('s', 'k', 'h', {
  now: Date.now(),
  leaseMs: 60_000,
  retentionMs: 60_000,
});
if (claim.state !== 'acquired') throw new Error('key not acquired');
from = proxy.requests.length;
await store.bookings.create(
  seatBooking(
    [(flights[300] as (typeof flights)[number]).id, (flights[301] as (typeof flights)[number]).id],
    1,
  ),
  { scope: 's', key: 'k', token: claim.token },
  [],
);
console.log('booking (2 legs)', JSON.stringify(count(from)));
await store.close();
await proxy.close();
await dynamo.close();
