import { describe, expect, it } from 'vitest';
import type { HeldKey } from '../../../src/ports/bookings.js';
import type { CloudEvent } from '../../../src/ports/events.js';
import type { StoreBackend } from '../../../src/ports/store-backend.js';
import { event, flight, seatBooking } from './fixtures.js';
import { type StoreBackendTarget, sleep, useFreshBackend } from './target.js';

/** Appends `count` events through the dead-letter replay, the simplest write every backend has. */
async function appendEvents(backend: StoreBackend, count: number): Promise<CloudEvent[]> {
  const events = Array.from({ length: count }, (_, i) => event('price.updated', { n: i }));
  for (const e of events) await backend.deadLetters.park(e, 'contract', 'failed', 1);
  await backend.deadLetters.requeue();
  return events;
}

const ids = (events: readonly CloudEvent[]): string[] => events.map((e) => e.id).sort();

/** Outbox (ports/outbox.ts): the relay's lease, claim order, marks, pruning and append notifications. */
export function describeOutboxContract(target: StoreBackendTarget): void {
  describe(`Outbox contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const outbox = () => backend().outbox;

    it('claim returns [] when nothing is pending', async () => {
      expect(await outbox().claim('relay-a', 10, 60_000)).toEqual([]);
    });

    it('claim returns appended events as records with distinct string ids; up to `limit`', async () => {
      const appended = await appendEvents(backend(), 5);
      const records = await outbox().claim('relay-a', 10, 60_000);
      expect(ids(records.map((r) => r.event))).toEqual(ids(appended));
      expect(records.every((r) => typeof r.id === 'string' && r.id.length > 0)).toBe(true);
      expect(new Set(records.map((r) => r.id)).size).toBe(5);
      expect(records.find((r) => r.event.id === appended[0]?.id)?.event).toEqual(appended[0]);
      expect(await outbox().claim('relay-a', 2, 60_000)).toHaveLength(2);
    });

    it('one relay at a time: another owner gets [] while the lease lives, and takes over after release', async () => {
      await appendEvents(backend(), 2);
      expect(await outbox().claim('relay-a', 10, 60_000)).toHaveLength(2);
      expect(await outbox().claim('relay-b', 10, 60_000)).toEqual([]);
      // The holder renews its lease and sees the records again until they are marked.
      expect(await outbox().claim('relay-a', 10, 60_000)).toHaveLength(2);
      await outbox().release('relay-b'); // not the holder: a no-op
      expect(await outbox().claim('relay-b', 10, 60_000)).toEqual([]);
      await outbox().release('relay-a');
      expect(await outbox().claim('relay-b', 10, 60_000)).toHaveLength(2);
    });

    it('another owner takes over once the lease has expired (its holder died)', async () => {
      await appendEvents(backend(), 1);
      expect(await outbox().claim('relay-a', 10, 30)).toHaveLength(1);
      await sleep(80);
      expect(await outbox().claim('relay-b', 10, 60_000)).toHaveLength(1);
      expect(await outbox().claim('relay-a', 10, 60_000)).toEqual([]);
    });

    it('markPublished: published records are not claimed again; unknown or repeated ids are ignored', async () => {
      await appendEvents(backend(), 3);
      const records = await outbox().claim('relay-a', 10, 60_000);
      const [first, second, third] = records;
      await outbox().markPublished([first?.id ?? '', second?.id ?? '', 'no-such-record', '999999999']);
      await outbox().markPublished([first?.id ?? '']);
      await outbox().markPublished([]);
      expect((await outbox().claim('relay-a', 10, 60_000)).map((r) => r.id)).toEqual([third?.id]);
    });

    it('claim keeps the order of events appended in one transaction, and per subject the commit order', async () => {
      const b = backend();
      await b.inventory.putFlights([flight('F1')]);
      const hold = async (key: string): Promise<HeldKey> => {
        const claim = await b.bookings.claimKey('k', key, 'h', {
          now: 1,
          leaseMs: 60_000,
          retentionMs: 60_000,
        });
        if (claim.state !== 'acquired') throw new Error('key not acquired');
        return { scope: 'k', key, token: claim.token };
      };
      const one = seatBooking(['F1'], 1);
      const two = seatBooking(['F1'], 1);
      const created = (id: string) => event('booking.created', { bookingId: id }, id);
      const changed = (id: string) => event('availability.changed', { bookingId: id });
      await b.bookings.create(one, await hold('1'), [created(one.id), changed(one.id)]);
      await b.bookings.create(two, await hold('2'), [created(two.id), changed(two.id)]);
      await b.bookings.cancel(one.id, 2, (c) => [event('booking.cancelled', { bookingId: c.id }, c.id)]);

      const claimed = (await b.outbox.claim('relay-a', 100, 60_000)).map((r) => r.event);
      const position = (type: string, bookingId: string): number =>
        claimed.findIndex(
          (e) => e.type === type && (e.data as { bookingId: string }).bookingId === bookingId,
        );
      expect(claimed).toHaveLength(5);
      expect(position('booking.created', one.id)).toBeLessThan(position('availability.changed', one.id));
      expect(position('booking.created', two.id)).toBeLessThan(position('availability.changed', two.id));
      expect(position('booking.created', one.id)).toBeLessThan(position('booking.cancelled', one.id));
    });

    it('a batch published before an older record is marked never hides it (no high-water mark)', async () => {
      await appendEvents(backend(), 4);
      const [oldest, ...rest] = await outbox().claim('relay-a', 10, 60_000);
      await outbox().markPublished(rest.map((r) => r.id));
      await appendEvents(backend(), 1);
      const again = await outbox().claim('relay-a', 10, 60_000);
      expect(again.map((r) => r.id)).toContain(oldest?.id);
      expect(again).toHaveLength(2);
    });

    it('prunePublished deletes published records older than `before`, never pending ones', async () => {
      await appendEvents(backend(), 3);
      const [first, second] = await outbox().claim('relay-a', 10, 60_000);
      await outbox().markPublished([first?.id ?? '', second?.id ?? '']);
      expect(await outbox().prunePublished(Date.now() - 60_000)).toBe(0);
      expect(await outbox().prunePublished(Date.now() + 60_000)).toBe(2);
      expect(await outbox().prunePublished(Date.now() + 60_000)).toBe(0);
      expect(await outbox().claim('relay-a', 10, 60_000)).toHaveLength(1);
    });

    it('onAppend calls its listener after an append by this process, until unregistered', async () => {
      let calls = 0;
      let notify: () => void = () => {};
      const unregister = outbox().onAppend((origin) => {
        calls += 1;
        // A backend hearing every process may also call once when it starts listening.
        if (origin === 'this-process') notify();
      });
      const called = new Promise<void>((resolve) => {
        notify = resolve;
      });
      await appendEvents(backend(), 1);
      await called;
      // The listener is told after the appending transaction ended: the records are claimable now.
      expect(await outbox().claim('relay-a', 10, 60_000)).toHaveLength(1);
      unregister();
      const before = calls;
      await appendEvents(backend(), 1);
      await sleep(50);
      expect(calls).toBe(before);
    });
  });
}
