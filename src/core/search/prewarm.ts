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

/** How a prewarm runs: when to give up (the server stops) and how many searches it keeps going. */
export interface PrewarmPace {
  shouldStop?: () => boolean;
  /**
   * Whether another search may start while `inFlight` of the prewarm's are running or queued
   * (default: one at a time). Asked again each time one ends, so it can follow the load.
   */
  mayStart?: (inFlight: number) => boolean;
}

/**
 * A pace for a prewarm through a search pool that serves its queue first come first served: one
 * search in flight per thread, or as many as the clients' searches waiting if there are more. One
 * at a time, a prewarm gets a sliver of a busy pool and warms little before the clients have asked
 * (and waited for) everything themselves; matching the clients' queue gives it about half, so the
 * popular searches are back within seconds. Hits never wait for the pool; misses wait longer
 * while the prewarm runs.
 */
export function halfOfBusyPool(
  stats: () => { threads: number; queued: number },
): (inFlight: number) => boolean {
  return (inFlight) => {
    const { threads, queued } = stats();
    // At most one prewarm search per thread is running; the rest of its in-flight ones are queued.
    const clientsQueued = Math.max(0, queued - Math.max(0, inFlight - threads));
    return inFlight < Math.max(threads, clientsQueued);
  };
}

/**
 * Runs `warm` for each item, in order, as many at once as `pace` allows, until `shouldStop`; returns
 * how many succeeded. A failing item is skipped.
 */
async function warmEach<T>(
  items: readonly T[],
  warm: (item: T) => Promise<boolean>,
  pace: PrewarmPace,
): Promise<number> {
  const mayStart = pace.mayStart ?? ((inFlight: number) => inFlight < 1);
  const running = new Set<Promise<void>>();
  let warmed = 0;
  for (const item of items) {
    while (running.size > 0 && !mayStart(running.size)) await Promise.race(running);
    if (pace.shouldStop?.()) break;
    const task: Promise<void> = warm(item)
      .then(
        (ok) => {
          if (ok) warmed += 1;
        },
        // Inventory moved on (a date now past, a removed route): nothing to warm.
        () => {},
      )
      .finally(() => running.delete(task));
    running.add(task);
  }
  await Promise.all(running);
  return warmed;
}

/**
 * Runs the searches that were popular before the last stop, most popular first, so the cache holds
 * them before they are asked again; returns how many were warmed. Meant to run in the background
 * after the server listens: readiness never waits for it. A search that fails is skipped.
 */
export async function prewarmPopularSearches(
  deps: PrewarmDependencies,
  pace: PrewarmPace = {},
): Promise<number> {
  const saved = await deps.settings.getSetting(POPULAR_SEARCHES_SETTING);
  if (!saved) return 0;
  let list: { kind: string; request: unknown }[];
  try {
    list = JSON.parse(saved) as { kind: string; request: unknown }[];
  } catch {
    return 0;
  }
  return warmEach(
    Array.isArray(list) ? list : [],
    async ({ kind, request }) => {
      if (kind === 'flights')
        return warm(deps.searchResults, 'flights', deps.flights, request as FlightSearchRequest);
      if (kind === 'hotels')
        return warm(deps.searchResults, 'hotels', deps.hotels, request as HotelSearchRequest);
      return false;
    },
    pace,
  );
}

/** A route configured as popular: IATA airport or city codes; with a date, only that day's. */
export interface PopularRoute {
  origin: string;
  destination: string;
  departureDate?: string;
}

/** A one-way search of a route on a departure date. */
export interface RouteDate {
  origin: string;
  destination: string;
  departureDate: string;
}

const DAY_MS = 86_400_000;

/**
 * The route-dates of `routes`: a dated one on its date, any other on each of `days` departure days
 * from `today` (YYYY-MM-DD); nearest date first and, within a date, in the order the routes were
 * given, since people ask for the next days most. Dates before `today` are left out.
 */
export function routeDates(routes: readonly PopularRoute[], today: string, days: number): RouteDate[] {
  const first = Date.parse(`${today}T00:00:00Z`);
  const dates: RouteDate[] = [];
  for (const { origin, destination, departureDate } of routes) {
    if (departureDate !== undefined) {
      if (departureDate >= today) dates.push({ origin, destination, departureDate });
      continue;
    }
    for (let day = 0; day < days; day++) {
      dates.push({
        origin,
        destination,
        departureDate: new Date(first + day * DAY_MS).toISOString().slice(0, 10),
      });
    }
  }
  // Stable: within a date, the routes' own order.
  return dates.sort((a, b) =>
    a.departureDate < b.departureDate ? -1 : a.departureDate > b.departureDate ? 1 : 0,
  );
}

/**
 * Asks for the first page of each route-date's search, in order, as a client would (so the cache
 * key is the one a client's request for it gets); returns how many were warmed. Like
 * prewarmPopularSearches, meant for the background after the server listens. A route-date that
 * fails (an unknown code, a past date) is skipped.
 */
export function prewarmRouteDates(
  search: (routeDate: RouteDate) => Promise<unknown>,
  list: readonly RouteDate[],
  pace: PrewarmPace = {},
): Promise<number> {
  return warmEach(
    list,
    async (routeDate) => {
      await search(routeDate);
      return true;
    },
    pace,
  );
}

/** Runs a remembered search through the results, as its first request would (one offer per page: only the result matters). */
async function warm<R>(
  results: SearchResults,
  kind: string,
  searches: {
    cacheKey(request: R): string;
    search(request: R, options: { signal: AbortSignal }): Promise<SearchRun<unknown>>;
  },
  request: R,
): Promise<true> {
  await results.page({
    kind,
    key: searches.cacheKey(request),
    run: (signal) => searches.search(request, { signal }),
    limit: 1,
    request,
  });
  return true;
}
