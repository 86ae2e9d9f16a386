import { availableParallelism } from 'node:os';
import type { RecentInvalidations } from '../core/cache/recent-invalidations.js';
import { createDiscovery, type Discovery } from '../core/discovery/discovery.js';
import { FlightSearch } from '../core/flights/flight-search.js';
import { MultiCitySearch } from '../core/flights/multi-city-search.js';
import type { DayWindowTimetable } from '../core/flights/timetable/day-window-timetable.js';
import { HotelSearch } from '../core/hotels/hotel-search.js';
import { type CachedLocations, cachedLocations } from '../core/locations/cached-locations.js';
import { LocationSearch } from '../core/locations/location-search.js';
import { PriceConfirmation } from '../core/offers/price-confirmation.js';
import { SearchResults } from '../core/search/search-results.js';
import { searchWorkLimits } from '../core/search/work-budget.js';
import { SupplierFlightSearch } from '../core/suppliers/supplier-flight-search.js';
import { SupplierOffers } from '../core/suppliers/supplier-offers.js';
import type { SearchPool } from '../search-threads/pool.js';
import { PooledFlightSearch, PooledHotelSearch } from '../search-threads/pooled-searches.js';
import { startSearchPool } from '../search-threads/start.js';
import type { Caches } from './cache.js';
import type { LifecyclePart } from './lifecycle.js';
import type { Wiring } from './ports.js';
import { createSupplierComponents, type SupplierComponents } from './suppliers.js';
import type { TimetableComponents } from './timetable.js';

/**
 * Search threads per process for SEARCH_THREADS. `auto`: the cores shared among `workers` worker
 * processes, less one for each process's event loop, at least one thread (2 cores, one process: 1;
 * 8 cores, one process as a large index requires: 7; one worker per core: 1 each). Why the event
 * loop keeps a core: at 3,000 airports × 30 days on 2 cores a second thread in the one process
 * raised neither throughput nor latency consistently and cost about a quarter more CPU per search,
 * as the event loop's own work per miss (reading the answer, snapshot id, pages) had become about
 * as large as the thread's (BENCHMARKS.md, issue 20, "Search speed and throughput").
 */
export function searchThreadCount(configured: number | 'auto', workers: number): number {
  return configured === 'auto' ? Math.max(1, Math.floor(availableParallelism() / workers) - 1) : configured;
}

/**
 * Threads running origin searches off the event loop, or undefined. They open the SQLite file
 * read-only beside this process's connection; other backends (and a platform on an injected clock,
 * which threads would not share) search on the event loop.
 */
export async function startSearchThreads(w: Wiring): Promise<SearchPool | undefined> {
  const { config } = w;
  if (w.injectedClock || config.storeBackend !== 'sqlite') return undefined;
  return startSearchPool(
    {
      sqliteFile: config.sqliteFile,
      signingSecret: w.secret,
      offerTtlMs: config.offerTtlSeconds * 1000,
      maxResults: config.maxSearchResults,
      workLimits: searchWorkLimits(config.requestTimeoutMs),
      niceness: config.searchThreadNiceness,
    },
    searchThreadCount(config.searchThreads, 1),
    (message, error) => w.log.warn({ err: error }, message),
  );
}

/** Cached search results and the snapshots pages are cut from, with their TTLs from configuration. */
export function createSearchResults(
  w: Wiring,
  deps: { caches: Caches; recent: RecentInvalidations },
): SearchResults {
  const { config } = w;
  return new SearchResults({
    cache: deps.caches.cache,
    snapshots: deps.caches.snapshots,
    signer: w.signer,
    clock: w.clock,
    ttlMs: (kind) =>
      (kind === 'hotels' ? config.cacheTtlHotelSearchSeconds : config.cacheTtlFlightSearchSeconds) * 1000,
    graceMs: config.cacheGraceSeconds * 1000,
    snapshotTtlMs: config.searchSnapshotTtlSeconds * 1000,
    recentInvalidations: deps.recent,
    ...(config.cacheWarmMinRequests > 0
      ? { warmth: { minRequests: config.cacheWarmMinRequests, windowMs: 60_000, refreshBeforeExpiry: 0.2 } }
      : {}),
    onBackgroundError: (error) => w.log.warn({ err: error }, 'background search recomputation failed'),
  });
}

/** The search use cases, over the configured suppliers, threads and index. */
export interface Searches {
  flights: SupplierFlightSearch;
  /** Multi-city and open-jaw journeys, combined from the one-way searches of `flights`. */
  journeys: MultiCitySearch;
  hotels: HotelSearch;
  locations: CachedLocations;
  discovery: Discovery;
  /** Re-pricing of an offer before it is booked. */
  offers: PriceConfirmation;
  supplierOffers: SupplierOffers;
  suppliers: SupplierComponents;
  /** Waits, at close, for the background recomputations still reading the store and caches. */
  settling: LifecyclePart;
}

export function createSearches(
  w: Wiring,
  deps: {
    caches: Caches;
    results: SearchResults;
    recent: RecentInvalidations;
    pool: SearchPool | undefined;
    timetable: TimetableComponents | undefined;
    /** The days-only index (SEARCH_INDEX=days), read when there is no whole index. */
    timetableDays: DayWindowTimetable | undefined;
  },
): Searches {
  const { config, clock, signer, airports, store } = w;
  const { caches, results, pool, timetable, timetableDays } = deps;
  const { cache } = caches;
  const shared = {
    store,
    fares: w.backend.fares,
    airports,
    clock,
    signer,
    offerTtlMs: config.offerTtlSeconds * 1000,
    maxResults: config.maxSearchResults,
    workLimits: searchWorkLimits(config.requestTimeoutMs),
  };
  const index = timetable?.timetable ?? timetableDays;
  const searchDeps = { ...shared, results, ...(index ? { timetable: index } : {}) };
  if (timetable) pool?.onTimetableStale(() => timetable.timetable.rebuildSoon());
  const engine = pool ? new PooledFlightSearch(searchDeps, pool) : new FlightSearch(searchDeps);
  const suppliers = createSupplierComponents(config, engine);
  const supplierOffers = new SupplierOffers({
    suppliers: suppliers.suppliers,
    signer,
    clock,
    callTimeoutMs: config.supplierTimeoutMs * (config.supplierRetries + 1),
  });
  const flights = new SupplierFlightSearch({
    suppliers: suppliers.suppliers,
    results,
    cache,
    signer,
    clock,
    cacheKey: (request) => engine.cacheKey(request),
    deadlineMs: config.supplierDeadlineMs,
    maxResults: config.maxSearchResults,
    ttlMs: config.cacheTtlFlightSearchSeconds * 1000,
    graceMs: config.cacheGraceSeconds * 1000,
  });
  return {
    flights,
    journeys: new MultiCitySearch({ ...shared, flights }),
    hotels: pool ? new PooledHotelSearch(searchDeps, pool) : new HotelSearch(searchDeps),
    locations: cachedLocations(new LocationSearch(airports), cache, config.cacheTtlLocationsSeconds * 1000),
    discovery: createDiscovery({
      store,
      fares: w.backend.fares,
      airports,
      cache,
      clock,
      recent: deps.recent,
      ttlMs: config.cacheTtlFlightSearchSeconds * 1000,
      graceMs: config.cacheGraceSeconds * 1000,
      search: async (query) => (await flights.page(query, config.maxSearchResults)).data,
    }),
    offers: new PriceConfirmation({ ...shared, suppliers: supplierOffers }),
    supplierOffers,
    suppliers,
    settling: { close: () => results.settled() },
  };
}
