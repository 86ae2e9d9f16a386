import type { Cache } from '../../ports/cache.js';
import type { CloudEvent } from '../../ports/events.js';
import { tagsForEvent } from './event-tags.js';
import type { RecentInvalidations } from './recent-invalidations.js';

/**
 * The work of the cache-invalidation consumer: drop every cached search the event makes stale.
 * Idempotent (invalidating twice is harmless), so redelivery is safe. Each instance runs it in its
 * own consumer group, so every instance's in-process tier drops its copy even without a shared cache
 * bus; with the Redis cache the bus also tells the others, which is redundant but never wrong.
 */
export function cacheInvalidation(
  cache: Cache,
  recent?: RecentInvalidations,
  /** Told once the entries are dropped, e.g. to recompute the popular ones in the background. */
  onInvalidated?: (tags: readonly string[]) => void,
): (event: CloudEvent) => Promise<void> {
  return async (event) => {
    const tags = tagsForEvent(event);
    if (tags.length === 0) return;
    // Noted first, so a search finishing between the two steps already sees it.
    recent?.note(tags);
    await cache.invalidateTags(tags);
    onInvalidated?.(tags);
  };
}
