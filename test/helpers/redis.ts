import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the integration tests use (a real server; `.ci/run` starts it). */
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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
