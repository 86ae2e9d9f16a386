import { distanceKm } from '../../kernel/great-circle.js';
import { toZonedIso, zonedDate, zonedToEpoch } from '../../kernel/zoned-time.js';
import type { Airport, AirportDirectory } from '../../ports/airports.js';
import type { Cache } from '../../ports/cache.js';
import type { AirlineRecord, FlightRecord, InventoryStore, RouteRecord } from '../../ports/store.js';

export interface RouteNetworkDependencies {
  store: InventoryStore;
  airports: AirportDirectory;
  cache: Cache;
  /** How long the route list read from the store is reused, ms. */
  ttlMs: number;
}

/** A destination served without a stop, scored 1–100 by the size of its airport among the answer's. */
export interface DestinationView {
  airport: Airport;
  relevance: number;
}

/** An airport near a point, with scores (0–100) of its traffic in our network and in the registry. */
export interface NearbyAirportView {
  airport: Airport;
  distanceKm: number;
  /** Routes from the airport in our inventory, relative to the busiest airport of the answer. */
  flightsScore: number;
  /** Size of the airport in the registry, relative to the largest of the answer. */
  travelersScore: number;
  /** Traffic (both scores) discounted by distance: what `sort=relevance` orders by. */
  relevance: number;
}

/** A leg of a scheduled flight with its local times (ISO 8601 with the airport's offset). */
export interface ScheduledLeg {
  flight: FlightRecord;
  departureAt: string;
  arrivalAt: string;
}

export interface DestinationFilter {
  /** ISO 3166-1 alpha-2 code of the arrival country. */
  arrivalCountryCode?: string;
  max?: number;
}

const ROUTES_KEY = 'discovery:v1:routes';
/** Longest ground time between two legs of one through flight. */
const MAX_THROUGH_STOP_MS = 24 * 3_600_000;
const DAY_MS = 86_400_000;

/**
 * What the route network of the inventory tells without a search: where an airport or an airline
 * flies direct, which served airports are near a point, and the schedule of one flight. The route
 * list is one store read, kept in the platform cache (routes change only with schedule loads).
 */
export class RouteNetwork {
  readonly #deps: RouteNetworkDependencies;

  constructor(deps: RouteNetworkDependencies) {
    this.#deps = deps;
  }

  /** Every directed route with its carriers (cached). */
  async routes(): Promise<readonly RouteRecord[]> {
    const { entry } = await this.#deps.cache.getOrSet(ROUTES_KEY, () => this.#deps.store.listRoutes(), {
      ttlMs: this.#deps.ttlMs,
    });
    return entry.value;
  }

  /** Airlines by IATA code, all of them without codes; unknown codes are left out. */
  airlines(codes?: readonly string[]): Promise<AirlineRecord[]> {
    return this.#deps.store.listAirlines(codes?.map((code) => code.toUpperCase()));
  }

  /** Airports flown to without a stop from `airportCode` (an airport, or every airport of a city). */
  async directDestinations(airportCode: string, filter: DestinationFilter = {}): Promise<DestinationView[]> {
    const origins = new Set(this.#airportsOf(airportCode).map((a) => a.iata));
    const routes = (await this.routes()).filter((r) => origins.has(r.origin));
    return this.#destinations(routes, filter);
  }

  /** Airports an airline flies to (any route it operates), from every origin. */
  async airlineDestinations(airlineCode: string, filter: DestinationFilter = {}): Promise<DestinationView[]> {
    const carrier = airlineCode.toUpperCase();
    const routes = (await this.routes()).filter((r) => r.carriers.includes(carrier));
    return this.#destinations(routes, filter);
  }

  /** Airports with flights in our inventory within `radiusKm` of a point, most relevant first. */
  async nearestAirports(latitude: number, longitude: number, radiusKm: number): Promise<NearbyAirportView[]> {
    const routesFrom = new Map<string, number>();
    for (const route of await this.routes()) {
      routesFrom.set(route.origin, (routesFrom.get(route.origin) ?? 0) + 1);
    }
    const point = { latitude, longitude };
    const near = [...routesFrom.keys()]
      .map((iata) => this.#deps.airports.byIata(iata))
      .filter((airport): airport is Airport => airport !== undefined)
      .map((airport) => ({ airport, distanceKm: distanceKm(point, airport) }))
      .filter((a) => a.distanceKm <= radiusKm);
    const mostRoutes = Math.max(1, ...near.map((a) => routesFrom.get(a.airport.iata) ?? 0));
    const largest = Math.max(1, ...near.map((a) => a.airport.size));
    return near
      .map(({ airport, distanceKm: km }) => {
        const flightsScore = Math.round((100 * (routesFrom.get(airport.iata) ?? 0)) / mostRoutes);
        const travelersScore = Math.round((100 * airport.size) / largest);
        // Halved at the edge of the circle: a big airport far away still beats a small one next door.
        const relevance = Math.round(
          ((flightsScore + travelersScore) / 2) * (1 - km / (2 * Math.max(radiusKm, 1))),
        );
        return { airport, distanceKm: Math.round(km), flightsScore, travelersScore, relevance };
      })
      .sort((a, b) => b.relevance - a.relevance || a.distanceKm - b.distanceKm);
  }

  /**
   * The flight `carrier` `flightNumber` scheduled to leave on `date` (local at its first departure
   * airport): its legs, or undefined when the schedule has no such flight. Read from the carrier's
   * routes in a window around the date, so a flight leaving late at night in a far time zone is found.
   */
  async scheduledFlight(
    carrier: string,
    flightNumber: number,
    date: string,
  ): Promise<ScheduledLeg[] | undefined> {
    const code = carrier.toUpperCase();
    const routes = (await this.routes()).filter((r) => r.carriers.includes(code));
    if (routes.length === 0) return undefined;
    const dayStart = zonedToEpoch(date, 0, 'UTC');
    // Local midnight is within ±14 h of UTC midnight; a through flight's later legs leave up to a day after.
    const queries = routes.map((r) => ({
      origin: r.origin,
      destination: r.destination,
      departFrom: dayStart - DAY_MS,
      departTo: dayStart + 2 * DAY_MS,
    }));
    const legs = (await this.#deps.store.findFlightsOnLegs(queries))
      .flat()
      .filter((f) => f.carrier === code && f.flightNumber === flightNumber)
      .sort((a, b) => a.departureUtc - b.departureUtc);
    for (const flight of chained(legs)) {
      const first = flight[0] as FlightRecord;
      if (zonedDate(first.departureUtc, this.#timeZone(first.origin)) !== date) continue;
      return flight.map((leg) => ({
        flight: leg,
        departureAt: toZonedIso(leg.departureUtc, this.#timeZone(leg.origin)),
        arrivalAt: toZonedIso(leg.arrivalUtc, this.#timeZone(leg.destination)),
      }));
    }
    return undefined;
  }

  #timeZone(iata: string): string {
    return this.#deps.airports.byIata(iata)?.timeZone ?? 'UTC';
  }

  #airportsOf(code: string): readonly Airport[] {
    const upper = code.toUpperCase();
    const airport = this.#deps.airports.byIata(upper);
    if (airport) return [airport];
    return this.#deps.airports.byCityCode(upper);
  }

  #destinations(routes: readonly RouteRecord[], filter: DestinationFilter): DestinationView[] {
    const country = filter.arrivalCountryCode?.toUpperCase();
    const seen = new Map<string, Airport>();
    for (const route of routes) {
      const airport = this.#deps.airports.byIata(route.destination);
      if (!airport || (country !== undefined && airport.countryCode !== country)) continue;
      seen.set(airport.iata, airport);
    }
    const airports = [...seen.values()].sort((a, b) => b.size - a.size || a.iata.localeCompare(b.iata));
    const largest = Math.max(1, airports[0]?.size ?? 1);
    return airports
      .slice(0, filter.max ?? airports.length)
      .map((airport) => ({ airport, relevance: Math.max(1, Math.round((100 * airport.size) / largest)) }));
  }
}

/**
 * Legs of one flight number grouped into dated flights, in departure order: a leg continues a flight
 * when it leaves, within a day, from where that flight's last leg landed (how a schedule's through
 * flight reads, whether or not the store kept its `throughFlight` marker); legs of one
 * `throughFlight` id always go together.
 */
function chained(legs: readonly FlightRecord[]): FlightRecord[][] {
  const flights: FlightRecord[][] = [];
  for (const leg of legs) {
    const continued = flights.find((flight) => {
      const last = flight[flight.length - 1] as FlightRecord;
      if (leg.throughFlight && last.throughFlight) return leg.throughFlight.id === last.throughFlight.id;
      return (
        last.destination === leg.origin &&
        leg.departureUtc >= last.arrivalUtc &&
        leg.departureUtc - last.arrivalUtc <= MAX_THROUGH_STOP_MS
      );
    });
    if (continued) continued.push(leg);
    else flights.push([leg]);
  }
  return flights;
}
