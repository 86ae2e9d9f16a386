import type { Cache, CacheOutcome } from '../../ports/cache.js';
import { locationsCacheKey } from '../cache/search-cache-keys.js';
import type { LocationSearch, LocationView } from './location-search.js';

/** Locations matching a query, with how the cache answered (for `x-cache` and metrics). */
export interface LocationLookup {
  data: LocationView[];
  cache: CacheOutcome;
}

/** Location look-ups as transports call them: through the cache, and peeked without I/O. */
export interface CachedLocations {
  search(query: string, limit: number): Promise<LocationLookup>;
  /** The locations of a fresh hit held in process, without I/O (the cached-search front). */
  peek(query: string, limit: number): LocationView[] | undefined;
}

/** Location lookups through the cache: the answer depends only on the query and the bundled data. */
export function cachedLocations(locations: LocationSearch, cache: Cache, ttlMs: number): CachedLocations {
  return {
    peek(query, limit) {
      return cache.peek?.<LocationView[]>(locationsCacheKey(query, limit))?.entry.value;
    },
    async search(query, limit) {
      const result = await cache.getOrSet(
        locationsCacheKey(query, limit),
        async () => locations.search(query, limit),
        { ttlMs },
      );
      return { data: result.entry.value, cache: result.outcome };
    },
  };
}
