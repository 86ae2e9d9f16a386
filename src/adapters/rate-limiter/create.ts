import type { Clock } from '../../ports/clock.js';
import type { RateLimiter } from '../../ports/rate-limiter.js';

export interface RateLimiterSettings {
  backend: 'memory' | 'redis';
  redisUrl: string;
  /** Prefix of Redis keys (redis backend only). */
  keyPrefix?: string;
  clock?: Clock;
  /** Told when Redis goes away (the in-process limiter stands in) and comes back (redis backend only). */
  onStateChange?: (state: 'open' | 'closed') => void;
}

/** The configured limiter; the Redis client library is loaded only when Redis is chosen. */
export async function createRateLimiter(settings: RateLimiterSettings): Promise<RateLimiter> {
  const { MemoryRateLimiter } = await import('./memory.js');
  if (settings.backend === 'redis') {
    const { RedisRateLimiter } = await import('./redis.js');
    const { FallbackRateLimiter } = await import('./with-fallback.js');
    return new FallbackRateLimiter({
      shared: new RedisRateLimiter({
        url: settings.redisUrl,
        keyPrefix: settings.keyPrefix,
        clock: settings.clock,
      }),
      local: new MemoryRateLimiter({ clock: settings.clock }),
      onStateChange: settings.onStateChange,
    });
  }
  return new MemoryRateLimiter({ clock: settings.clock });
}
