import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../src/adapters/cache/memory.js';
import { describeCacheContract } from './cache.contract.js';

const create = async (options: { maxEntries: number; maxBytes: number }) =>
  createMemoryCache({ ...options, keyPrefix: `test-${randomUUID()}` });

describeCacheContract('memory', create);

describe('memory cache', () => {
  it('evicts the least recently used entry first', async () => {
    const cache = await create({ maxEntries: 3, maxBytes: 1_000_000 });
    const long = { ttlMs: 60_000 };
    await cache.set('a', 1, long);
    await cache.set('b', 2, long);
    await cache.set('c', 3, long);
    await cache.get('a');

    await cache.set('d', 4, long);

    expect(await cache.get('b')).toBeUndefined();
    expect((await cache.get('a'))?.value).toBe(1);
    expect((await cache.get('d'))?.value).toBe(4);
    await cache.close();
  });
});
