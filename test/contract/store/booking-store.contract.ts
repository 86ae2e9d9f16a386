import { describe, expect, it } from 'vitest';
import {
  BookingReferenceTakenError,
  type HeldKey,
  IdempotencyKeyLostError,
  SoldOutError,
} from '../../../src/ports/bookings.js';
import { event, flight, hotel, night, roomBooking, seatBooking } from './fixtures.js';
import { pendingEvents, type StoreBackendTarget, useFreshBackend } from './target.js';

const HOUR = 3_600_000;
const options = (now: number) => ({ now, leaseMs: 60_000, retentionMs: 24 * HOUR });
const created = (bookingId: string) => event('booking.created', { bookingId }, bookingId);

/** BookingStore (ports/bookings.ts): idempotency keys, and bookings that never overbook. */
export function describeBookingStoreContract(target: StoreBackendTarget): void {
  describe(`BookingStore contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const bookings = () => backend().bookings;
    const seats = async (id: string): Promise<number> =>
      (await backend().inventory.getFlights([id]))[0]?.cabins[0]?.seatsLeft ?? Number.NaN;
    const hold = async (key: string, now = 1_000, scope = 'key'): Promise<HeldKey> => {
      const claim = await bookings().claimKey(scope, key, 'hash', options(now));
      if (claim.state !== 'acquired') throw new Error(`expected to acquire ${key}, got ${claim.state}`);
      return { scope, key, token: claim.token };
    };
    const seed = () => backend().inventory.putFlights([flight('F1', {}), seatsOf(flight('F2', {}), 1)]);

    it('findByFlights answers the confirmed bookings holding seats on any of the flights', async () => {
      await backend().inventory.putFlights([flight('A'), flight('B'), flight('C')]);
      const onA = seatBooking(['A', 'B'], 1);
      const onC = seatBooking(['C'], 1);
      const gone = seatBooking(['A'], 1);
      for (const [i, b] of [onA, onC, gone].entries())
        await bookings().create(b, await hold(`find-${i}`), []);
      await bookings().cancel(gone.id, 2_000, () => []);
      expect((await bookings().findByFlights(['B', 'nope'])).map((b) => b.id)).toEqual([onA.id]);
      expect((await bookings().findByFlights(['A', 'C'])).map((b) => b.id).sort()).toEqual(
        [onA.id, onC.id].sort(),
      );
      expect(await bookings().findByFlights([])).toEqual([]);
    });

    it('claimKey: acquired, then in-flight while leased, completed after create, free again after retention', async () => {
      await seed();
      const held = await hold('k1');
      // The lease taken at 1 000 ends 60 s later: a retry learns when.
      expect(await bookings().claimKey('key', 'k1', 'other', options(2_000))).toEqual({
        state: 'in-flight',
        requestHash: 'hash',
        leaseUntil: 61_000,
      });
      const b = seatBooking(['F1'], 1);
      await bookings().create(b, held, [created(b.id)]);
      expect(await bookings().claimKey('key', 'k1', 'hash', options(3_000))).toEqual({
        state: 'completed',
        requestHash: 'hash',
        bookingId: b.id,
      });
      expect((await bookings().claimKey('key', 'k1', 'hash', options(1_000 + 24 * HOUR + 1))).state).toBe(
        'acquired',
      );
      // Scoped: another API key's "k1" is its own.
      expect((await bookings().claimKey('other-key', 'k1', 'hash', options(3_000))).state).toBe('acquired');
    });

    it('claimKey takes over a key whose lease ran out (its process died); the old holder can no longer book', async () => {
      await seed();
      const stale = await hold('k2');
      const fresh = await hold('k2', 1_000 + 60_001);
      expect(fresh.token).not.toBe(stale.token);
      await expect(bookings().create(seatBooking(['F1'], 1), stale, [])).rejects.toBeInstanceOf(
        IdempotencyKeyLostError,
      );
      expect(await seats('F1')).toBe(5);
    });

    it('claimKey: of many concurrent claims of one key, exactly one acquires it', async () => {
      const claims = await Promise.all(
        Array.from({ length: 10 }, () => bookings().claimKey('key', 'race', 'hash', options(1_000))),
      );
      expect(claims.filter((c) => c.state === 'acquired')).toHaveLength(1);
      expect(claims.filter((c) => c.state === 'in-flight')).toHaveLength(9);
    });

    it('releaseKey frees a held key for a retry; releasing with a stale token changes nothing', async () => {
      const held = await hold('k3');
      await bookings().releaseKey({ ...held, token: 'not-the-token' });
      expect((await bookings().claimKey('key', 'k3', 'hash', options(2_000))).state).toBe('in-flight');
      await bookings().releaseKey(held);
      expect((await bookings().claimKey('key', 'k3', 'hash', options(2_000))).state).toBe('acquired');
    });

    it('create takes the seats of every leg, stores the booking and appends its events, all at once', async () => {
      await seed();
      const b = seatBooking(['F1', 'F2'], 1);
      await bookings().create(b, await hold('k4'), [created(b.id)]);
      expect([await seats('F1'), await seats('F2')]).toEqual([4, 0]);
      expect(await bookings().get(b.id)).toEqual(b);
      const pending = await pendingEvents(backend().outbox);
      expect(pending.map((e) => (e.data as { bookingId: string }).bookingId)).toEqual([b.id]);
    });

    it('keeps the order details a client gave (documents, remarks, contacts) and returns them as given', async () => {
      await seed();
      const b = {
        ...seatBooking(['F1'], 1),
        details: {
          documents: [
            [{ documentType: 'PASSPORT', number: 'X1234567', expiryDate: '2031-04-14', holder: true }],
          ],
          remarks: { general: [{ subType: 'GENERAL_MISCELLANEOUS', text: 'window seat' }] },
          ticketingAgreement: { option: 'DELAY_TO_CANCEL', delay: '6D' },
          contacts: [{ purpose: 'STANDARD', emailAddress: 'agency@example.com' }],
        },
      };
      await bookings().create(b, await hold('k-details'), [created(b.id)]);
      expect(await bookings().get(b.id)).toEqual(b);
    });

    it('create answers SoldOutError when any leg lacks seats and writes nothing at all', async () => {
      await seed();
      const b = seatBooking(['F1', 'F2'], 2);
      const held = await hold('k5');
      const error = await bookings()
        .create(b, held, [created(b.id)])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SoldOutError);
      expect((error as SoldOutError).soldOut.flightIds).toEqual(['F2']);
      expect([await seats('F1'), await seats('F2')]).toEqual([5, 1]);
      expect(await bookings().get(b.id)).toBeUndefined();
      expect(await pendingEvents(backend().outbox)).toEqual([]);
      // The key was not completed: it can still book.
      await bookings().create(seatBooking(['F1'], 2), held, []);
      expect(await seats('F1')).toBe(3);
    });

    it('rooms: create takes every night or none (SoldOutError naming the night); cancel gives them back', async () => {
      await backend().inventory.putHotels([hotel('H1')]);
      await backend().inventory.putRoomNights([night('H1', '2030-01-01', 2), night('H1', '2030-01-02', 1)]);
      const rooms = async () =>
        (await backend().inventory.findRoomNights(['H1'], '2030-01-01', '2030-01-03'))
          .sort((a, b) => a.date.localeCompare(b.date))
          .map((n) => n.roomsLeft);
      const tooMany = roomBooking('H1', ['2030-01-01', '2030-01-02'], 2);
      const error = await bookings()
        .create(tooMany, await hold('r1'), [])
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SoldOutError);
      expect((error as SoldOutError).soldOut.nights).toEqual(['2030-01-02']);
      expect(await rooms()).toEqual([2, 1]);

      const ok = roomBooking('H1', ['2030-01-01', '2030-01-02'], 1);
      await bookings().create(ok, await hold('r2'), []);
      expect(await rooms()).toEqual([1, 0]);
      await bookings().cancel(ok.id, 5_000, () => []);
      expect(await rooms()).toEqual([2, 1]);
    });

    it('never overbooks: of 20 concurrent bookings of 2 seats for 5 seats left, exactly 2 succeed', async () => {
      await seed();
      const attempts = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const held = await hold(`c${i}`);
          const b = seatBooking(['F1'], 2);
          return bookings()
            .create(b, held, [created(b.id)])
            .then(
              () => 'booked' as const,
              (error: unknown) => (error instanceof SoldOutError ? ('sold-out' as const) : error),
            );
        }),
      );
      expect(attempts.filter((a) => a === 'booked')).toHaveLength(2);
      expect(attempts.filter((a) => a === 'sold-out')).toHaveLength(18);
      expect(await seats('F1')).toBe(1);
      expect(await pendingEvents(backend().outbox)).toHaveLength(2);
    });

    it('create refuses a reference already in use', async () => {
      await seed();
      await bookings().create(seatBooking(['F1'], 1, 'SAME01'), await hold('k6'), []);
      const again = { ...seatBooking(['F1'], 1, 'SAME01'), id: 'another-id' };
      await expect(bookings().create(again, await hold('k7'), [])).rejects.toBeInstanceOf(
        BookingReferenceTakenError,
      );
      expect(await seats('F1')).toBe(4);
      expect(await bookings().get('another-id')).toBeUndefined();
    });

    it('cancel gives the seats back exactly once and emits its events once, after the booking events', async () => {
      await seed();
      const b = seatBooking(['F1'], 3);
      await bookings().create(b, await hold('k8'), [created(b.id)]);
      expect(await seats('F1')).toBe(2);
      const cancelled = (bookingId: string) => event('booking.cancelled', { bookingId }, bookingId);
      const [first, second] = await Promise.all([
        bookings().cancel(b.id, 5_000, (c) => [cancelled(c.id)]),
        bookings().cancel(b.id, 5_000, (c) => [cancelled(c.id)]),
      ]);
      expect([first?.cancelledNow, second?.cancelledNow].sort()).toEqual([false, true]);
      for (const outcome of [first, second]) {
        expect(outcome?.booking).toMatchObject({ status: 'cancelled', cancelledAt: 5_000 });
      }
      const third = await bookings().cancel(b.id, 6_000, (c) => [cancelled(c.id)]);
      expect(third).toMatchObject({
        cancelledNow: false,
        booking: { status: 'cancelled', cancelledAt: 5_000 },
      });
      expect(await seats('F1')).toBe(5);
      expect(await bookings().get(b.id)).toMatchObject({ status: 'cancelled', cancelledAt: 5_000 });
      const pending = await pendingEvents(backend().outbox);
      expect(pending.map((e) => e.type)).toEqual(['booking.created', 'booking.cancelled']);
      expect(await bookings().cancel('unknown', 7_000, () => [])).toBeUndefined();
    });

    it('pruneKeys deletes keys past their retention only', async () => {
      await hold('old', 1_000);
      await hold('new', 10 * HOUR);
      expect(await bookings().pruneKeys(1_000 + 24 * HOUR + 1)).toBe(1);
      expect((await bookings().claimKey('key', 'new', 'x', options(10 * HOUR + 1))).state).toBe('in-flight');
    });
  });
}

function seatsOf(record: ReturnType<typeof flight>, seatsLeft: number): ReturnType<typeof flight> {
  return { ...record, cabins: record.cabins.map((c) => ({ ...c, seatsLeft })) };
}
