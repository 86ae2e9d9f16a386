import { afterAll, describe, expect, it } from 'vitest';
import {
  type ApiProcess,
  prepareSharedStore,
  type SharedStore,
  startApiPair,
  updateEconomyFare,
} from '../helpers/api-process.js';
import { directLhrJfk, priceOfFlight, searchFlights } from '../helpers/bookings.js';
import { sharedRedisEnv } from '../helpers/redis.js';
import { pollUntilChanged } from '../helpers/wait-for.js';

describe('freshness across instances sharing Redis', () => {
  let shared: SharedStore | undefined;
  const processes: ApiProcess[] = [];
  const redis = sharedRedisEnv('freshness');

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await redis.cleanup();
    shared?.cleanup();
  });

  it('after a fare update acknowledged on A, a search on B shows the new price once the event is delivered', async () => {
    shared = await prepareSharedStore(redis.env);
    const [a, b] = await startApiPair(shared.env, processes);
    const query = directLhrJfk(shared.date(2));
    const searchOnB = () => searchFlights(b.url, shared!.apiKey, query);
    await searchOnB();
    const cached = await searchOnB();
    expect(cached.cache).toBe('HIT');
    const target = cached.offers[0]!;
    const flightId = target.itineraries[0]!.segments[0]!.id;

    await updateEconomyFare(a, flightId, '987.65');
    const {
      value: seen,
      polls,
      ms,
    } = await pollUntilChanged(
      async () => priceOfFlight((await searchOnB()).offers, flightId),
      target.price.total,
    );
    console.log(
      `[freshness] B showed the new price ${ms.toFixed(1)} ms after A acknowledged the fare update (${polls} searches on B)`,
    );
    expect(seen).not.toBe(target.price.total);
    // Once fresh, it stays fresh.
    expect(priceOfFlight((await searchOnB()).offers, flightId)).toBe(seen);
  });
});
