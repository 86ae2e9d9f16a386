import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNetwork } from '../../src/core/demo-inventory/network.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** heapUsed after full collections: what is live. */
function liveHeap(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const AIRPORTS = 40;
const SEARCHES = 150;

/**
 * The cache's budget is in heap bytes, so what it counts must be what the heap really holds: the
 * heap a few hundred distinct searches add (cached results and their snapshots, the front's learned
 * URLs, prepared pages, tag records, normalised queries) is measured with full collections and
 * compared with what the cache counted for them.
 */
describe('the cache counts what distinct searches really hold on the heap', () => {
  let tp: TestPlatform;
  let paths: string[];
  beforeAll(async () => {
    tp = await startTestPlatform({ airports: AIRPORTS, days: 8, env: { CACHE_WARM_MIN_REQUESTS: '0' } });
    const pairs = new Map(
      buildNetwork(tp.platform.airports.all(), AIRPORTS).routes.map((r) => [`${r.a.iata}${r.b.iata}`, r]),
    );
    paths = [];
    for (let adults = 1; paths.length < SEARCHES + 10; adults++)
      for (let day = 1; day < 7 && paths.length < SEARCHES + 10; day++)
        for (const { a, b } of pairs.values())
          paths.push(
            `/v1/flights/search?origin=${a.iata}&destination=${b.iata}&departureDate=${tp.date(day)}&adults=${adults}`,
          );
  });
  afterAll(() => tp.close());

  async function search(batch: readonly string[]): Promise<void> {
    for (let i = 0; i < batch.length; i += 8) {
      const answers = await Promise.all(batch.slice(i, i + 8).map((path) => tp.fetch(path)));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        await answer.arrayBuffer();
      }
    }
  }

  it('within 25%', async () => {
    // The first searches compile code and fill lazily built tables: not what an entry costs.
    await search(paths.slice(0, 10));
    const counted = () => tp.platform.cache.stats?.().bytes ?? 0;
    const heapBefore = liveHeap();
    const countedBefore = counted();
    await search(paths.slice(10));
    const heap = liveHeap() - heapBefore;
    const accounted = counted() - countedBefore;

    expect(accounted).toBeGreaterThan(SEARCHES * 1000);
    expect(heap / accounted).toBeGreaterThan(0.8);
    expect(heap / accounted).toBeLessThan(1.25);
  });
});
