import { describe, expect, it } from 'vitest';
import { createCache } from '../../src/adapters/cache/index.js';
import { loadConfig } from '../../src/config.js';

describe('the none cache backend (benchmark baseline)', () => {
  it('never stores: every getOrSet runs its factory and answers MISS', async () => {
    const cache = await createCache(loadConfig({ CACHE: 'none' }));
    let runs = 0;
    const factory = async () => ++runs;
    await cache.set('k', 1, { ttlMs: 60_000 });
    expect(await cache.get('k')).toBeUndefined();
    expect((await cache.getOrSet('k', factory, { ttlMs: 60_000 })).outcome).toBe('MISS');
    const second = await cache.getOrSet('k', factory, { ttlMs: 60_000 });
    expect(second.outcome).toBe('MISS');
    expect(second.entry.value).toBe(2);
    await cache.invalidateTags(['t']);
    await cache.delete('k');
    expect(await cache.health()).toBe('ok');
    await cache.close();
  });

  it('rethrows the factory error, having nothing stale to serve', async () => {
    const cache = await createCache(loadConfig({ CACHE: 'none' }));
    await expect(
      cache.getOrSet('k', async () => Promise.reject(new Error('origin down')), { ttlMs: 1000 }),
    ).rejects.toThrow('origin down');
  });
});
