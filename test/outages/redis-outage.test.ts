import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisServer, randomPort, waitFor } from '../helpers/redis-server.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/** The API with the redis cache on a Redis this test starts, stops and restarts itself. */
const redis = new RedisServer(randomPort());
let tp: TestPlatform;

beforeAll(async () => {
  await redis.start();
  tp = await startTestPlatform({ airports: 20, days: 4, env: { CACHE: 'redis', REDIS_URL: redis.url } });
});
afterAll(async () => {
  await tp?.close();
  await redis.kill();
});

const cacheHealth = async (): Promise<string | undefined> => {
  const response = await fetch(`${tp.baseUrl}/health/ready`);
  return ((await response.json()) as { checks: Record<string, string> }).checks.cache;
};

describe('when Redis goes down under the API', () => {
  it('keeps answering searches, reports the cache degraded, and recovers by itself when Redis is back', async () => {
    const path = (day: number) =>
      `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${tp.date(day)}`;
    expect((await tp.fetch(path(1))).status).toBe(200);
    expect(await cacheHealth()).toBe('ok');

    await redis.kill();
    const cached = await tp.fetch(path(1));
    expect(cached.status).toBe(200);
    expect(cached.headers.get('x-cache')).toBe('HIT');
    const uncached = await tp.fetch(path(2));
    expect(uncached.status).toBe(200);
    await waitFor(async () => (await cacheHealth()) === 'degraded', 10_000, 'cache reported degraded');
    const ready = await fetch(`${tp.baseUrl}/health/ready`);
    expect(ready.status).toBe(200);

    await redis.start();
    await waitFor(async () => (await cacheHealth()) === 'ok', 20_000, 'cache reported ok again');
    expect((await tp.fetch(path(3))).status).toBe(200);
  });
});
