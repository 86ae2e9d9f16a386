import { afterAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../src/composition/platform.js';
import { loadConfig } from '../../src/config.js';
import {
  type ApiProcess,
  prepareSharedStore,
  startApiPair,
  updateEconomyFare,
} from '../helpers/api-process.js';
import {
  BookingClient,
  directLhrJfk,
  oneAdultBooking,
  priceOfFlight,
  searchFlights,
} from '../helpers/bookings.js';
import { dropSchema, postgresEnv, uniqueSchema } from '../helpers/postgres.js';
import { sharedRedisEnv } from '../helpers/redis.js';
import { pollUntilChanged } from '../helpers/wait-for.js';

/**
 * Cluster mode as docs/cluster.md runs it: two API processes sharing PostgreSQL (store, outbox) and Redis
 * (cache, event bus, rate limits). Whatever one process does, the other sees.
 */
describe('cluster: two API processes on PostgreSQL + Redis', () => {
  const schema = uniqueSchema('cluster');
  const redis = sharedRedisEnv('cluster');
  const processes: ApiProcess[] = [];

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await redis.cleanup();
    await dropSchema(schema);
  });

  it('shares searches, bookings, fare changes (fresh on the other process) and one rate limit', async () => {
    const shared = await prepareSharedStore({ ...postgresEnv(schema), ...redis.env, RATE_LIMITER: 'redis' });
    const [a, b] = await startApiPair(shared.env, processes);
    const query = directLhrJfk(shared.date(2));
    const search = (on: ApiProcess) => searchFlights(on.url, shared.apiKey, query);

    // A search computed on A is served from the shared cache on B.
    const onA = await search(a);
    expect(onA.offers.length).toBeGreaterThan(0);
    const onB = await search(b);
    expect(onB.cache).toBe('HIT');
    expect(onB.offers.map((o) => o.id)).toEqual(onA.offers.map((o) => o.id));

    // An offer found on A is booked on B, and the booking is read back on A.
    const offer = onA.offers[0]!;
    const segment = offer.itineraries[0]!.segments[0]!;
    const booked = await new BookingClient(b.url, shared.apiKey, shared.token).book(
      oneAdultBooking(offer),
      'cluster-1',
    );
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
    const before = priceOfFlight(cached.offers, flightId);
    await updateEconomyFare(a, flightId, '876.54');
    const {
      value: seen,
      polls,
      ms,
    } = await pollUntilChanged(async () => priceOfFlight((await search(b)).offers, flightId), before);
    console.log(
      `[cluster] B showed the new fare ${ms.toFixed(1)} ms after A acknowledged it (${polls} searches on B)`,
    );
    expect(seen).not.toBe(before);
    expect(priceOfFlight((await search(a)).offers, flightId)).toBe(seen);

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
