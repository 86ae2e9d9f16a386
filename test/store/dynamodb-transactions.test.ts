import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import {
  BookingReferenceTakenError,
  type HeldKey,
  IdempotencyKeyLostError,
  SoldOutError,
} from '../../src/ports/bookings.js';
import { systemClock } from '../../src/ports/clock.js';
import { event, flight, seatBooking, T0 } from '../contract/store/fixtures.js';
import { dynamoConfig, type LocalDynamo, startDynalite } from '../helpers/dynalite.js';
import {
  type DynamoFaultProxy,
  type DynamoRequest,
  dynamoError,
  startDynamoFaultProxy,
} from '../helpers/dynamo-fault-proxy.js';

type TransactItem = Record<
  'Update' | 'Put',
  { TableName: string; ConditionExpression?: string; UpdateExpression?: string } | undefined
>;

/** A TransactionCanceledException as DynamoDB sends it: one reason per item, in request order. */
function cancelled(codes: string[]) {
  return dynamoError(
    'TransactionCanceledException',
    `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    {
      CancellationReasons: codes.map((Code) =>
        Code === 'None' ? { Code } : { Code, Message: 'The conditional request failed' },
      ),
    },
  );
}

/**
 * DYNAMODB_BOOKING_WRITES=transaction, which no local server runs (dynalite has no
 * TransactWriteItems): the requests the adapter sends are checked against the documented shape, and
 * the documented cancellation answers are played back to it through the real SDK. Reads and
 * single-item writes go through to dynalite.
 */
describe('DynamoDB bookings in one TransactWriteItems call', () => {
  let dynamo: LocalDynamo;
  let proxy: DynamoFaultProxy;
  let store: DynamoDbStore;
  const transactions = (): DynamoRequest[] =>
    proxy.requests.filter((r) => r.operation === 'TransactWriteItems');
  const hold = async (key: string): Promise<HeldKey> => {
    const claim = await store.bookings.claimKey('scope', key, 'hash', {
      now: 1_000,
      leaseMs: 60_000,
      retentionMs: 86_400_000,
    });
    if (claim.state !== 'acquired') throw new Error('key not acquired');
    return { scope: 'scope', key, token: claim.token };
  };

  beforeAll(async () => {
    dynamo = await startDynalite();
    proxy = await startDynamoFaultProxy(dynamo.endpoint);
    store = await openDynamoDbStore(
      { ...dynamoConfig(proxy.endpoint), dynamodbBookingWrites: 'transaction' },
      systemClock,
      { retry: { attempts: 4, baseMs: 5, maxMs: 20 } },
    );
    await store.migrate();
    await store.inventory.putFlights([flight('F1'), flight('F2')]);
  });

  afterAll(async () => {
    await store.close();
    await proxy.close();
    await dynamo.close();
  });

  it('sends key, reference, one conditional take per leg, the booking and its outbox records as one transaction', async () => {
    proxy.setRule((request) =>
      request.operation === 'TransactWriteItems' ? { status: 200, body: {} } : undefined,
    );
    const booking = seatBooking(['F2', 'F1'], 2);
    const events = [
      event('booking.created', { bookingId: booking.id }, booking.id),
      event('availability.changed'),
    ];
    const before = transactions().length;
    await store.bookings.create(booking, await hold('shape'), events);

    const sent = transactions().slice(before);
    expect(sent).toHaveLength(1);
    const items = sent[0]!.body.TransactItems as TransactItem[];
    expect(items).toHaveLength(2 + 2 + 1 + 2);
    expect(items.every((item) => (item.Update ?? item.Put)?.TableName === store.table.name)).toBe(true);
    expect(items[0]!.Update?.ConditionExpression).toBe('#token = :token AND attribute_not_exists(bookingId)');
    expect(items[1]!.Put?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    // Legs in one fixed order whatever the booking lists, each conditional on the seats left.
    const takes = items.slice(2, 4).map((item) => item.Update!);
    expect(
      takes.map((t) => (t as unknown as { Key: { searchType: { S: string } } }).Key.searchType.S),
    ).toEqual(['FLIGHT#F1', 'FLIGHT#F2']);
    for (const take of takes) {
      // …and refused on an item a schedule switch superseded (retried on the new one, below).
      expect(take.ConditionExpression).toBe(
        'cabins.#cabin.seatsLeft >= :n AND attribute_not_exists(holds.#booking) AND attribute_not_exists(superseded)',
      );
      expect(take.UpdateExpression).toBe(
        'SET cabins.#cabin.seatsLeft = cabins.#cabin.seatsLeft - :n, holds.#booking = :n',
      );
    }
    expect(items[4]!.Put?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(
      items.slice(5).every((item) => item.Put !== undefined && item.Put.ConditionExpression === undefined),
    ).toBe(true);
  });

  it('maps the cancellation reasons to the port errors: sold out naming the leg, key lost, reference taken', async () => {
    const outcome = async (codes: string[]) => {
      proxy.setRule((request) => (request.operation === 'TransactWriteItems' ? cancelled(codes) : undefined));
      return store.bookings
        .create(seatBooking(['F1', 'F2'], 1), await hold(`k-${codes.join('-')}`), [])
        .catch((e: unknown) => e);
    };
    const soldOut = await outcome(['None', 'None', 'None', 'ConditionalCheckFailed', 'None']);
    expect(soldOut).toBeInstanceOf(SoldOutError);
    expect((soldOut as SoldOutError).soldOut).toEqual({ flightIds: ['F2'] });
    expect(await outcome(['ConditionalCheckFailed', 'None', 'None', 'None', 'None'])).toBeInstanceOf(
      IdempotencyKeyLostError,
    );
    expect(await outcome(['None', 'ConditionalCheckFailed', 'None', 'None', 'None'])).toBeInstanceOf(
      BookingReferenceTakenError,
    );
  });

  it('a take refused because a schedule switch superseded its flight item is made again on the item readers see now', async () => {
    const id = '2030-01-01-TP7';
    await store.inventory.putFlights([flight(id, { flightNumber: 7 })]);
    const importId = 'retime-tp7';
    await store.schedules.stage(importId, [
      {
        flight: flight(id, { flightNumber: 7, departureUtc: T0 + 11 * 3_600_000 }),
        line: 1,
        signature: 'later',
      },
    ]);
    const scope = { carrier: 'TP', firstDate: '2030-01-01', lastDate: '2030-01-01' };
    expect((await store.schedules.compare(importId, [scope])).moves).toHaveLength(1);
    let first = true;
    proxy.setRule(async (request) => {
      if (request.operation !== 'TransactWriteItems') return undefined;
      if (!first) return { status: 200, body: {} };
      first = false;
      // The switch commits, and marks the item this transaction's take names, before it arrives.
      await store.schedules.switchTo(importId, [scope], [], [], () => []);
      return cancelled(['None', 'None', 'ConditionalCheckFailed', 'None']);
    });
    const before = transactions().length;
    await store.bookings.create(seatBooking([id], 1), await hold('superseded'), []);

    const takenFrom = transactions()
      .slice(before)
      .map((t) => JSON.stringify((t.body.TransactItems as TransactItem[])[2]!.Update));
    expect(takenFrom).toHaveLength(2);
    expect(takenFrom[0]).not.toContain(`FLIGHT#${importId}`);
    expect(takenFrom[1]).toContain(`FLIGHT#${importId}`);
  });

  it('retries a transaction cancelled only by a conflicting transaction', async () => {
    let conflicts = 1;
    proxy.setRule((request) => {
      if (request.operation !== 'TransactWriteItems') return undefined;
      return conflicts-- > 0
        ? cancelled(['None', 'None', 'TransactionConflict', 'None'])
        : { status: 200, body: {} };
    });
    const before = transactions().length;
    await store.bookings.create(seatBooking(['F1'], 1), await hold('conflict'), []);
    expect(transactions().length - before).toBe(2);
  });

  it('applies an inventory update chunk and its events in one transaction', async () => {
    proxy.setRule((request) =>
      request.operation === 'TransactWriteItems' ? { status: 200, body: {} } : undefined,
    );
    const before = transactions().length;
    await store.inventoryUpdates.apply(
      {
        fares: [{ flightId: 'F1', cabin: 'economy', fare: 12_000 }],
        seats: [{ flightId: 'F2', cabin: 'economy', seatsLeft: 9 }],
      },
      () => [event('price.updated'), event('availability.changed')],
    );
    const sent = transactions().slice(before);
    expect(sent).toHaveLength(1);
    const items = sent[0]!.body.TransactItems as TransactItem[];
    expect(items.map((item) => (item.Update ? 'update' : 'put'))).toEqual(['update', 'update', 'put', 'put']);
    expect(items[0]!.Update?.ConditionExpression).toBe('attribute_exists(cabins.#cabin)');
  });
});
