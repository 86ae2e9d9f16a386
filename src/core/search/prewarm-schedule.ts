import type { Clock } from '../../ports/clock.js';
import {
  type PopularRoute,
  type PrewarmDependencies,
  prewarmPopularSearches,
  prewarmRouteDates,
  rememberPopularSearches,
  routeDates,
} from './prewarm.js';
import { type FlightSearchQuery, flightSearchQuery } from './request-rules.js';

/** How often the popular searches are written down while the server runs. */
const REMEMBER_EVERY_MS = 60_000;

export interface PrewarmScheduleOptions {
  searches: PrewarmDependencies;
  /** One page of a flight search as a client's request asks it (the route-dates are searched so). */
  searchFlights(query: FlightSearchQuery, limit: number): Promise<unknown>;
  clock: Clock;
  /** How many popular searches are remembered and warmed (PREWARM_SEARCHES); 0 for none. */
  popular: number;
  /** Routes warmed on each of `routeDays` days from today (PREWARM_ROUTES). */
  routes: readonly PopularRoute[];
  routeDays: number;
  /** Whether another prewarm search may start (default: one at a time). */
  mayStart?: ((inFlight: number) => boolean) | undefined;
  /** Progress and failures, for the log. */
  onWarmed(what: 'popular searches' | 'configured route-dates', warmed: number, of?: number): void;
  onError(error: unknown, what: 'prewarming' | 'remembering popular searches'): void;
}

/**
 * Popular searches survive a restart: remembered every minute and at stop, warmed in the background
 * after start, together with the configured route-dates. Stopping ends a running prewarm early.
 */
export class PrewarmSchedule {
  readonly #o: PrewarmScheduleOptions;
  #stopping = false;
  #rememberTimer: ReturnType<typeof setInterval> | undefined;

  constructor(options: PrewarmScheduleOptions) {
    this.#o = options;
  }

  /** Starts warming in the background and, with popular searches on, remembering them. */
  start(): void {
    void this.#prewarm().catch((error: unknown) => this.#o.onError(error, 'prewarming'));
    if (this.#o.popular === 0) return;
    this.#rememberTimer = setInterval(() => void this.#remember(), REMEMBER_EVERY_MS);
    this.#rememberTimer.unref();
  }

  /** Stops a running prewarm and writes the popular searches down one last time. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#rememberTimer === undefined) return;
    clearInterval(this.#rememberTimer);
    await this.#remember();
  }

  #remember(): Promise<void> {
    return rememberPopularSearches(this.#o.searches, this.#o.popular).catch((error: unknown) =>
      this.#o.onError(error, 'remembering popular searches'),
    );
  }

  async #prewarm(): Promise<void> {
    const o = this.#o;
    const pace = { shouldStop: () => this.#stopping, mayStart: o.mayStart };
    if (o.popular > 0) {
      const warmed = await prewarmPopularSearches(o.searches, pace);
      if (warmed > 0) o.onWarmed('popular searches', warmed);
    }
    if (o.routes.length > 0) {
      const today = new Date(o.clock.now()).toISOString().slice(0, 10);
      const list = routeDates(o.routes, today, o.routeDays);
      // Searched as a client's bare request for the route-date would be, defaults included, so
      // it lands on the cache key that request reads.
      const warmed = await prewarmRouteDates(
        (routeDate) => o.searchFlights(flightSearchQuery(routeDate), 1),
        list,
        pace,
      );
      o.onWarmed('configured route-dates', warmed, list.length);
    }
  }
}
