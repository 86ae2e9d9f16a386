/**
 * The embedded backend: one bounded in-process tier (see local-tier.ts) under bentocache, which
 * brings grace periods and per-key locking; tags are indexed by tag-index.ts. Nothing leaves the process.
 */
import { BentoCache, bentostore } from 'bentocache';
import type { Cache } from '../../ports/cache.js';
import { BentoCacheAdapter } from './bento-cache.js';
import { createLocalTier, type LocalTierOptions } from './local-tier.js';
import { LocalTagIndex } from './tag-index.js';

export interface MemoryCacheOptions extends LocalTierOptions {
  /** Namespace of the keys; lets several caches share a process without seeing each other's entries. */
  keyPrefix: string;
}

/** An empty in-process cache. Its `health()` is always 'ok'. */
export function createMemoryCache(options: MemoryCacheOptions): Cache {
  const tags = new LocalTagIndex();
  const local = createLocalTier({
    ...options,
    onDrop: (key) => tags.forget(key),
    bytesBeside: (key) => tags.bytesOf(key),
  });
  const bento = new BentoCache({
    default: 'cache',
    prefix: options.keyPrefix,
    stores: { cache: bentostore().useL1Layer(local.driver) },
  });
  return new BentoCacheAdapter({
    bento,
    tags,
    stats: local.stats,
    shrink: local.shrink,
    health: async () => 'ok',
    close: async () => local.close(),
  });
}
