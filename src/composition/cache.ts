import { createMemoryCache } from '../adapters/cache/memory.js';
import { cacheInvalidation } from '../core/cache/cache-invalidation.js';
import { InvalidationAtCommit } from '../core/cache/invalidation-at-commit.js';
import type { RecentInvalidations } from '../core/cache/recent-invalidations.js';
import { idempotentConsumer } from '../core/events/idempotent-consumer.js';
import type { LiveTimetable } from '../core/flights/timetable/live-timetable.js';
import { timetableFirst } from '../core/flights/timetable/timetable-events.js';
import type { SearchResults } from '../core/search/search-results.js';
import type { Cache } from '../ports/cache.js';
import type { CloudEvent, Subscription } from '../ports/events.js';
import type { LifecyclePart } from './lifecycle.js';
import type { Wiring } from './ports.js';

/** The result cache and where search snapshots (the pages behind a cursor) are kept. */
export interface Caches extends LifecyclePart {
  cache: Cache;
  /** The cache itself, or with CACHE=none a memory cache of its own: paging needs snapshots anyway. */
  snapshots: Cache;
  close(): Promise<void>;
}

export function withSnapshots({ config, cache }: Wiring): Caches {
  const snapshots =
    config.cacheBackend === 'none'
      ? createMemoryCache({
          maxEntries: config.cacheMaxEntries,
          maxBytes: config.cacheMaxBytes,
          keyPrefix: 'snapshots',
        })
      : cache;
  return {
    cache,
    snapshots,
    async close() {
      if (snapshots !== cache) await snapshots.close();
      await cache.close();
    },
  };
}

/**
 * What the server gives back while the live heap is over its bound (hardening.ts): what it can
 * rebuild — half of the cache's budget and the prepared pages — then a collection measures again.
 */
export function relieveMemory(caches: Caches, searchResults: SearchResults): () => void {
  return () => {
    caches.cache.shrink?.(0.5);
    if (caches.snapshots !== caches.cache) caches.snapshots.shrink?.(0.5);
    searchResults.release();
  };
}

export interface CacheInvalidation extends LifecyclePart {
  /** The work of cache invalidation for one event (the index first, then the cached searches). */
  invalidate(event: CloudEvent): Promise<void>;
  /** For use cases, after their change committed (CACHE_INVALIDATION=events); undefined otherwise. */
  afterCommit: ((events: readonly CloudEvent[]) => Promise<void>) | undefined;
}

/**
 * Cache invalidation of this instance: its own changes drop their cached searches at commit, and its
 * consumer group (`group`) hears everyone's events from the bus once started.
 */
export function createCacheInvalidation(
  w: Wiring,
  deps: {
    recent: RecentInvalidations;
    searchResults: SearchResults;
    timetable: LiveTimetable | undefined;
    group: string;
  },
): CacheInvalidation {
  const { config, log, backend } = w;
  const { timetable, group } = deps;
  const dropCached = cacheInvalidation(w.cache, deps.recent, (tags) =>
    deps.searchResults.recomputeInvalidated(tags),
  );
  // The index takes an event in before the cached searches it affects are dropped and recomputed.
  const invalidate = timetable ? timetableFirst(timetable, dropCached) : dropCached;
  // This instance's own changes drop their cached searches at commit; their events reach the rest.
  const atCommit =
    config.cacheInvalidation === 'events'
      ? new InvalidationAtCommit(invalidate, (error, event) =>
          log.warn(
            { err: error, eventId: event.id },
            'cache invalidation at commit failed; the event retries it',
          ),
        )
      : undefined;
  let subscription: Subscription | undefined;
  return {
    invalidate,
    afterCommit: atCommit?.committed,
    async start() {
      if (config.cacheInvalidation !== 'events') return;
      subscription = await w.bus.subscribe(
        group,
        idempotentConsumer({
          name: group,
          handle: atCommit?.delivered ?? invalidate,
          // Dropping entries twice is harmless; a store read before each would delay every one.
          repeatable: true,
          processed: backend.processedEvents,
          deadLetters: backend.deadLetters,
          maxAttempts: config.eventMaxAttempts,
          retryBaseMs: config.eventRetryBaseMs,
          onRetry: (event, attempt, error) =>
            log.warn({ err: error, eventId: event.id, attempt }, 'cache invalidation failed; retrying'),
          onParked: (letter) => log.error({ deadLetter: letter.id }, 'cache invalidation parked an event'),
        }),
      );
    },
    async close() {
      await subscription?.close();
    },
  };
}
