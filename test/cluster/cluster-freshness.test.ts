import { afterAll, describe, expect, it } from 'vitest';
import {
  ADMIN_API_KEY,
  type ApiProcess,
  prepareSharedStore,
  startApiProcess,
} from '../helpers/api-process.js';
import type { FlightOfferLike } from '../helpers/bookings.js';
import { dropSchema, postgresEnv, uniqueSchema } from '../helpers/postgres.js';
import { deleteKeysUnder, redisUrl, uniquePrefix, uniqueStreamKey } from '../helpers/redis.js';

const TRIES = 20;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/**
 * Freshness across instances, measured: a fare changed through one API process is searched for on the
 * other, back to back, until it shows. Two processes share PostgreSQL (store, outbox) and Redis (event
 * bus, rate limits), with the cache shared in Redis or kept in each process (then only the events
 * invalidate the other's copy). The writer alternates, so the outbox lease is sometimes held by the
 * writer and sometimes by the reader. Every change must show; the delays are printed, not asserted,
 * so a slow machine cannot fail it (BENCHMARKS.md "Freshness across instances").
 */
describe.each(['redis', 'memory'])('cluster freshness with CACHE=%s', (cacheBackend) => {
  const schema = uniqueSchema('fresh');
  const cachePrefix = uniquePrefix('fresh').slice(0, -1);
  const streamKey = uniqueStreamKey('fresh');
  const processes: ApiProcess[] = [];

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await deleteKeysUnder(cachePrefix);
    await deleteKeysUnder(streamKey);
    await dropSchema(schema);
  });

  it(`a fare changed on one process is served by the other, ${TRIES} times out of ${TRIES}`, async () => {
    const shared = await prepareSharedStore({
      ...postgresEnv(schema),
      CACHE: cacheBackend,
      EVENT_BUS: 'redis',
      RATE_LIMITER: 'redis',
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
    let flightId: string | undefined;
    const priceOn = async (on: ApiProcess): Promise<{ cache: string | null; price: string | undefined }> => {
      const response = await fetch(`${on.url}${path}`, { headers: { 'x-api-key': shared.apiKey } });
      expect(response.status).toBe(200);
      const offers = ((await response.json()) as { data: FlightOfferLike[] }).data;
      flightId ??= offers[0]?.itineraries[0]?.segments[0]?.id;
      const offer = offers.find((o) => o.itineraries[0]?.segments[0]?.id === flightId);
      return { cache: response.headers.get('x-cache'), price: offer?.price.total };
    };
    await priceOn(a);
    expect(flightId).toBeDefined();

    const delays: number[] = [];
    const staleAnswers: number[] = [];
    for (let attempt = 0; attempt < TRIES; attempt++) {
      const [writer, reader] = attempt % 2 === 0 ? [a, b] : [b, a];
      // The reader holds the current fare in its cache, so what is measured is an invalidation.
      let before = await priceOn(reader);
      while (before.cache !== 'HIT') before = await priceOn(reader);
      const update = await fetch(`${writer.url}/v1/admin/fares`, {
        method: 'POST',
        headers: { 'x-api-key': ADMIN_API_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({
          flights: [{ flightId, cabin: 'economy', fare: (500 + attempt * 7.31).toFixed(2) }],
        }),
      });
      expect(update.status).toBe(200);
      const acknowledgedAt = performance.now();
      let seen = before;
      let stale = -1;
      while (seen.price === before.price && performance.now() - acknowledgedAt < 20_000) {
        seen = await priceOn(reader);
        stale++;
      }
      delays.push(performance.now() - acknowledgedAt);
      staleAnswers.push(stale);
      expect(seen.price).not.toBe(before.price);
      expect((await priceOn(writer)).price).toBe(seen.price);
    }

    const sorted = [...delays].sort((x, y) => x - y);
    console.log(
      `[freshness] CACHE=${cacheBackend}: ${TRIES} fare changes, ms from the writer's acknowledgement ` +
        `to the reader answering the new fare: min ${sorted[0]!.toFixed(1)}, p50 ${percentile(sorted, 50).toFixed(1)}, ` +
        `p90 ${percentile(sorted, 90).toFixed(1)}, max ${sorted[sorted.length - 1]!.toFixed(1)}; ` +
        `tries where the reader first answered the old fare: ${staleAnswers.filter((n) => n > 0).length} ` +
        `(at most ${Math.max(...staleAnswers)} such answers) — all: ${delays.map((d) => d.toFixed(0)).join(' ')}`,
    );
  });
});
