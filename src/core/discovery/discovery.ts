import { CheapestFares } from './cheapest-fares.js';
import { FareCalendar, type FareCalendarDependencies } from './fare-calendar.js';
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

/**
 * The fare calendar's dependencies (its `ttlMs`: the freshness of the aggregates and indexes, the
 * flight search TTL, so they answer as fresh as it) plus the flight search.
 */
export interface DiscoveryDependencies extends FareCalendarDependencies {
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
