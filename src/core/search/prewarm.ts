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

/** A route configured as popular: IATA airport or city codes. */
export interface PopularRoute {
  origin: string;
  destination: string;
}

/** A one-way search of a route on a departure date. */
export interface RouteDate extends PopularRoute {
  departureDate: string;
}

/**
 * The route-dates of `routes` for `days` departure days from `today` (YYYY-MM-DD), nearest day
 * first and, within a day, in the order the routes were given: people ask for the next days most.
 */
export function routeDates(routes: readonly PopularRoute[], today: string, days: number): RouteDate[] {
  const first = Date.parse(`${today}T00:00:00Z`);
  const dates: RouteDate[] = [];
  for (let day = 0; day < days; day++) {
    const departureDate = new Date(first + day * 86_400_000).toISOString().slice(0, 10);
    for (const route of routes) dates.push({ ...route, departureDate });
  }
  return dates;
}

/**
 * Asks for the first page of each route-date's search, one after another, as a client would (so
 * the cache key is the one a client's request for it gets); returns how many were warmed. Like
 * prewarmPopularSearches, meant for the background after the server listens; one search at a time
 * leaves the search capacity to the requests. A route-date that fails (an unknown code, a past
 * date) is skipped.
 */
export async function prewarmRouteDates(
  search: (routeDate: RouteDate) => Promise<unknown>,
  list: readonly RouteDate[],
  shouldStop: () => boolean = () => false,
): Promise<number> {
  let warmed = 0;
  for (const routeDate of list) {
    if (shouldStop()) break;
    try {
      await search(routeDate);
      warmed += 1;
    } catch {
      // Nothing flies there, or the date is invalid: nothing to warm.
    }
  }
  return warmed;
}
