import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The real Redis the integration tests use (`.ci/run` starts it when it is down). */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test run uses. */
export const uniquePrefix = (label: string): string => `test:${label}:${randomUUID()}:`;

/** A stream key no other test run uses. */
export function uniqueStreamKey(label: string): string {
  return `test:${label}:${randomUUID()}`;
}

/** Deletes the given keys from the test Redis. */
export async function deleteKeys(...keys: string[]): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}

/** Deletes every key under `prefix` from the test Redis. */
export async function deleteKeysUnder(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  await redis.quit();
}

/**
 * Environment for API processes sharing the test Redis as cache and event bus, under a cache prefix
 * and a stream of their own; `cleanup` deletes both.
 */
export function sharedRedisEnv(label: string): { env: Record<string, string>; cleanup(): Promise<void> } {
  const cachePrefix = uniquePrefix(label).slice(0, -1);
  const streamKey = uniqueStreamKey(label);
  return {
    env: {
      CACHE: 'redis',
      EVENT_BUS: 'redis',
      REDIS_URL: redisUrl,
      CACHE_KEY_PREFIX: cachePrefix,
      EVENT_STREAM_KEY: streamKey,
    },
    async cleanup() {
      await deleteKeysUnder(cachePrefix);
      await deleteKeysUnder(streamKey);
    },
  };
}
