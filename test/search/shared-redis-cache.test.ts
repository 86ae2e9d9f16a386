import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flightRouteTag } from '../../src/core/cache/cache-tags.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/** Two API instances, each with its own in-process L1, sharing one Redis L2 and bus. */
let a: TestPlatform;
let b: TestPlatform;

beforeAll(async () => {
  const env = { CACHE: 'redis', CACHE_KEY_PREFIX: `test-shared-${randomUUID()}` };
  a = await startTestPlatform({ airports: 25, days: 4, env });
  b = await startTestPlatform({ airports: 25, days: 4, env });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
});

interface SearchBody {
  data: {
    itineraries: {
      segments: { departure: { iataCode: string; atUtc: string }; arrival: { iataCode: string } }[];
    }[];
  }[];
  meta: { searchId: string };
}

async function search(tp: TestPlatform, path: string): Promise<{ cache: string | null; body: SearchBody }> {
  const response = await tp.fetch(path);
  expect(response.status).toBe(200);
  return { cache: response.headers.get('x-cache'), body: (await response.json()) as SearchBody };
}

describe('search cache shared through Redis', () => {
  it('a result computed on one instance is a HIT on the other', async () => {
    const path = `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${a.date(2)}`;
    const first = await search(a, path);
    expect(first.cache).toBe('MISS');
    const other = await search(b, path);
    expect(other.cache).toBe('HIT');
    expect(other.body.meta.searchId).toBe(first.body.meta.searchId);
  });

  it('invalidating a tag on one instance drops the entry on the other', async () => {
    const path = `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${a.date(2)}&maxStops=0`;
    await search(b, path);
    const cached = await search(b, path);
    expect(cached.cache).toBe('HIT');
    const segment = cached.body.data[0]!.itineraries[0]!.segments[0]!;
    const tag = flightRouteTag(
      segment.departure.iataCode,
      segment.arrival.iataCode,
      segment.departure.atUtc.slice(0, 10),
    );

    await a.platform.cache.invalidateTags([tag]);

    // The bus delivers the invalidation asynchronously: poll (bounded) until B recomputes.
    let outcome: string | null = 'HIT';
    for (let attempt = 0; attempt < 50 && outcome === 'HIT'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      outcome = (await search(b, path)).cache;
    }
    expect(outcome).toBe('MISS');
  });

  it('reports the cache as ok in readiness while Redis is up', async () => {
    const response = await fetch(`${b.baseUrl}/health/ready`);
    const body = (await response.json()) as { checks: Record<string, string> };
    expect(body.checks.cache).toBe('ok');
  });
});
