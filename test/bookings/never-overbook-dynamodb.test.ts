import { afterAll, describe, expect, it } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import {
  type ApiProcess,
  prepareSharedStore,
  type SharedStore,
  startApiPair,
} from '../helpers/api-process.js';
import {
  BookingClient,
  directLhrJfk,
  expectExactlyTheSeats,
  firstFlightOffer,
  oneAdultBooking,
  stampede,
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
    const [a, b] = await startApiPair(shared.env, processes);
    const offer = await firstFlightOffer(a.url, shared.apiKey, directLhrJfk(shared.date(2)));
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    const seatsLeft = async (): Promise<number> => {
      const [flight] = await store!.inventory.getFlights([flightId]);
      return flight!.cabins.find((c) => c.cabin === 'economy')!.seatsLeft;
    };
    await store.inventoryUpdates.apply(
      { seats: [{ flightId, cabin: 'economy', seatsLeft: SEATS }] },
      () => [],
    );
    const clients = [a, b].map((p) => new BookingClient(p.url, shared!.apiKey, shared!.token));

    const outcomes = await stampede(clients, oneAdultBooking(offer), {
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      label: 'dynamodb-two-processes',
    });

    expectExactlyTheSeats(outcomes, SEATS);
    expect(await seatsLeft()).toBe(0);
    const bookings = await store.table.scanAll('count bookings', {
      FilterExpression: '#kind = :booking AND contains(#document, :flight)',
      ExpressionAttributeNames: { '#kind': 'kind', '#document': 'document' },
      ExpressionAttributeValues: { ':booking': 'booking', ':flight': `"${flightId}"` },
    });
    expect(bookings).toHaveLength(SEATS);
  });
});
