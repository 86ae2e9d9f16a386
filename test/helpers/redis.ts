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
