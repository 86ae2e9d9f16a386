import { describe, expect, it, vi } from 'vitest';
import { createMemoryCache } from '../../src/adapters/cache/memory.js';
import { RecentInvalidations } from '../../src/core/cache/recent-invalidations.js';
import { TokenSigner } from '../../src/core/offers/signed-token.js';
import { SearchResults } from '../../src/core/search/search-results.js';

const clock = { now: () => Date.now() };

describe('a search that races an inventory change', () => {
  it('is served once but not kept when one of its tags is invalidated while it runs', async () => {
    const cache = createMemoryCache({ maxEntries: 100, maxBytes: 1_000_000, keyPrefix: 'race' });
    const recent = new RecentInvalidations(clock, 10_000);
    const results = new SearchResults({
      cache,
      snapshots: cache,
      signer: new TokenSigner('a-test-secret-that-is-long-enough-000'),
      clock,
      ttlMs: () => 60_000,
      graceMs: 0,
      snapshotTtlMs: 60_000,
      recentInvalidations: recent,
    });
    const run = vi.fn(async () => {
      // The fare update lands while the search is reading: its invalidation runs before the result is stored.
      recent.note(['flight:AAA-BBB:2026-12-01']);
      await cache.invalidateTags(['flight:AAA-BBB:2026-12-01']);
      return { offers: ['old fare'], tags: ['flight:AAA-BBB:2026-12-01'] };
    });
    const first = await results.page({ kind: 'flights', key: 'k', run, limit: 10 });
    expect(first.data).toEqual(['old fare']);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const again = await results.page({
      kind: 'flights',
      key: 'k',
      run: async () => ({ offers: ['new fare'], tags: [] }),
      limit: 10,
    });
    expect(again.cache).toBe('MISS');
    expect(again.data).toEqual(['new fare']);
    await cache.close();
  });

  it('reports only invalidations at or after the given time, and forgets old ones', () => {
    let now = 1_000;
    const recent = new RecentInvalidations({ now: () => now }, 500);
    recent.note(['a']);
    expect(recent.anySince(['a', 'b'], 1_000)).toBe(true);
    expect(recent.anySince(['a'], 1_001)).toBe(false);
    now = 2_000;
    recent.note(['b']);
    expect(recent.anySince(['a'], 0)).toBe(false);
  });
});
