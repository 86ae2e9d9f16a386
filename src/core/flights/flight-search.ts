import type { Airport } from '../../ports/airports.js';
import type { FlightRecord } from '../../ports/store.js';
import { flightRouteTag, utcDatesBetween } from '../cache/cache-tags.js';
import { flightSearchCacheKey, singleAirportCity } from '../cache/search-cache-keys.js';
import { invalidField } from '../errors.js';
import { distanceKm } from '../geo/great-circle.js';
import type { FlightOfferReference } from '../offers/offer-reference.js';
import { type FlightSearchQuery, toFlightSearchRequest } from '../search/request-rules.js';
import type { SearchDependencies } from '../search/search-dependencies.js';
import type { SearchPage, SearchResults, SearchRun } from '../search/search-results.js';
import { addDays, toUtcIso, zonedDate, zonedToEpoch } from '../time/zoned-time.js';
import { buildConnections } from './connection-builder.js';
import {
  MAX_LAYOVER_MINUTES,
  maxJourneyMinutes,
  maxPathKm,
  minimumConnectionMinutes,
} from './connection-rules.js';
import { type FlightOfferView, itineraryView } from './flight-offer-view.js';
import { hasSeats, priceJourney } from './flight-pricing.js';
import type { FlightSearchRequest } from './flight-search-request.js';
import { RouteGraph } from './route-graph.js';

export interface FlightSearchDependencies extends SearchDependencies {
  /** The result cache and snapshots that pages are cut from. */
  results: SearchResults;
  /** How long the route network read from the store is reused, ms. */
  routeGraphTtlMs?: number;
}

/** Most itineraries built per airport path and direction; keeps 2-stop searches bounded. */
const ITINERARIES_PER_PATH = 60;
/** Itineraries of each direction combined into round trips. */
const ROUND_TRIP_CANDIDATES = 30;
/** Most airport paths explored per direction. */
const MAX_PATHS = 80;

interface PricedJourney {
  itineraries: FlightRecord[][];
  total: number;
  durationMs: number;
  departureUtc: number;
}

/**
 * Flight search over the inventory store: direct and connecting itineraries (minimum connection
 * times, no detours), one-way or round trip, filtered, sorted and priced in the asked currency.
 */
export class FlightSearch {
  readonly #deps: FlightSearchDependencies;
  #graph: { graph: RouteGraph; loadedAt: number } | undefined;
  /** Great-circle distances between airports, computed once per pair. */
  readonly #distances = new Map<string, number>();

  constructor(deps: FlightSearchDependencies) {
    this.#deps = deps;
  }

  /**
   * One page of offers for a query: the domain rules checked, the result from the cache or a fresh
   * search, the page cut from its snapshot. Every transport (v1, compatibility routes) calls this.
   */
  async page(query: FlightSearchQuery, limit: number, cursor?: string): Promise<SearchPage<FlightOfferView>> {
    const request = toFlightSearchRequest(query);
    return this.#deps.results.page(
      'flights',
      this.cacheKey(request),
      () => this.search(request),
      limit,
      cursor,
    );
  }

  /** Airports a code stands for: a city's airports or the airport itself; throws a field error when unknown. */
  resolveAirports(code: string, field: string): readonly Airport[] {
    const airports = this.#deps.airports.byCityCode(code);
    if (airports.length > 0) return airports;
    const airport = this.#deps.airports.byIata(code);
    if (airport) return [airport];
    throw invalidField(field, `unknown airport or city code "${code}"`);
  }

  /** The cache key of a request: equivalent requests (a one-airport city and its airport) share it. */
  cacheKey(request: FlightSearchRequest): string {
    return flightSearchCacheKey(
      { ...request },
      singleAirportCity((code) => this.#deps.airports.byCityCode(code)),
    );
  }

  /** Every offer matching the request, sorted, at most `maxResults`, with the tags of the flights it read. */
  async search(request: FlightSearchRequest): Promise<SearchRun<FlightOfferView>> {
    const origins = this.resolveAirports(request.origin, 'query.origin');
    const destinations = this.resolveAirports(request.destination, 'query.destination');
    if (origins.some((o) => destinations.some((d) => d.iata === o.iata))) {
      throw invalidField('query.destination', 'destination must differ from origin');
    }
    this.#checkDate(request.departureDate, origins, 'query.departureDate');
    if (request.returnDate) this.#checkDate(request.returnDate, destinations, 'query.returnDate');
    const tags = new Set<string>();
    const outbound = await this.#itineraries(origins, destinations, request.departureDate, request, tags);
    let journeys: PricedJourney[];
    if (request.returnDate) {
      const inbound = await this.#itineraries(destinations, origins, request.returnDate, request, tags);
      journeys = this.#roundTrips(outbound, inbound, request);
    } else {
      journeys = outbound.map((itinerary) => this.#price([itinerary], request));
    }
    const filtered = journeys.filter((j) => request.maxPrice === undefined || j.total <= request.maxPrice);
    filtered.sort(comparator(request.sort));
    return {
      offers: await this.#render(filtered.slice(0, this.#deps.maxResults), request),
      tags: [...tags].sort(),
    };
  }

  #checkDate(date: string, origins: readonly Airport[], field: string): void {
    const now = this.#deps.clock.now();
    const today = zonedDate(now, origins[0]?.timeZone ?? 'UTC');
    // Anywhere on Earth it may still be "yesterday": accept one day of slack against UTC.
    if (date < addDays(today, -1)) throw invalidField(field, `${date} is in the past`);
    if (date > addDays(today, 366)) throw invalidField(field, `${date} is more than a year ahead`);
  }

  #distanceKm(from: string, to: string): number {
    const key = from < to ? `${from}${to}` : `${to}${from}`;
    let km = this.#distances.get(key);
    if (km === undefined) {
      const a = this.#deps.airports.byIata(from);
      const b = this.#deps.airports.byIata(to);
      km = a && b ? distanceKm(a, b) : Number.POSITIVE_INFINITY;
      this.#distances.set(key, km);
    }
    return km;
  }

  async #routeGraph(): Promise<RouteGraph> {
    const now = this.#deps.clock.now();
    const ttl = this.#deps.routeGraphTtlMs ?? 60_000;
    if (!this.#graph || now - this.#graph.loadedAt > ttl) {
      this.#graph = { graph: new RouteGraph(await this.#deps.store.listRoutes()), loadedAt: now };
    }
    return this.#graph.graph;
  }

  /** Itineraries from any origin to any destination departing on `date` (origin local time). */
  async #itineraries(
    origins: readonly Airport[],
    destinations: readonly Airport[],
    date: string,
    request: FlightSearchRequest,
    tags: Set<string>,
  ): Promise<FlightRecord[][]> {
    const graph = await this.#routeGraph();
    const airport = (iata: string): Airport | undefined => this.#deps.airports.byIata(iata);
    const itineraries: FlightRecord[][] = [];
    const legCache = new Map<string, Promise<FlightRecord[]>>();
    const now = this.#deps.clock.now();
    const carriers = request.carriers ? new Set(request.carriers) : undefined;
    const usable = (flight: FlightRecord): boolean =>
      flight.departureUtc > now &&
      (!carriers || carriers.has(flight.carrier)) &&
      hasSeats(flight, request.cabin, request);

    for (const origin of origins) {
      const dayStart = zonedToEpoch(date, 0, origin.timeZone);
      const dayEnd = zonedToEpoch(addDays(date, 1), 0, origin.timeZone);
      for (const destination of destinations) {
        const direct = distanceKm(origin, destination);
        const paths = graph
          .paths(origin.iata, destination.iata, request.maxStops, {
            distanceKm: (a, b) => this.#distanceKm(a, b),
            maxFlownKm: (stops) => maxPathKm(direct, stops),
          })
          .slice(0, MAX_PATHS);
        const journeyCap = maxJourneyMinutes(direct);
        for (const path of paths) {
          const legs = await Promise.all(
            path.slice(1).map((to, hop) => {
              const from = path[hop] as string;
              const departTo = hop === 0 ? dayEnd : dayEnd + journeyCap * 60_000;
              const key = `${from}-${to}-${hop === 0 ? 'first' : 'later'}`;
              let legs = legCache.get(key);
              if (!legs) {
                for (const day of utcDatesBetween(dayStart, departTo))
                  tags.add(flightRouteTag(from, to, day));
                legs = this.#deps.store.findFlights({
                  origin: from,
                  destination: to,
                  departFrom: dayStart,
                  departTo,
                });
                legCache.set(key, legs);
              }
              return legs;
            }),
          );
          const stops = path.map((iata) => airport(iata) as Airport);
          itineraries.push(
            ...buildConnections(legs, {
              minimumConnectionMinutes: (i) =>
                minimumConnectionMinutes(
                  stops[i - 1] as Airport,
                  stops[i] as Airport,
                  stops[i + 1] as Airport,
                ),
              maxLayoverMinutes: MAX_LAYOVER_MINUTES,
              maxJourneyMinutes: journeyCap,
              usable,
              limit: ITINERARIES_PER_PATH,
            }),
          );
        }
      }
    }
    return itineraries;
  }

  #roundTrips(
    outbound: FlightRecord[][],
    inbound: FlightRecord[][],
    request: FlightSearchRequest,
  ): PricedJourney[] {
    const cheapest = (list: FlightRecord[][]): FlightRecord[][] =>
      list
        .map((itinerary) => ({ itinerary, total: this.#price([itinerary], request).total }))
        .sort((a, b) => a.total - b.total)
        .slice(0, ROUND_TRIP_CANDIDATES)
        .map((x) => x.itinerary);
    const journeys: PricedJourney[] = [];
    for (const out of cheapest(outbound)) {
      const arrival = (out[out.length - 1] as FlightRecord).arrivalUtc;
      for (const back of cheapest(inbound)) {
        // The return must leave after the outbound lands, with time to connect.
        if ((back[0] as FlightRecord).departureUtc < arrival + 120 * 60_000) continue;
        journeys.push(this.#price([out, back], request));
      }
    }
    return journeys;
  }

  #price(itineraries: FlightRecord[][], request: FlightSearchRequest): PricedJourney {
    const quote = priceJourney(itineraries.flat(), request.cabin, request, request.currency);
    const durationMs = itineraries.reduce(
      (sum, it) =>
        sum + ((it[it.length - 1] as FlightRecord).arrivalUtc - (it[0] as FlightRecord).departureUtc),
      0,
    );
    return {
      itineraries,
      total: quote.totalMinor,
      durationMs,
      departureUtc: (itineraries[0] as FlightRecord[])[0]!.departureUtc,
    };
  }

  async #render(journeys: PricedJourney[], request: FlightSearchRequest): Promise<FlightOfferView[]> {
    const codes = new Set(journeys.flatMap((j) => j.itineraries.flat().map((f) => f.carrier)));
    const carrierNames = new Map(
      (await this.#deps.store.listAirlines([...codes])).map((airline) => [airline.iata, airline.name]),
    );
    const expiresAt = this.#deps.clock.now() + this.#deps.offerTtlMs;
    const seen = new Set<string>();
    const offers: FlightOfferView[] = [];
    for (const journey of journeys) {
      const key = journey.itineraries.map((it) => it.map((f) => f.id).join(',')).join('|');
      if (seen.has(key)) continue;
      seen.add(key);
      offers.push(renderFlightOffer(journey.itineraries, request, expiresAt, carrierNames, this.#deps));
    }
    return offers;
  }
}

/** Renders a journey as an offer, with an id that carries what re-pricing needs. */
export function renderFlightOffer(
  itineraries: readonly FlightRecord[][],
  request: Pick<FlightSearchRequest, 'cabin' | 'adults' | 'children' | 'infants' | 'currency'>,
  expiresAt: number,
  carrierNames: ReadonlyMap<string, string>,
  deps: Pick<FlightSearchDependencies, 'airports' | 'signer'>,
): FlightOfferView {
  const flights = itineraries.flat();
  const passengers = { adults: request.adults, children: request.children, infants: request.infants };
  const quote = priceJourney(flights, request.cabin, passengers, request.currency);
  const reference: FlightOfferReference = {
    kind: 'flight',
    legs: itineraries.map((it) => it.map((f) => f.id)),
    cabin: request.cabin,
    passengers,
    total: quote.totalMinor,
    currency: request.currency,
    expiresAt,
  };
  const firstDeparture = (flights[0] as FlightRecord).departureUtc;
  return {
    id: deps.signer.sign(reference),
    type: 'flight-offer',
    source: 'inventory',
    cabin: request.cabin,
    itineraries: itineraries.map((it, i) =>
      itineraryView(i === 0 ? 'outbound' : 'return', it, request.cabin, deps.airports, carrierNames),
    ),
    price: quote.price,
    travelerPricings: quote.travelerPricings,
    seatsLeft: Math.min(
      ...flights.map((f) => f.cabins.find((c) => c.cabin === request.cabin)?.seatsLeft ?? 0),
    ),
    validatingCarrier: (flights[0] as FlightRecord).carrier,
    lastTicketingDate: toUtcIso(Math.min(expiresAt, firstDeparture)).slice(0, 10),
    expiresAt: toUtcIso(expiresAt),
  };
}

function comparator(sort: FlightSearchRequest['sort']): (a: PricedJourney, b: PricedJourney) => number {
  const tie = (a: PricedJourney, b: PricedJourney): number =>
    a.departureUtc - b.departureUtc || legKey(a).localeCompare(legKey(b));
  switch (sort) {
    case 'duration':
      return (a, b) => a.durationMs - b.durationMs || a.total - b.total || tie(a, b);
    case 'departure':
      return (a, b) => a.departureUtc - b.departureUtc || a.total - b.total || tie(a, b);
    default:
      return (a, b) => a.total - b.total || a.durationMs - b.durationMs || tie(a, b);
  }
}

const legKey = (j: PricedJourney): string =>
  j.itineraries.map((it) => it.map((f) => f.id).join(',')).join('|');
