import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { createEvent } from '../../src/core/events/create-event.js';
import {
  type BookingRecord,
  BookingReferenceTakenError,
  type BookingStore,
  type HeldKey,
  IdempotencyKeyLostError,
} from '../../src/ports/bookings.js';
import type { CloudEvent } from '../../src/ports/events.js';
import type { FlightRecord, InventoryStore } from '../../src/ports/store.js';

/** One backend under test: its BookingStore, the InventoryStore sharing its data, and its outbox. */
export interface BookingStoreFixture {
  bookings: BookingStore;
  inventory: InventoryStore;
  /** Events appended to the outbox and not yet published, in order. */
  pendingEvents(): CloudEvent[];
  cleanup(): Promise<void>;
}

const HOUR = 3_600_000;
const options = (now: number) => ({ now, leaseMs: 60_000, retentionMs: 24 * HOUR });

const flight = (id: string, seats: number): FlightRecord => ({
  id,
  carrier: 'TP',
  flightNumber: 1,
  origin: 'LHR',
  destination: 'JFK',
  departureUtc: Date.UTC(2030, 0, 1, 10),
  arrivalUtc: Date.UTC(2030, 0, 1, 18),
  aircraft: '789',
  distanceKm: 5500,
  currency: 'USD',
  cabins: [{ cabin: 'economy', fare: 10_000, taxes: 1000, seatsLeft: seats, capacity: 200 }],
});

let sequence = 0;
function booking(
  flightIds: string[],
  seats: number,
  reference = `R${String(sequence++).padStart(5, '0')}`,
): BookingRecord {
  return {
    id: `booking-${reference}`,
    reference,
    status: 'confirmed',
    owner: { sub: 'user', apiKeyId: 'key' },
    offer: { type: 'flight-offer' },
    price: { total: '110.00', base: '100.00', taxes: '10.00', currency: 'USD' },
    passengers: [{ type: 'adult', givenName: 'Ada', familyName: 'Lovelace', dateOfBirth: '1980-01-01' }],
    contact: { email: 'ada@example.com', phone: '+442071234567' },
    hold: { kind: 'seats', cabin: 'economy', flightIds, seats },
    createdAt: 1_000,
  };
}

const event = (bookingId: string) => createEvent('booking.created', { bookingId }, { source: '/contract' });

/** The behaviour every BookingStore backend must have (DESIGN.md §3: never overbook). */
export function describeBookingStoreContract(name: string, create: () => Promise<BookingStoreFixture>): void {
  describe(`BookingStore contract: ${name}`, () => {
    let f: BookingStoreFixture;
    const seats = async (id: string): Promise<number> =>
      (await f.inventory.getFlights([id]))[0]!.cabins[0]!.seatsLeft;
    const hold = async (key: string, now = 1_000): Promise<HeldKey> => {
      const claim = await f.bookings.claimKey('key', key, 'hash', options(now));
      if (claim.state !== 'acquired') throw new Error(`expected to acquire ${key}, got ${claim.state}`);
      return { scope: 'key', key, token: claim.token };
    };

    beforeEach(async () => {
      f = await create();
      await f.inventory.putFlights([flight('F1', 5), flight('F2', 1)]);
    });
    afterEach(() => f.cleanup());

    it('claimKey: acquired, then in-flight while leased, completed after create, 24 h later free again', async () => {
      const held = await hold('k1');
      expect(await f.bookings.claimKey('key', 'k1', 'other', options(2_000))).toEqual({
        state: 'in-flight',
        requestHash: 'hash',
      });
      const b = booking(['F1'], 1);
      await f.bookings.create(b, held, [event(b.id)]);
      expect(await f.bookings.claimKey('key', 'k1', 'hash', options(3_000))).toEqual({
        state: 'completed',
        requestHash: 'hash',
        bookingId: b.id,
      });
      expect((await f.bookings.claimKey('key', 'k1', 'hash', options(1_000 + 24 * HOUR + 1))).state).toBe(
        'acquired',
      );
      // Scoped: another API key's "k1" is its own.
      expect((await f.bookings.claimKey('other-key', 'k1', 'hash', options(3_000))).state).toBe('acquired');
    });

    it('claimKey takes over a key whose lease ran out (its process died); the old holder can no longer book', async () => {
      const stale = await hold('k2');
      const fresh = await hold('k2', 1_000 + 60_001);
      expect(fresh.token).not.toBe(stale.token);
      await expect(f.bookings.create(booking(['F1'], 1), stale, [])).rejects.toBeInstanceOf(
        IdempotencyKeyLostError,
      );
      expect(await seats('F1')).toBe(5);
    });

    it('releaseKey frees a held key for a retry', async () => {
      const held = await hold('k3');
      await f.bookings.releaseKey(held);
      expect((await f.bookings.claimKey('key', 'k3', 'hash', options(2_000))).state).toBe('acquired');
    });

    it('create takes the seats of every leg, stores the booking and appends its events, all at once', async () => {
      const b = booking(['F1', 'F2'], 1);
      await f.bookings.create(b, await hold('k4'), [event(b.id)]);
      expect([await seats('F1'), await seats('F2')]).toEqual([4, 0]);
      expect(await f.bookings.get(b.id)).toEqual(b);
      expect(f.pendingEvents().map((e) => (e.data as { bookingId: string }).bookingId)).toEqual([b.id]);
    });

    it('create answers sold-out when any leg lacks seats and writes nothing at all', async () => {
      const b = booking(['F1', 'F2'], 2);
      const held = await hold('k5');
      const error = await f.bookings.create(b, held, [event(b.id)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('sold-out');
      expect([await seats('F1'), await seats('F2')]).toEqual([5, 1]);
      expect(await f.bookings.get(b.id)).toBeUndefined();
      expect(f.pendingEvents()).toEqual([]);
      // The key was not completed: it can still book.
      const ok = booking(['F1'], 2);
      await f.bookings.create(ok, held, []);
      expect(await seats('F1')).toBe(3);
    });

    it('create refuses a reference already in use', async () => {
      await f.bookings.create(booking(['F1'], 1, 'SAME01'), await hold('k6'), []);
      const again = { ...booking(['F1'], 1, 'SAME01'), id: 'another-id' };
      await expect(f.bookings.create(again, await hold('k7'), [])).rejects.toBeInstanceOf(
        BookingReferenceTakenError,
      );
      expect(await seats('F1')).toBe(4);
    });

    it('cancel gives the seats back exactly once and emits its events once', async () => {
      const b = booking(['F1'], 3);
      await f.bookings.create(b, await hold('k8'), []);
      expect(await seats('F1')).toBe(2);
      const first = await f.bookings.cancel(b.id, 5_000, (c) => [event(c.id)]);
      const second = await f.bookings.cancel(b.id, 6_000, (c) => [event(c.id)]);
      expect(first).toMatchObject({
        cancelledNow: true,
        booking: { status: 'cancelled', cancelledAt: 5_000 },
      });
      expect(second).toMatchObject({
        cancelledNow: false,
        booking: { status: 'cancelled', cancelledAt: 5_000 },
      });
      expect(await seats('F1')).toBe(5);
      expect(f.pendingEvents()).toHaveLength(1);
      expect(await f.bookings.cancel('unknown', 7_000, () => [])).toBeUndefined();
    });

    it('pruneKeys deletes keys past their retention only', async () => {
      await hold('old', 1_000);
      await hold('new', 10 * HOUR);
      expect(await f.bookings.pruneKeys(1_000 + 24 * HOUR + 1)).toBe(1);
      expect((await f.bookings.claimKey('key', 'new', 'x', options(10 * HOUR + 1))).state).toBe('in-flight');
    });
  });
}
