import type { FlightSearchRequest } from '../flights/flight-search-request.js';
import type { HotelSearchRequest } from '../hotels/hotel-search.js';
import type { SearchOptions } from './search-dependencies.js';
import type { SearchResults, SearchRun } from './search-results.js';

/** Where the popular searches of the last run are kept between restarts. */
const POPULAR_SEARCHES_SETTING = 'popular-searches';

export interface PrewarmDependencies {
  searchResults: SearchResults;
  flights: {
    cacheKey(request: FlightSearchRequest): string;
    search(request: FlightSearchRequest, options?: SearchOptions): Promise<SearchRun<unknown>>;
  };
  hotels: {
    cacheKey(request: HotelSearchRequest): string;
    search(request: HotelSearchRequest, options?: SearchOptions): Promise<SearchRun<unknown>>;
  };
  settings: {
    getSetting(name: string): Promise<string | undefined>;
    setSetting(name: string, value: string): Promise<void>;
  };
}

/** Writes the `count` most popular searches seen lately, for the next start to prewarm. */
export async function rememberPopularSearches(deps: PrewarmDependencies, count: number): Promise<void> {
  const popular = deps.searchResults.popularRequests(count);
  if (popular.length > 0) await deps.settings.setSetting(POPULAR_SEARCHES_SETTING, JSON.stringify(popular));
}

/**
 * Runs the searches that were popular before the last stop, one after another, so the cache holds
 * them before they are asked again; returns how many were warmed. Meant to run in the background
 * after the server listens: readiness never waits for it. A search that fails is skipped.
 */
export async function prewarmPopularSearches(
  deps: PrewarmDependencies,
  shouldStop: () => boolean = () => false,
): Promise<number> {
  const saved = await deps.settings.getSetting(POPULAR_SEARCHES_SETTING);
  if (!saved) return 0;
  let list: { kind: string; request: unknown }[];
  try {
    list = JSON.parse(saved) as { kind: string; request: unknown }[];
  } catch {
    return 0;
  }
  let warmed = 0;
  for (const { kind, request } of Array.isArray(list) ? list : []) {
    if (shouldStop()) break;
    try {
      if (kind === 'flights') {
        const search = request as FlightSearchRequest;
        await deps.searchResults.page(
          'flights',
          deps.flights.cacheKey(search),
          (signal) => deps.flights.search(search, { signal }),
          1,
          undefined,
          undefined,
          search,
        );
      } else if (kind === 'hotels') {
        const search = request as HotelSearchRequest;
        await deps.searchResults.page(
          'hotels',
          deps.hotels.cacheKey(search),
          (signal) => deps.hotels.search(search, { signal }),
          1,
          undefined,
          undefined,
          search,
        );
      } else continue;
      warmed += 1;
    } catch {
      // Inventory moved on (a date now past, a removed route): nothing to warm.
    }
  }
  return warmed;
}
