import { halfOfBusyPool } from '../core/search/prewarm.js';
import { PrewarmSchedule } from '../core/search/prewarm-schedule.js';
import type { SearchResults } from '../core/search/search-results.js';
import { PROCESSED_EVENT_RETENTION_MS } from '../ports/processed-events.js';
import type { SearchPool } from '../search-threads/pool.js';
import type { LifecyclePart } from './lifecycle.js';
import type { Wiring } from './ports.js';
import type { Searches } from './search.js';

const PRUNE_PROCESSED_EVERY_MS = 3_600_000;

/**
 * Hourly, while started: forgets processed-event marks past their retention (the scheduled Lambda
 * housekeeping does the same where no timer runs).
 */
export function pruneProcessedEvents({ backend, clock, log }: Wiring): LifecyclePart {
  const processed = backend.processedEvents;
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      timer = setInterval(() => {
        processed.prune(clock.now() - PROCESSED_EVENT_RETENTION_MS).catch((error: unknown) => {
          log.warn({ err: error }, 'pruning processed events failed');
        });
      }, PRUNE_PROCESSED_EVERY_MS);
      timer.unref();
    },
    close() {
      clearInterval(timer);
    },
  };
}

/** Popular searches and configured route-dates warmed after start, remembered until stop. */
export function prewarm(
  w: Wiring,
  deps: { searches: Searches; results: SearchResults; pool: SearchPool | undefined },
): LifecyclePart {
  const { config, log } = w;
  const { searches, pool } = deps;
  const schedule = new PrewarmSchedule({
    searches: {
      searchResults: deps.results,
      flights: searches.flights,
      hotels: searches.hotels,
      settings: w.store,
    },
    searchFlights: (query, limit) => searches.flights.page(query, limit),
    clock: w.clock,
    popular: config.prewarmSearches,
    routes: config.prewarmRoutes,
    routeDays: config.prewarmRouteDays,
    mayStart: pool ? halfOfBusyPool(() => pool.stats()) : undefined,
    onWarmed: (what, warmed, of) =>
      log.info({ warmed, ...(of === undefined ? {} : { of }) }, `prewarmed ${what}`),
    onError: (error, what) => log.warn({ err: error }, `${what} failed`),
  });
  return { start: () => schedule.start(), close: () => schedule.stop() };
}
