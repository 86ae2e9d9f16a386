/**
 * What the cache-invalidation function is made of: the cache, the work for one event, and the marks
 * that make redelivery harmless — no gateway, no search engine, nothing written at cold start (see
 * relay-parts.ts).
 */
import { createCache } from '../adapters/cache/index.js';
import type { Config } from '../config.js';
import { cacheInvalidation } from '../core/cache/cache-invalidation.js';
import type { CloudEvent } from '../ports/events.js';
import type { ProcessedEvents } from '../ports/processed-events.js';
import { lambdaConfig, openLambdaStore } from './lambda-config.js';
import { perSandbox } from './per-sandbox.js';

export interface InvalidationParts {
  config: Config;
  invalidate: (event: CloudEvent) => Promise<void>;
  processed: ProcessedEvents;
}

const parts = perSandbox(
  async () => {
    const config = await lambdaConfig();
    const backend = await openLambdaStore(config);
    const cache = await createCache(config);
    // No recent-invalidations window and no recomputation: this sandbox serves no searches.
    const invalidate = cacheInvalidation(cache);
    return { config, backend, cache, invalidate };
  },
  async ({ backend, cache }) => {
    await cache.close();
    await backend.close();
  },
);

/** This sandbox's invalidation parts, built on the first invocation. */
export async function invalidationParts(): Promise<InvalidationParts> {
  const { config, backend, invalidate } = await parts.get();
  return { config, invalidate, processed: backend.processedEvents };
}

/** Closes them (tests). */
export const closeInvalidationParts = parts.close;
