import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FallbackRateLimiter } from '../../src/adapters/rate-limiter/with-fallback.js';
import type { SqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { utcDay } from '../../src/kernel/utc-day.js';
import { RedisServer, randomPort, waitFor } from '../helpers/redis-server.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Every Redis use at once (cache L2, rate limiter, event bus) on a Redis this test starts and kills:
 * while it is gone, searches keep being answered and limits keep being enforced by the in-process
 * limiter; when it is back, the shared limiter is used again and the requests admitted meanwhile
 * are added to the shared daily quota.
 */
const redis = new RedisServer(randomPort());
let tp: TestPlatform;
let limiter: FallbackRateLimiter;
let smallKey: string;

const search = (day: number) => `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${tp.date(day)}`;

/** Events still waiting in the outbox (the test platform runs on SQLite). */
const pendingEvents = () => (tp.platform.backend as SqliteStore).outbox.pendingRecords();

async function quotaInRedis(keyId: string): Promise<number> {
  const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    const keys = await client.keys(`*quota*${keyId}:${utcDay(Date.now())}`);
    return keys.length === 0 ? 0 : Number(await client.get(keys[0] as string));
  } finally {
    client.disconnect();
  }
}

/** A flight of the demo inventory, found through the search API. */
async function someFlightId(): Promise<string> {
  type Answer = { data: { itineraries: { segments: { id: string }[] }[] }[] };
  for (const route of await tp.platform.store.listRoutes()) {
    const path = `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${tp.date(1)}`;
    const id = ((await (await tp.fetch(path)).json()) as Answer).data[0]?.itineraries[0]?.segments[0]?.id;
    if (id !== undefined) return id;
  }
  throw new Error('no flight in the demo inventory');
}

beforeAll(async () => {
  await redis.start();
  tp = await startTestPlatform({
    airports: 20,
    days: 4,
    env: { CACHE: 'redis', RATE_LIMITER: 'redis', EVENT_BUS: 'redis', REDIS_URL: redis.url },
  });
  limiter = tp.platform.gateway.options.limiter as FallbackRateLimiter;
  const issued = await tp.platform.gateway.options.keys.issue({
    name: 'small plan',
    plan: 'free',
    overrides: { rateLimit: 1, burstLimit: 4, dailyQuota: 1000 },
  });
  smallKey = issued.key;
});

afterAll(async () => {
  await tp?.close();
  await redis.kill();
});

describe('a Redis outage under cache, limiter and bus', () => {
  it('serves, enforces plans in process, and hands the counts back to Redis when it returns', async () => {
    expect(limiter).toBeInstanceOf(FallbackRateLimiter);
    expect((await tp.fetch(search(1))).status).toBe(200);

    await redis.kill();
    const during = await Promise.all(Array.from({ length: 20 }, () => tp.fetch(search(1))));
    expect(during.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(during.every((r) => r.headers.get('ratelimit-limit') !== null)).toBe(true);
    expect((await tp.fetch(search(2))).status).toBe(200);
    expect(limiter.unreconciled()).toBeGreaterThanOrEqual(21);

    // An inventory change commits; its event waits in the outbox for the bus.
    const flightId = await someFlightId();
    const changed = await tp.platform.services.inventoryAdmin.changeAvailability(
      [{ flightId, cabin: 'economy', seatsLeft: 3 }],
      [],
    );
    expect(changed).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(pendingEvents().length).toBeGreaterThan(0);

    // The in-process limiter enforces the key's plan (one instance alive: the whole plan).
    const small = [];
    for (let i = 0; i < 6; i++)
      small.push((await fetch(`${tp.baseUrl}${search(1)}`, { headers: { 'x-api-key': smallKey } })).status);
    expect(small.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(small.slice(4)).toContain(429);

    expect(limiter.usingFallback()).toBe(true);
    await redis.start();
    await waitFor(
      async () => (await tp.fetch(search(3))).status === 200 && !limiter.usingFallback(),
      15_000,
      'the shared limiter in use again',
    );
    await waitFor(async () => limiter.unreconciled() === 0, 15_000, 'fallback counts handed to Redis');
    await waitFor(
      async () => pendingEvents().length === 0,
      15_000,
      'the outbox relayed once the bus is back',
    );
    await limiter.reconciled();
    const keyId = (await tp.platform.gateway.options.keys.list()).find((k) => k.name === 'test client')?.id;
    expect(await quotaInRedis(keyId as string)).toBeGreaterThanOrEqual(21);
  });
});
