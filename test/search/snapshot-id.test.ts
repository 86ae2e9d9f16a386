import { describe, expect, it } from 'vitest';
import { createMemoryCache } from '../../src/adapters/cache/memory.js';
import { TokenSigner } from '../../src/core/offers/signed-token.js';
import { SearchResults } from '../../src/core/search/search-results.js';
import { snapshotId } from '../../src/core/search/snapshot-id.js';

/**
 * A snapshot is named by its content, so that two processes with caches of their own (workers with
 * CACHE=memory) that compute the same result give the same cursors and entity tags.
 */
interface Offer {
  id: string;
  expiresAt: string;
  price: { total: string };
  hotel?: { id: string };
}

const offer = (n: number, signedAt: number, total = `${100 + n}.00`): Offer => ({
  id: `signed-${n}-${signedAt}`,
  expiresAt: new Date(signedAt + 900_000).toISOString(),
  price: { total },
  hotel: { id: `H${n}` },
});
const offers = (signedAt: number) => [offer(1, signedAt), offer(2, signedAt), offer(3, signedAt)];

describe('snapshotId', () => {
  it('is the same for two runs that found the same offers at other moments', () => {
    expect(snapshotId('hotels', 'q1', { offers: offers(1_000) })).toBe(
      snapshotId('hotels', 'q1', { offers: offers(61_000) }),
    );
    expect(snapshotId('hotels', 'q1', { offers: offers(1_000) })).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('differs when anything a client sees of the result differs', () => {
    const base = snapshotId('hotels', 'q1', { offers: offers(1_000) });
    const cheaper = [offer(1, 1_000, '99.00'), offer(2, 1_000), offer(3, 1_000)];
    const reordered = [offer(2, 1_000), offer(1, 1_000), offer(3, 1_000)];
    const otherHotel = [{ ...offer(1, 1_000), hotel: { id: 'H9' } }, offer(2, 1_000), offer(3, 1_000)];
    for (const other of [
      snapshotId('hotels', 'q1', { offers: cheaper }),
      snapshotId('hotels', 'q1', { offers: reordered }),
      snapshotId('hotels', 'q1', { offers: otherHotel }),
      snapshotId('hotels', 'q1', { offers: offers(1_000).slice(0, 2) }),
      snapshotId('hotels', 'q2', { offers: offers(1_000) }),
      snapshotId('flights', 'q1', { offers: offers(1_000) }),
      snapshotId('hotels', 'q1', { offers: offers(1_000), partial: 'deadline' }),
      snapshotId('hotels', 'q1', { offers: offers(1_000), suppliers: { a: { status: 'stale', offers: 3 } } }),
    ])
      expect(other).not.toBe(base);
  });

  it('names empty results of two queries apart', () => {
    expect(snapshotId('flights', 'q1', { offers: [] })).not.toBe(snapshotId('flights', 'q2', { offers: [] }));
  });
});

describe('two processes with caches of their own', () => {
  const signer = new TokenSigner('a-test-secret-that-is-long-enough-000');
  const worker = () => {
    const cache = createMemoryCache({ maxEntries: 100, maxBytes: 1_000_000, keyPrefix: 'w' });
    const results = new SearchResults({
      cache,
      snapshots: cache,
      signer,
      clock: { now: () => Date.now() },
      ttlMs: () => 60_000,
      graceMs: 0,
      snapshotTtlMs: 60_000,
    });
    return { cache, results };
  };

  it("serves a cursor of the other's snapshot when its own search finds the same result", async () => {
    const a = worker();
    const b = worker();
    let runs = 0;
    const run = async () => {
      runs++;
      return { offers: offers(Date.now() + runs), tags: [] };
    };
    const page1 = await a.results.page({ kind: 'hotels', key: 'k', run, limit: 2 });
    const cursor = page1.meta.nextCursor as string;
    const page2 = await b.results.page({ kind: 'hotels', key: 'k', run, limit: 2, cursor });
    expect(runs).toBe(2);
    expect(page2.cache).toBe('MISS');
    expect(page2.meta.searchId).toBe(page1.meta.searchId);
    expect(page2.data.map((o) => o.hotel?.id)).toEqual(['H3']);
    expect(page2.content.version).toBe(`${page1.meta.searchId}:2:2`);
    // b now holds the snapshot: its own first page is the same page as a's.
    const again = await b.results.page({ kind: 'hotels', key: 'k', run, limit: 2 });
    expect(again.cache).toBe('HIT');
    expect(again.content.version).toBe(page1.content.version);
    await Promise.all([a.cache.close(), b.cache.close()]);
  });

  it('answers 410 search-expired when the search now finds another result', async () => {
    const a = worker();
    const b = worker();
    const page1 = await a.results.page({
      kind: 'hotels',
      key: 'k',
      run: async () => ({ offers: offers(1_000), tags: [] }),
      limit: 2,
    });
    const cursor = page1.meta.nextCursor as string;
    const changed = [offer(1, 2_000, '80.00'), offer(2, 2_000), offer(3, 2_000)];
    await expect(
      b.results.page({
        kind: 'hotels',
        key: 'k',
        run: async () => ({ offers: changed, tags: [] }),
        limit: 2,
        cursor,
      }),
    ).rejects.toMatchObject({ code: 'search-expired' });
    await Promise.all([a.cache.close(), b.cache.close()]);
  });
});
