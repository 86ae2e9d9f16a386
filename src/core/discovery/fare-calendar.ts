import { addDays, daysBetween, zonedDate, zonedToEpoch } from '../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../ports/airports.js';
import type { Cache } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import type { FareFilings } from '../../ports/fare-filings.js';
import type { InventoryStore } from '../../ports/store.js';
import { fareRouteTag } from '../cache/cache-tags.js';
import type { RecentInvalidations } from '../cache/recent-invalidations.js';
import { loadFiledFares } from '../flights/filed-fares.js';
import { hasSeats, priceJourney } from '../flights/flight-pricing.js';
import { DEFAULT_CURRENCY } from '../search/request-rules.js';

/** Days ahead the calendars cover: Amadeus's own limit for these APIs. */
export const FARE_HORIZON_DAYS = 180;

/** The currency every aggregate is priced in (the searches' default). */
export const FARE_CURRENCY = DEFAULT_CURRENCY;

const ONE_ADULT = { adults: 1, children: 0, infants: 0 };

export interface FareCalendarDependencies {
  store: InventoryStore;
  /** Imported fare filings, which price `filed` flights; absent: none exist. */
  fares?: FareFilings;
  airports: AirportDirectory;
  cache: Cache;
  clock: Clock;
  /** Invalidations seen lately, so an aggregate read before a fare change is not kept as fresh. */
  recent?: RecentInvalidations;
  ttlMs: number;
  graceMs?: number;
}

/**
 * The cheapest direct economy fare of one route for one adult, per departure date local to the
 * origin airport: `fares[i]` is the date `i` days after `from`, in minor units of FARE_CURRENCY, or
 * null when no flight with a seat left departs that day.
 */
export interface RouteFares {
  from: string;
  fares: (number | null)[];
}

/**
 * Per-route fare calendars, the aggregates behind Flight Inspiration and Cheapest Date: one store
 * read per route and horizon, kept in the platform cache under the route's `fares:` tag, which every
 * price or availability event on the route invalidates.
 */
export class FareCalendar {
  readonly #deps: FareCalendarDependencies;

  constructor(deps: FareCalendarDependencies) {
    this.#deps = deps;
  }

  /** Cache options for values built from routes' calendars: same TTL, tags given by the caller. */
  cacheOptions(tags: readonly string[]): { ttlMs: number; graceMs?: number; tags: readonly string[] } {
    return { ttlMs: this.#deps.ttlMs, ...(this.#deps.graceMs ? { graceMs: this.#deps.graceMs } : {}), tags };
  }

  /**
   * Runs `compute`, and once more when one of `tags` was invalidated while it ran: what it read may
   * predate the change, and the cache would otherwise keep it as fresh until its TTL.
   */
  async consistent<T>(tags: readonly string[], compute: () => Promise<T>): Promise<T> {
    const startedAt = this.#deps.clock.now();
    const value = await compute();
    return this.#deps.recent?.anySince(tags, startedAt) ? compute() : value;
  }

  /** The fare calendar of the direct route `origin` → `destination` (airports), from today on. */
  async route(origin: string, destination: string): Promise<RouteFares> {
    const timeZone = this.#deps.airports.byIata(origin)?.timeZone ?? 'UTC';
    const today = zonedDate(this.#deps.clock.now(), timeZone);
    const tag = fareRouteTag(origin, destination);
    const { entry } = await this.#deps.cache.getOrSet(
      `fare-calendar:v1:${origin}-${destination}:${today}`,
      () => this.consistent([tag], () => this.#read(origin, destination, today, timeZone)),
      this.cacheOptions([tag]),
    );
    return entry.value;
  }

  async #read(origin: string, destination: string, today: string, timeZone: string): Promise<RouteFares> {
    const now = this.#deps.clock.now();
    const flights = await this.#deps.store.findFlights({
      origin,
      destination,
      departFrom: zonedToEpoch(today, 0, timeZone),
      departTo: zonedToEpoch(addDays(today, FARE_HORIZON_DAYS + 1), 0, timeZone),
    });
    const { fares: filings, airports, clock } = this.#deps;
    const filed = await loadFiledFares(
      { ...(filings ? { fares: filings } : {}), airports, clock },
      flights.map((flight) => [flight]),
    );
    const fares: (number | null)[] = new Array(FARE_HORIZON_DAYS + 1).fill(null);
    for (const flight of flights) {
      if (flight.departureUtc <= now || !hasSeats(flight, 'economy', ONE_ADULT)) continue;
      const day = daysBetween(today, zonedDate(flight.departureUtc, timeZone));
      if (day < 0 || day > FARE_HORIZON_DAYS) continue;
      // A `filed` flight no applicable fare covers is not offered, so it has no price here either.
      const total = priceJourney(
        [[flight]],
        { cabin: 'economy', ...ONE_ADULT, currency: FARE_CURRENCY },
        filed,
      )?.totalMinor;
      if (total === undefined) continue;
      const known = fares[day];
      if (known === null || known === undefined || total < known) fares[day] = total;
    }
    return { from: today, fares };
  }
}
