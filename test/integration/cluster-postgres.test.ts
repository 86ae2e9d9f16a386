import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createPlatform } from '../../src/platform.js';
import {
  ADMIN_API_KEY,
  type ApiProcess,
  prepareSharedStore,
  startApiProcess,
} from '../helpers/api-process.js';
import { BookingClient, bookingBody, type FlightOfferLike, passengersFor } from '../helpers/bookings.js';
import { dropSchema, postgresEnv, uniqueSchema } from '../helpers/postgres.js';
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

interface SearchAnswer {
  cache: string | null;
  offers: FlightOfferLike[];
}

/**
 * Cluster mode as the README runs it: two API processes sharing PostgreSQL (store, outbox) and Redis
 * (cache, event bus, rate limits). Whatever one process does, the other sees.
 */
describe('cluster: two API processes on PostgreSQL + Redis', () => {
  const schema = uniqueSchema('cluster');
  const cachePrefix = uniquePrefix('cluster').slice(0, -1);
  const streamKey = uniqueStreamKey('cluster');
  const processes: ApiProcess[] = [];

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await deletePrefix(cachePrefix);
    await deletePrefix(streamKey);
    await dropSchema(schema);
  });

  it('shares searches, bookings, fare changes (fresh on the other process) and one rate limit', async () => {
    const shared = await prepareSharedStore({
      ...postgresEnv(schema),
      CACHE: 'redis',
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
    const search = async (on: ApiProcess): Promise<SearchAnswer> => {
      const response = await fetch(`${on.url}${path}`, { headers: { 'x-api-key': shared.apiKey } });
      expect(response.status).toBe(200);
      return {
        cache: response.headers.get('x-cache'),
        offers: ((await response.json()) as { data: FlightOfferLike[] }).data,
      };
    };

    // A search computed on A is served from the shared cache on B.
    const onA = await search(a);
    expect(onA.offers.length).toBeGreaterThan(0);
    const onB = await search(b);
    expect(onB.cache).toBe('HIT');
    expect(onB.offers.map((o) => o.id)).toEqual(onA.offers.map((o) => o.id));

    // An offer found on A is booked on B, and the booking is read back on A.
    const offer = onA.offers[0]!;
    const segment = offer.itineraries[0]!.segments[0]!;
    const body = bookingBody(offer.id, passengersFor({ adults: 1 }, segment.departure.at.slice(0, 10)));
    const booked = await new BookingClient(b.url, shared.apiKey, shared.token).book(body, 'cluster-1');
    expect(booked.status).toBe(201);
    const booking = ((await booked.json()) as { data: { id: string; reference: string } }).data;
    const readOnA = await new BookingClient(a.url, shared.apiKey, shared.token).get(booking.id);
    expect(readOnA.status).toBe(200);
    expect(((await readOnA.json()) as { data: { reference: string } }).data.reference).toBe(
      booking.reference,
    );

    // A fare change acknowledged by A reaches B's cache through the outbox, the relay and the bus.
    const cached = await search(b);
    const flightId = segment.id;
    const priceOf = (answer: SearchAnswer) =>
      answer.offers.find((o) => o.itineraries[0]!.segments[0]!.id === flightId)?.price.total;
    const before = priceOf(cached);
    const update = await fetch(`${a.url}/v1/admin/fares`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ flights: [{ flightId, cabin: 'economy', fare: '876.54' }] }),
    });
    expect(update.status).toBe(200);
    const acknowledgedAt = performance.now();
    let seen = before;
    let polls = 0;
    while (seen === before && performance.now() - acknowledgedAt < 20_000) {
      seen = priceOf(await search(b));
      polls++;
    }
    console.log(
      `[cluster] B showed the new fare ${(performance.now() - acknowledgedAt).toFixed(1)} ms after A acknowledged it (${polls} searches on B)`,
    );
    expect(seen).not.toBe(before);
    expect(priceOf(await search(a))).toBe(seen);

    // One daily quota for a key, counted in Redis whichever process answers.
    const tooling = await createPlatform(loadConfig({ ...shared.env, LOG_LEVEL: 'silent' }));
    const { key: limited } = await tooling.gateway.options.keys
      .issue({ name: 'quota of four', overrides: { rateLimit: 1000, burstLimit: 1000, dailyQuota: 4 } })
      .finally(() => tooling.close());
    const locate = async (on: ApiProcess): Promise<number> =>
      (await fetch(`${on.url}/v1/locations?q=lon`, { headers: { 'x-api-key': limited } })).status;
    expect([await locate(a), await locate(b), await locate(a), await locate(b)]).toEqual([
      200, 200, 200, 200,
    ]);
    expect(await locate(b)).toBe(429);
    expect(await locate(a)).toBe(429);
  });
});
