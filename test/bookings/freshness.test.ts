import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ADMIN_API_KEY,
  type ApiProcess,
  prepareSharedStore,
  type SharedStore,
  startApiProcess,
} from '../helpers/api-process.js';
import type { FlightOfferLike } from '../helpers/bookings.js';
import { redisUrl, uniquePrefix, uniqueStreamKey } from '../helpers/redis.js';

/** Deletes every key under `prefix` from the test Redis. */
async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

describe('freshness across instances sharing Redis', () => {
  let shared: SharedStore | undefined;
  const processes: ApiProcess[] = [];
  const cachePrefix = uniquePrefix('freshness').slice(0, -1);
  const streamKey = uniqueStreamKey('freshness');

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await deletePrefix(cachePrefix);
    await deletePrefix(streamKey);
    shared?.cleanup();
  });

  it('after a fare update acknowledged on A, a search on B shows the new price once the event is delivered', async () => {
    shared = await prepareSharedStore({
      CACHE: 'redis',
      EVENT_BUS: 'redis',
      REDIS_URL: redisUrl,
      CACHE_KEY_PREFIX: cachePrefix,
      EVENT_STREAM_KEY: streamKey,
    });
    processes.push(
      await startApiProcess({ ...shared.env, INSTANCE_ID: 'a' }),
      await startApiProcess({ ...shared.env, INSTANCE_ID: 'b' }),
    );
    const [a, b] = processes as [ApiProcess, ApiProcess];
    const path = `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${shared.date(2)}&maxStops=0`;
    const searchOnB = async (): Promise<{ cache: string | null; offers: FlightOfferLike[] }> => {
      const response = await fetch(`${b.url}${path}`, { headers: { 'x-api-key': shared!.apiKey } });
      expect(response.status).toBe(200);
      return {
        cache: response.headers.get('x-cache'),
        offers: ((await response.json()) as { data: FlightOfferLike[] }).data,
      };
    };
    await searchOnB();
    const cached = await searchOnB();
    expect(cached.cache).toBe('HIT');
    const target = cached.offers[0]!;
    const flightId = target.itineraries[0]!.segments[0]!.id;
    const priceOf = (offers: FlightOfferLike[]) =>
      offers.find((o) => o.itineraries[0]!.segments[0]!.id === flightId)?.price.total;

    const update = await fetch(`${a.url}/v1/admin/fares`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ flights: [{ flightId, cabin: 'economy', fare: '987.65' }] }),
    });
    expect(update.status).toBe(200);
    const acknowledgedAt = performance.now();

    let seen: string | undefined = target.price.total;
    let polls = 0;
    while (seen === target.price.total && performance.now() - acknowledgedAt < 20_000) {
      seen = priceOf((await searchOnB()).offers);
      polls++;
    }
    const delayMs = performance.now() - acknowledgedAt;
    console.log(
      `[freshness] B showed the new price ${delayMs.toFixed(1)} ms after A acknowledged the fare update (${polls} searches on B)`,
    );
    expect(seen).not.toBe(target.price.total);
    // Once fresh, it stays fresh.
    expect(priceOf((await searchOnB()).offers)).toBe(seen);
  });
});
