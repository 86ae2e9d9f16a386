import { describe, expect, it } from 'vitest';
import { event } from './fixtures.js';
import { pendingEvents, type StoreBackendTarget, sleep, useFreshBackend } from './target.js';

/** DeadLetterStore (ports/dead-letters.ts): parking, listing, replay through the outbox, removal. */
export function describeDeadLetterStoreContract(target: StoreBackendTarget): void {
  describe(`DeadLetterStore contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const letters = () => backend().deadLetters;
    /** Parks events a few ms apart, so "oldest first" is well defined whatever the clock resolution. */
    const parkAll = async (consumers: string[]) => {
      const parked = [];
      for (const [i, consumer] of consumers.entries()) {
        parked.push(await letters().park(event('price.updated', { n: i }), consumer, `error ${i}`, i + 1));
        await sleep(3);
      }
      return parked;
    };

    it('park stores the event with the consumer, error, attempts and time; get returns it', async () => {
      const e = event('booking.created', { bookingId: 'b1' }, 'b1');
      const before = Date.now();
      const letter = await letters().park(e, 'cache-invalidation', 'boom', 5);
      expect(letter).toMatchObject({ event: e, consumer: 'cache-invalidation', error: 'boom', attempts: 5 });
      expect(letter.id).not.toBe(e.id);
      expect(Date.parse(letter.parkedAt)).toBeGreaterThanOrEqual(before - 1_000);
      expect(letter.parkedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect(await letters().get(letter.id)).toEqual(letter);
      expect(await letters().get('unknown')).toBeUndefined();
    });

    it('the same event parked by two consumers is two dead letters', async () => {
      const e = event('price.updated');
      const a = await letters().park(e, 'one', 'x', 1);
      const b = await letters().park(e, 'two', 'x', 1);
      expect(a.id).not.toBe(b.id);
      expect((await letters().list()).map((l) => l.consumer).sort()).toEqual(['one', 'two']);
    });

    it('list: oldest first, filtered by consumer, at most `limit`', async () => {
      const parked = await parkAll(['a', 'b', 'a', 'a']);
      expect((await letters().list()).map((l) => l.id)).toEqual(parked.map((l) => l.id));
      expect((await letters().list({ consumer: 'a' })).map((l) => l.id)).toEqual(
        [parked[0], parked[2], parked[3]].map((l) => l?.id),
      );
      expect((await letters().list({ limit: 2 })).map((l) => l.id)).toEqual(
        parked.slice(0, 2).map((l) => l.id),
      );
      expect(await letters().list({ consumer: 'nobody' })).toEqual([]);
    });

    it('requeue(ids) moves those dead letters to the outbox, ignoring unknown ids', async () => {
      const parked = await parkAll(['a', 'b', 'c']);
      const moved = await letters().requeue([parked[0]?.id ?? '', parked[2]?.id ?? '', 'unknown']);
      expect(moved.map((l) => l.id).sort()).toEqual([parked[0]?.id, parked[2]?.id].sort());
      expect((await letters().list()).map((l) => l.id)).toEqual([parked[1]?.id]);
      expect(await letters().get(parked[0]?.id ?? '')).toBeUndefined();
      const pending = await pendingEvents(backend().outbox);
      expect(pending.map((e) => e.id).sort()).toEqual([parked[0]?.event.id, parked[2]?.event.id].sort());
      expect(pending.find((e) => e.id === parked[0]?.event.id)).toEqual(parked[0]?.event);
    });

    it('requeue() moves every dead letter; with none left it moves nothing', async () => {
      await parkAll(['a', 'b']);
      expect(await letters().requeue()).toHaveLength(2);
      expect(await letters().list()).toEqual([]);
      expect(await pendingEvents(backend().outbox)).toHaveLength(2);
      expect(await letters().requeue()).toEqual([]);
      expect(await letters().requeue([])).toEqual([]);
    });

    it('remove deletes without replaying: true once, then false', async () => {
      const [letter] = await parkAll(['a']);
      expect(await letters().remove(letter?.id ?? '')).toBe(true);
      expect(await letters().remove(letter?.id ?? '')).toBe(false);
      expect(await letters().list()).toEqual([]);
      expect(await pendingEvents(backend().outbox)).toEqual([]);
    });
  });
}
