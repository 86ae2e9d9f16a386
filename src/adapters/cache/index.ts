/**
 * Chooses the cache backend from configuration. The redis backend (and with it ioredis) is
 * imported only when configured, so the embedded default never loads it.
 */
import type { Config } from '../../config.js';
import type { Cache } from '../../ports/cache.js';
import { createMemoryCache } from './memory.js';
import { PassThroughCache } from './pass-through.js';

export type CacheConfig = Pick<
  Config,
  'cacheBackend' | 'redisUrl' | 'cacheMaxEntries' | 'cacheMaxBytes' | 'cacheKeyPrefix' | 'cacheLocalTier'
>;

/** The configured cache; with `redis` it resolves even when Redis is unreachable (health() is then 'degraded'). */
export async function createCache(config: CacheConfig): Promise<Cache> {
  const tier = { maxEntries: config.cacheMaxEntries, maxBytes: config.cacheMaxBytes };
  switch (config.cacheBackend) {
    case 'none':
      return new PassThroughCache();
    case 'memory':
      return createMemoryCache({ ...tier, keyPrefix: config.cacheKeyPrefix });
    case 'redis': {
      const { createRedisCache } = await import('./redis.js');
      return createRedisCache({
        ...tier,
        keyPrefix: config.cacheKeyPrefix,
        redisUrl: config.redisUrl,
        localTier: config.cacheLocalTier === 'on',
      });
    }
  }
}
