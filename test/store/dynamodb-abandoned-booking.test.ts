import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import type { HeldKey } from '../../src/ports/bookings.js';
import { systemClock } from '../../src/ports/clock.js';
import { StoreUnavailableError } from '../../src/ports/store.js';
import { event, flight, seatBooking } from '../contract/store/fixtures.js';
import { dynamoConfig, type LocalDynamo, startDynalite } from '../helpers/dynalite.js';
import {
  type DynamoFaultProxy,
  type DynamoRequest,
  dynamoError,
  startDynamoFaultProxy,
} from '../helpers/dynamo-fault-proxy.js';

const LEASE = 60_000;
const options = (now: number) => ({ now, leaseMs: LEASE, retentionMs: 86_400_000 });

/**
 * A process that dies in the middle of a conditional-writes booking (DYNAMODB_BOOKING_WRITES=
 * conditional): from a chosen request on, the fault proxy answers every request with a 500, so
 * neither the rest of the booking nor its compensation reaches the table — what is left is what a
 * crash leaves. The next request taking the key over repairs it.
 */
describe('DynamoDB conditional bookings abandoned midway', () => {
  let dynamo: LocalDynamo;
  let proxy: DynamoFaultProxy;
  let store: DynamoDbStore;

  /** Fails the request matching `trigger` and every request after it. */
  const dieAt = (trigger: (request: DynamoRequest) => boolean): void => {
    let dead = false;
    proxy.setRule((request) => {
      dead ||= trigger(request);
      return dead ? dynamoError('InternalServerError', 'the process died') : undefined;
    });
  };
  const item = (request: DynamoRequest): string =>
    JSON.stringify(request.body.Item ?? request.body.Key ?? {});
  const seats = async (): Promise<number> =>
    (await store.inventory.getFlights(['F1']))[0]?.cabins[0]?.seatsLeft ?? Number.NaN;
  const hold = async (key: string, now: number): Promise<HeldKey> => {
    const claim = await store.bookings.claimKey('scope', key, 'hash', options(now));
    if (claim.state !== 'acquired') throw new Error(`expected to acquire ${key}, got ${claim.state}`);
    return { scope: 'scope', key, token: claim.token };
  };

  beforeAll(async () => {
    dynamo = await startDynalite();
    proxy = await startDynamoFaultProxy(dynamo.endpoint);
    store = await openDynamoDbStore(dynamoConfig(proxy.endpoint), systemClock, {
      retry: { attempts: 2, baseMs: 1, maxMs: 2 },
    });
    await store.migrate();
    await store.inventory.putFlights([flight('F1')]);
  });

  afterAll(async () => {
    await store.close();
    await proxy.close();
    await dynamo.close();
  });

  it('seats taken by a booking that died before it was stored come back when its key is taken over', async () => {
    const booking = seatBooking(['F1'], 2);
    const held = await hold('died-before-booking', 1_000);
    dieAt((request) => request.operation === 'PutItem' && item(request).includes('BOOKINGREF#'));
    await expect(store.bookings.create(booking, held, [])).rejects.toBeInstanceOf(StoreUnavailableError);
    proxy.setRule(() => undefined);
    expect(await seats()).toBe(3);

    const retry = await store.bookings.claimKey(
      'scope',
      'died-before-booking',
      'hash',
      options(1_000 + LEASE + 1),
    );
    expect(retry.state).toBe('acquired');
    expect(await seats()).toBe(5);
    expect(await store.bookings.get(booking.id)).toBeUndefined();
  });

  it('a booking stored before its process died is what the retry gets: the key completes with it', async () => {
    const booking = seatBooking(['F1'], 1);
    const held = await hold('died-after-booking', 1_000);
    dieAt(
      (request) =>
        request.operation === 'UpdateItem' &&
        String(request.body.UpdateExpression).startsWith('SET bookingId'),
    );
    await expect(
      store.bookings.create(booking, held, [event('booking.created', { bookingId: booking.id }, booking.id)]),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    proxy.setRule(() => undefined);

    expect(
      await store.bookings.claimKey('scope', 'died-after-booking', 'hash', options(1_000 + LEASE + 1)),
    ).toEqual({
      state: 'completed',
      requestHash: 'hash',
      bookingId: booking.id,
    });
    expect(await store.bookings.get(booking.id)).toEqual(booking);
    expect(await seats()).toBe(4);
  });
});
