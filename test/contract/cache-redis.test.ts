/**
 * The redis backend against real Redis: the contract on 127.0.0.1:6379, then what only a shared,
 * remote tier has — two instances seeing each other's writes and invalidations, and surviving a
 * Redis that dies and comes back (on a redis-server this file starts on its own port).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createRedisCache, type RedisCacheOptions } from '../../src/adapters/cache/redis.js';
import type { Cache } from '../../src/ports/cache.js';
import { deleteKeysUnder, redisUrl } from '../helpers/redis.js';
import { RedisServer, randomPort, waitFor } from '../helpers/redis-server.js';
import { describeCacheContract } from './cache.contract.js';

/** One prefix per run of this file, so runs (and other suites) never see each other's keys. */
const runPrefix = `test-cache-${process.pid}-${randomUUID().slice(0, 8)}`;
const long = { ttlMs: 60_000, graceMs: 60_000 };

const opened: Cache[] = [];
async function open(overrides: Partial<RedisCacheOptions> = {}): Promise<Cache> {
  const cache = await createRedisCache({
    redisUrl,
    keyPrefix: `${runPrefix}:${randomUUID().slice(0, 8)}`,
    maxEntries: 10_000,
    maxBytes: 50_000_000,
    ...overrides,
  });
  opened.push(cache);
  return cache;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()));
});

afterAll(async () => {
  // Tag timestamps live for days in Redis: remove everything this run wrote.
  await deleteKeysUnder(runPrefix);
});

describeCacheContract('redis', (options) => open(options));
describeCacheContract('redis without a local tier', (options) => open({ ...options, localTier: false }));

describe('redis cache', () => {
  it('without a local tier, reads what another instance wrote or invalidated at once (nothing to hear first)', async () => {
    const keyPrefix = `${runPrefix}:${randomUUID().slice(0, 8)}`;
    const frozen = await open({ keyPrefix, localTier: false });
    const other = await open({ keyPrefix });
    await frozen.getOrSet('fare', async () => '100.00', { ...long, tags: ['flight:7'] });
    expect(frozen.peek?.('fare')).toBeUndefined();

    await other.set('fare', '120.00', { ...long, tags: ['flight:7'] });
    expect((await frozen.getOrSet('fare', async () => 'recomputed', long)).entry.value).toBe('120.00');
    await other.invalidateTags(['flight:7']);
    const after = await frozen.getOrSet('fare', async () => '95.00', long);
    expect(after).toMatchObject({ outcome: 'MISS', entry: { value: '95.00' } });
    expect(frozen.stats).toBeUndefined();
  });

  it('serves an entry evicted from the in-process tier from Redis', async () => {
    const cache = await open({ maxEntries: 2 });
    await cache.set('first', 'kept in redis', long);
    for (let i = 0; i < 10; i++) await cache.set(`filler-${i}`, i, long);

    const result = await cache.getOrSet('first', async () => 'recomputed', long);

    expect(result).toMatchObject({ outcome: 'HIT', entry: { value: 'kept in redis' } });
  });

  describe('two instances sharing one Redis (two API processes)', () => {
    const openPair = async () => {
      const keyPrefix = `${runPrefix}:pair-${randomUUID().slice(0, 8)}`;
      return [await open({ keyPrefix }), await open({ keyPrefix })] as const;
    };

    it('an entry computed on one is a HIT on the other', async () => {
      const [a, b] = await openPair();
      await a.getOrSet('search', async () => ({ offers: 3 }), long);

      const onB = await b.getOrSet('search', async () => ({ offers: 99 }), long);

      expect(onB).toMatchObject({ outcome: 'HIT', entry: { value: { offers: 3 } } });
    });

    it('a tag invalidation on one drops the entry from the in-process tier of the other', async () => {
      const [a, b] = await openPair();
      const tags = ['flight:JFK-LHR:2026-12-01'];
      await a.getOrSet('search', async () => 'before', { ...long, tags });
      expect((await b.getOrSet('search', async () => 'unused', { ...long, tags })).outcome).toBe('HIT');

      await a.invalidateTags(tags);

      await waitFor(
        async () => (await b.get('search')) === undefined,
        10_000,
        'b to drop the invalidated entry',
      );
      const refreshed = await b.getOrSet('search', async () => 'after', { ...long, tags });
      expect(refreshed).toMatchObject({ outcome: 'MISS', entry: { value: 'after' } });
    });

    it('a write on one replaces the value the other holds in process', async () => {
      const [a, b] = await openPair();
      await a.set('price', '412.30', long);
      expect((await b.get('price'))?.value).toBe('412.30');

      await a.set('price', '398.00', long);

      await waitFor(async () => (await b.get('price'))?.value === '398.00', 10_000, 'b to see the new value');
    });

    it('a delete on one drops the key on the other', async () => {
      const [a, b] = await openPair();
      await a.set('gone', 1, long);
      expect((await b.get('gone'))?.value).toBe(1);

      await a.delete('gone');

      await waitFor(async () => (await b.get('gone')) === undefined, 10_000, 'b to drop the key');
    });
  });

  describe('when Redis dies and comes back', () => {
    const server = new RedisServer(randomPort());
    afterAll(() => server.kill());

    it('keeps serving from process memory and the factory, reports degraded, and recovers by itself', async () => {
      await server.start();
      const keyPrefix = `${runPrefix}:outage`;
      const cache = await open({ redisUrl: server.url, keyPrefix, commandTimeoutMs: 500 });
      await cache.getOrSet('cached', async () => 'from origin', long);
      expect(await cache.health()).toBe('ok');

      await server.kill();

      await waitFor(async () => (await cache.health()) === 'degraded', 10_000, 'health to turn degraded');
      expect(await cache.getOrSet('cached', async () => 'unused', long)).toMatchObject({
        outcome: 'HIT',
        entry: { value: 'from origin' },
      });
      expect(await cache.getOrSet('new', async () => 'computed while down', long)).toMatchObject({
        outcome: 'MISS',
        entry: { value: 'computed while down' },
      });
      expect((await cache.getOrSet('new', async () => 'unused', long)).outcome).toBe('HIT');
      await expect(cache.invalidateTags(['hotel:h-1'])).resolves.toBeUndefined();
      await expect(cache.set('written while down', 1, long)).resolves.toBeUndefined();

      await server.start();

      await waitFor(async () => (await cache.health()) === 'ok', 20_000, 'health to return to ok');
      await cache.set('after recovery', 'shared again', long);
      const other = await open({ redisUrl: server.url, keyPrefix });
      expect(await other.getOrSet('after recovery', async () => 'unused', long)).toMatchObject({
        outcome: 'HIT',
        entry: { value: 'shared again' },
      });
    });
  });
});
