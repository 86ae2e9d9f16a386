import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import { keys } from '../../src/adapters/store/dynamodb/keys.js';
import type { HeldKey } from '../../src/ports/bookings.js';
import { systemClock } from '../../src/ports/clock.js';
import { StoreUnavailableError } from '../../src/ports/store.js';
import { event, flight, seatBooking, T0 } from '../contract/store/fixtures.js';
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

  /** A conditional booking on `id` that dies after storing the booking, before confirming its takes (step 5b). */
  const dieBeforeConfirming = async (id: string, key: string) => {
    const booking = seatBooking([id], 2);
    const held = await hold(key, 1_000);
    dieAt(
      (request) => request.operation === 'UpdateItem' && request.body.UpdateExpression === 'REMOVE #pending',
    );
    await expect(store.bookings.create(booking, held, [])).rejects.toBeInstanceOf(StoreUnavailableError);
    proxy.setRule(() => undefined);
    expect(await store.bookings.get(booking.id)).toMatchObject({ status: 'confirmed' });
    return booking;
  };
  const pendingOn = async (id: string, bookingId: string): Promise<unknown> => {
    const answer = await store.table.run('read', (c) =>
      c.send(new GetCommand({ TableName: store.table.name, Key: keys.flight(id), ConsistentRead: true })),
    );
    return answer.Item?.[`pending#${bookingId}`];
  };

  it('a booking stored but not confirmed when its process died is confirmed by the retry, which gets it', async () => {
    const id = '2030-01-01-TP8';
    await store.inventory.putFlights([flight(id, { flightNumber: 8 })]);
    const booking = await dieBeforeConfirming(id, 'died-before-confirming');
    expect(await pendingOn(id, booking.id)).toBe('economy');

    expect(
      await store.bookings.claimKey('scope', 'died-before-confirming', 'hash', options(1_000 + LEASE + 1)),
    ).toEqual({ state: 'completed', requestHash: 'hash', bookingId: booking.id });
    expect(await pendingOn(id, booking.id)).toBeUndefined();
  });

  it('one whose flight a schedule switch superseded meanwhile is undone: the switch counted no booking there', async () => {
    // A day of its own: the switch's scope holds no other flight of these tests.
    const id = '2030-01-02-TP9';
    const day = T0 + 86_400_000;
    await store.inventory.putFlights([
      flight(id, { flightNumber: 9, departureUtc: day + 10 * 3_600_000, arrivalUtc: day + 18 * 3_600_000 }),
    ]);
    const booking = await dieBeforeConfirming(id, 'died-before-a-switch');
    const scope = { carrier: 'TP', firstDate: '2030-01-02', lastDate: '2030-01-02' };
    await store.schedules.stage('retime-tp9', [
      {
        flight: flight(id, {
          flightNumber: 9,
          departureUtc: day + 12 * 3_600_000,
          arrivalUtc: day + 20 * 3_600_000,
        }),
        line: 1,
        signature: 'later',
      },
    ]);
    await store.schedules.compare('retime-tp9', [scope]);
    let told: readonly string[] = [];
    await store.schedules.switchTo('retime-tp9', [scope], [], [], () => [], {
      held: (found) => {
        told = found.map((b) => b.id);
        return [];
      },
    });
    expect(told).toEqual([]);

    const retry = await store.bookings.claimKey(
      'scope',
      'died-before-a-switch',
      'hash',
      options(1_000 + LEASE + 1),
    );
    expect(retry.state).toBe('acquired');
    expect(await store.bookings.get(booking.id)).toBeUndefined();
    // The retimed flight never counted the pending take: all its seats are there for the retry.
    const retimed = (await store.inventory.getFlights([id]))[0];
    expect(retimed?.departureUtc).toBe(day + 12 * 3_600_000);
    expect(retimed?.cabins[0]?.seatsLeft).toBe(5);
  });
});
