import { afterAll, describe, expect, it } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import { type ApiProcess, prepareSharedStore, type SharedStore } from '../helpers/api-process.js';
import {
  dynamoConfig,
  type LocalDynamo,
  startDynaliteProcess,
  uniqueTableName,
} from '../helpers/dynalite.js';
import { STAMPEDE, STAMPEDE_INVENTORY, stampedeOnTwoProcesses } from '../helpers/stampede.js';

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

  it(`${STAMPEDE.requests} concurrent bookings through two API processes for ${STAMPEDE.seats} seats: exactly ${STAMPEDE.seats} succeed`, {
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
      // Seeding runs at the emulator's pace: the stampede's small network.
      STAMPEDE_INVENTORY,
    );
    store = await openDynamoDbStore(dynamoConfig(dynamo.endpoint, table));
    const dynamoStore = store;
    const flightId = await stampedeOnTwoProcesses(
      shared,
      processes,
      async (id, seats) => {
        await dynamoStore.inventoryUpdates.apply(
          { seats: [{ flightId: id, cabin: 'economy', seatsLeft: seats }] },
          () => [],
        );
      },
      'dynamodb-two-processes',
    );
    const [flight] = await store.inventory.getFlights([flightId]);
    expect(flight!.cabins.find((c) => c.cabin === 'economy')!.seatsLeft).toBe(0);
    const bookings = await store.table.scanAll('count bookings', {
      FilterExpression: '#kind = :booking AND contains(#document, :flight)',
      ExpressionAttributeNames: { '#kind': 'kind', '#document': 'document' },
      ExpressionAttributeValues: { ':booking': 'booking', ':flight': `"${flightId}"` },
    });
    expect(bookings).toHaveLength(STAMPEDE.seats);
  });
});
