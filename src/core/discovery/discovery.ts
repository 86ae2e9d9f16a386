import type { AirportDirectory } from '../../ports/airports.js';
import type { Cache } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import type { FareFilings } from '../../ports/fare-filings.js';
import type { InventoryStore } from '../../ports/store.js';
import type { RecentInvalidations } from '../cache/recent-invalidations.js';
import { CheapestFares } from './cheapest-fares.js';
import { FareCalendar } from './fare-calendar.js';
import { FlightAvailability, type FlightAvailabilityDependencies } from './flight-availability.js';
import { HotelDirectory } from './hotel-directory.js';
import { RouteNetwork } from './route-network.js';

/** What the discovery APIs (inspiration, cheapest dates, routes, seats, hotel look-ups) ask the inventory. */
export interface Discovery {
  network: RouteNetwork;
  hotels: HotelDirectory;
  fares: CheapestFares;
  availability: FlightAvailability;
}

export interface DiscoveryDependencies {
  store: InventoryStore;
  /** Imported fare filings, which price `filed` flights; absent: none exist. */
  fares?: FareFilings;
  airports: AirportDirectory;
  cache: Cache;
  clock: Clock;
  recent?: RecentInvalidations;
  /** Freshness of the aggregates and indexes, ms (the flight search TTL: they answer as fresh as it). */
  ttlMs: number;
  graceMs?: number;
  search: FlightAvailabilityDependencies['search'];
}

/** The discovery use cases over one store and cache. */
export function createDiscovery(deps: DiscoveryDependencies): Discovery {
  const { store, airports, cache, clock, ttlMs } = deps;
  const network = new RouteNetwork({ store, airports, cache, ttlMs });
  const calendar = new FareCalendar({
    store,
    airports,
    cache,
    clock,
    ttlMs,
    ...(deps.fares ? { fares: deps.fares } : {}),
    ...(deps.recent ? { recent: deps.recent } : {}),
    ...(deps.graceMs ? { graceMs: deps.graceMs } : {}),
  });
  return {
    network,
    hotels: new HotelDirectory({ store, airports, cache, network, ttlMs }),
    fares: new CheapestFares({ airports, cache, clock, network, calendar }),
    availability: new FlightAvailability({ store, search: deps.search }),
  };
}
