import type { Clock } from '../../ports/clock.js';
import type { RateLimiter } from '../../ports/rate-limiter.js';

export interface RateLimiterSettings {
  backend: 'memory' | 'redis';
  redisUrl: string;
  /** Prefix of Redis keys (redis backend only). */
  keyPrefix?: string;
  clock?: Clock;
}

/** The configured limiter; the Redis client library is loaded only when Redis is chosen. */
export async function createRateLimiter(settings: RateLimiterSettings): Promise<RateLimiter> {
  if (settings.backend === 'redis') {
    const { RedisRateLimiter } = await import('./redis.js');
    return new RedisRateLimiter({
      url: settings.redisUrl,
      keyPrefix: settings.keyPrefix,
      clock: settings.clock,
    });
  }
  const { MemoryRateLimiter } = await import('./memory.js');
  return new MemoryRateLimiter({ clock: settings.clock });
}
