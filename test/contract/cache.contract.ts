/**
 * The behaviour every Cache backend promises (src/ports/cache.ts). Each backend's spec runs it with
 * a `create` that builds a fresh, empty cache, and adds only what is specific to that backend.
 *
 * Timing: expiry is tested with short TTLs and waits many times longer than them, and nothing
 * asserts that a short-lived entry is *still* fresh, so a slow machine only makes tests slower.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../src/ports/cache.js';

export interface CacheContractOptions {
  maxEntries: number;
  maxBytes: number;
}

export type CreateCache = (options: CacheContractOptions) => Promise<Cache>;

const roomy: CacheContractOptions = { maxEntries: 10_000, maxBytes: 50_000_000 };
const long = { ttlMs: 60_000, graceMs: 60_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function describeCacheContract(name: string, create: CreateCache): void {
  describe(`Cache contract: ${name}`, () => {
    const opened: Cache[] = [];
    const open = async (options = roomy) => {
      const cache = await create(options);
      opened.push(cache);
      return cache;
    };
    const key = () => `k-${randomUUID()}`;

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((cache) => cache.close()));
    });

    it('answers MISS and runs the factory on a miss, then HIT with the same value without running it', async () => {
      const cache = await open();
      const k = key();
      let calls = 0;
      const factory = async () => ({ offers: [1, 2, 3], call: ++calls });

      const first = await cache.getOrSet(k, factory, long);
      const second = await cache.getOrSet(k, factory, long);

      expect(first.outcome).toBe('MISS');
      expect(second.outcome).toBe('HIT');
      expect(second.entry.value).toEqual({ offers: [1, 2, 3], call: 1 });
      expect(calls).toBe(1);
      expect(second.entry.stale).toBe(false);
      expect(second.entry.storedAt).toBe(first.entry.storedAt);
      expect(second.entry.expiresAt).toBe(first.entry.storedAt + long.ttlMs);
    });

    it('peek, where offered, answers only what getOrSet would answer as a fresh HIT, and nothing once dropped', async () => {
      const cache = await open();
      if (cache.peek === undefined) return;
      const k = key();
      expect(cache.peek(k)).toBeUndefined();
      await cache.getOrSet(k, async () => ({ price: '99.00' }), { ...long, tags: ['flight:1'] });
      // Held once a read found it fresh (the first answer may still be settling).
      await cache.getOrSet(k, async () => ({ price: 'recomputed' }), long);
      const held = cache.peek<{ price: string }>(k);
      expect(held?.outcome).toBe('HIT');
      expect(held?.entry.value).toEqual({ price: '99.00' });
      await cache.invalidateTags(['flight:1']);
      expect(cache.peek(k)).toBeUndefined();

      const other = key();
      await cache.getOrSet(other, async () => 1, long);
      await cache.getOrSet(other, async () => 2, long);
      await cache.delete(other);
      expect(cache.peek(other)).toBeUndefined();
      await cache.set(other, 3, long);
      expect(cache.peek<number>(other)?.entry.value ?? 3).toBe(3);
    });

    it('get answers undefined on a miss and the fresh entry after set', async () => {
      const cache = await open();
      const k = key();

      expect(await cache.get(k)).toBeUndefined();
      await cache.set(k, { total: '412.30' }, long);
      const entry = await cache.get<{ total: string }>(k);

      expect(entry?.value).toEqual({ total: '412.30' });
      expect(entry?.stale).toBe(false);
    });

    it('after its TTL an entry is no longer fresh: getOrSet runs the factory again and answers MISS', async () => {
      const cache = await open();
      const k = key();
      let calls = 0;
      const factory = async () => ++calls;

      await cache.getOrSet(k, factory, { ttlMs: 50, graceMs: 60_000 });
      await sleep(400);
      const again = await cache.getOrSet(k, factory, { ttlMs: 50, graceMs: 60_000 });

      expect(again.outcome).toBe('MISS');
      expect(again.entry.value).toBe(2);
    });

    it('without grace an expired entry is a miss for get', async () => {
      const cache = await open();
      const k = key();

      await cache.set(k, 'soon gone', { ttlMs: 50 });
      await sleep(400);

      expect(await cache.get(k)).toBeUndefined();
    });

    it('invalidating a tag drops the entries carrying it (no stale price is kept) and leaves other entries fresh', async () => {
      const cache = await open();
      const [jfkLhr, jfkLhr2, parHotels] = [key(), key(), key()];
      await cache.set(jfkLhr, 'a', { ...long, tags: ['flight:JFK-LHR:2026-12-01'] });
      await cache.set(jfkLhr2, 'b', {
        ...long,
        tags: ['flight:JFK-LHR:2026-12-01', 'flight:LHR-JFK:2026-12-08'],
      });
      await cache.set(parHotels, 'c', { ...long, tags: ['hotel-city:PAR:2026-12-01'] });

      await cache.invalidateTags(['flight:JFK-LHR:2026-12-01']);

      expect(await cache.get(jfkLhr)).toBeUndefined();
      expect(await cache.get(jfkLhr2)).toBeUndefined();
      expect((await cache.get(parHotels))?.stale).toBe(false);
      const refreshed = await cache.getOrSet(jfkLhr, async () => 'a2', {
        ...long,
        tags: ['flight:JFK-LHR:2026-12-01'],
      });
      expect(refreshed).toMatchObject({ outcome: 'MISS', entry: { value: 'a2', stale: false } });
      expect((await cache.getOrSet(jfkLhr, async () => 'a3', long)).outcome).toBe('HIT');
    });

    it('entries stored after an invalidation are fresh', async () => {
      const cache = await open();
      const k = key();
      await cache.invalidateTags(['hotel:h-1']);
      await sleep(5); // the invalidation covers entries stored up to and including its millisecond

      await cache.set(k, 'new', { ...long, tags: ['hotel:h-1'] });

      expect((await cache.get(k))?.stale).toBe(false);
    });

    it('delete drops one key and leaves the others', async () => {
      const cache = await open();
      const [gone, kept] = [key(), key()];
      await cache.set(gone, 1, long);
      await cache.set(kept, 2, long);

      await cache.delete(gone);
      await cache.delete(key()); // a miss is a no-op

      expect(await cache.get(gone)).toBeUndefined();
      expect((await cache.get(kept))?.value).toBe(2);
    });

    it('100 concurrent misses on one key run the factory exactly once and all get its value', async () => {
      const cache = await open();
      const k = key();
      let calls = 0;
      const factory = async () => {
        calls++;
        await sleep(50);
        return { searchId: 's-1' };
      };

      const results = await Promise.all(Array.from({ length: 100 }, () => cache.getOrSet(k, factory, long)));

      expect(calls).toBe(1);
      expect(results.filter((r) => r.outcome === 'MISS')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'HIT')).toHaveLength(99);
      for (const r of results) expect(r.entry.value).toEqual({ searchId: 's-1' });
    });

    it('100 concurrent misses on one key share one factory failure', async () => {
      const cache = await open();
      const k = key();
      let calls = 0;
      const failure = new Error('supplier down');
      const factory = async () => {
        calls++;
        await sleep(50);
        throw failure;
      };

      const results = await Promise.allSettled(
        Array.from({ length: 100 }, () => cache.getOrSet(k, factory, long)),
      );

      expect(calls).toBe(1);
      for (const r of results) expect(r).toEqual({ status: 'rejected', reason: failure });
    });

    it('when the factory throws within the grace period, the last value is served as STALE', async () => {
      const cache = await open();
      const k = key();
      await cache.getOrSet(k, async () => 'last good', { ttlMs: 50, graceMs: 60_000 });
      await sleep(400);

      const result = await cache.getOrSet(
        k,
        async () => {
          throw new Error('supplier down');
        },
        { ttlMs: 50, graceMs: 60_000 },
      );

      expect(result.outcome).toBe('STALE');
      expect(result.entry).toMatchObject({ value: 'last good', stale: true });
      expect(result.entry.expiresAt).toBeLessThanOrEqual(Date.now());
      expect((await cache.get(k))?.stale).toBe(true);
    });

    it('when the factory throws past the grace period, its own error is rethrown', async () => {
      const cache = await open();
      const k = key();
      await cache.getOrSet(k, async () => 'old', { ttlMs: 50, graceMs: 50 });
      await sleep(500);
      const failure = new Error('supplier down');

      await expect(
        cache.getOrSet(
          k,
          async () => {
            throw failure;
          },
          { ttlMs: 50, graceMs: 50 },
        ),
      ).rejects.toBe(failure);
      expect(await cache.get(k)).toBeUndefined();
    });

    it('when the factory throws and nothing was cached, its own error is rethrown and nothing is stored', async () => {
      const cache = await open();
      const k = key();
      const failure = new TypeError('bad supplier answer');

      await expect(
        cache.getOrSet(
          k,
          async () => {
            throw failure;
          },
          long,
        ),
      ).rejects.toBe(failure);
      expect(await cache.get(k)).toBeUndefined();
    });

    it('keeps at most maxEntries entries in process', async () => {
      const cache = await open({ maxEntries: 20, maxBytes: 50_000_000 });
      if (cache.stats === undefined) return; // keeps nothing in process
      for (let i = 0; i < 100; i++) await cache.set(key(), { i }, long);

      const stats = cache.stats?.();

      expect(stats?.entries).toBeGreaterThan(0);
      expect(stats?.entries).toBeLessThanOrEqual(20);
    });

    it('keeps at most maxBytes (approximate) in process, and never a value larger than that', async () => {
      const cache = await open({ maxEntries: 10_000, maxBytes: 20_000 });
      if (cache.stats === undefined) return; // keeps nothing in process
      for (let i = 0; i < 100; i++) await cache.set(key(), 'x'.repeat(1_000), long);
      const huge = key();
      await cache.set(huge, 'y'.repeat(50_000), long);

      const stats = cache.stats?.();

      expect(stats?.bytes).toBeGreaterThan(0);
      expect(stats?.bytes).toBeLessThanOrEqual(20_000);
      expect(stats?.entries).toBeLessThan(100);
    });

    it('refuses a TTL of zero rather than keep a value forever', async () => {
      const cache = await open();

      await expect(cache.set(key(), 1, { ttlMs: 0 })).rejects.toThrow(RangeError);
    });

    it('reports ok health when every tier is reachable', async () => {
      const cache = await open();

      expect(await cache.health()).toBe('ok');
    });
  });
}
