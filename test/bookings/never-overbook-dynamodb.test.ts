import { afterAll, describe, expect, it } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import {
  type ApiProcess,
  prepareSharedStore,
  type SharedStore,
  startApiProcess,
} from '../helpers/api-process.js';
import {
  BookingClient,
  bookingBody,
  firstFlightOffer,
  passengersFor,
  runBounded,
} from '../helpers/bookings.js';
import {
  dynamoConfig,
  type LocalDynamo,
  startDynaliteProcess,
  uniqueTableName,
} from '../helpers/dynalite.js';

const REQUESTS = 1000;
const SEATS = 10;
const CONCURRENCY = 200;

/**
 * Two API processes on one DynamoDB table (dynalite in a third process, which both reach over HTTP). dynalite has no transactions, so this proves the conditional write path
 * (DYNAMODB_BOOKING_WRITES=conditional): conditional decrements in a fixed order with compensation.
 */
describe('never overbook on DynamoDB', () => {
  let dynamo: LocalDynamo | undefined;
  let shared: SharedStore | undefined;
  let store: DynamoDbStore | undefined;
  const processes: ApiProcess[] = [];

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await store?.close();
    shared?.cleanup();
    await dynamo?.close();
  });

  it(`${REQUESTS} concurrent bookings through two API processes for ${SEATS} seats: exactly ${SEATS} succeed`, {
    timeout: 360_000,
  }, async () => {
    dynamo = await startDynaliteProcess();
    const table = uniqueTableName();
    shared = await prepareSharedStore(
      {
        STORE: 'dynamodb',
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        DYNAMODB_TABLE: table,
        DYNAMODB_BOOKING_WRITES: 'conditional',
        // A local emulator on a shared machine answers in milliseconds, not AWS's single digits: the
        // stampede queues behind it, and what is tested is the count, not the latency.
        REQUEST_TIMEOUT_MS: '120000',
      },
      // Seeding runs at the emulator's pace: three days are enough for a flight two days out.
      { airports: 30, days: 3 },
    );
    store = await openDynamoDbStore(dynamoConfig(dynamo.endpoint, table));
    processes.push(await startApiProcess(shared.env), await startApiProcess(shared.env));
    const [a, b] = processes as [ApiProcess, ApiProcess];
    const offer = await firstFlightOffer(
      a.url,
      shared.apiKey,
      `origin=LHR&destination=JFK&departureDate=${shared.date(2)}&maxStops=0`,
    );
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    const seatsLeft = async (): Promise<number> => {
      const [flight] = await store!.inventory.getFlights([flightId]);
      return flight!.cabins.find((c) => c.cabin === 'economy')!.seatsLeft;
    };
    await store.inventoryUpdates.apply(
      { seats: [{ flightId, cabin: 'economy', seatsLeft: SEATS }] },
      () => [],
    );
    const body = bookingBody(
      offer.id,
      passengersFor({ adults: 1 }, offer.itineraries[0]!.segments[0]!.departure.at.slice(0, 10)),
    );
    const clients = [a, b].map((p) => new BookingClient(p.url, shared!.apiKey, shared!.token));

    const started = Date.now();
    const outcomes = await runBounded(
      Array.from({ length: REQUESTS }, (_, i) => async () => {
        const response = await clients[i % 2]!.book(body, `dynamo-${i}`);
        const json = (await response.json()) as { type?: string };
        return { status: response.status, type: json.type };
      }),
      CONCURRENCY,
    );
    console.log(
      `[never-overbook] dynamodb, two processes: ${REQUESTS} requests in ${Date.now() - started} ms`,
    );

    expect(outcomes.filter((o) => o.status === 201)).toHaveLength(SEATS);
    const refused = outcomes.filter((o) => o.status !== 201);
    expect(refused).toHaveLength(REQUESTS - SEATS);
    for (const o of refused) {
      expect(o.status).toBe(409);
      expect(o.type).toBe('https://travel-platform.dev/problems/sold-out');
    }
    expect(await seatsLeft()).toBe(0);
    const bookings = await store.table.scanAll('count bookings', {
      FilterExpression: '#kind = :booking AND contains(#document, :flight)',
      ExpressionAttributeNames: { '#kind': 'kind', '#document': 'document' },
      ExpressionAttributeValues: { ':booking': 'booking', ':flight': `"${flightId}"` },
    });
    expect(bookings).toHaveLength(SEATS);
  });
});
