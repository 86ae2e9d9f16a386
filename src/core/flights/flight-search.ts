import { distanceKm } from '../../kernel/great-circle.js';
import { addDays, toUtcIso, zonedDate, zonedToEpoch } from '../../kernel/zoned-time.js';
import type { Airport } from '../../ports/airports.js';
import type { FlightLegQuery, FlightRecord } from '../../ports/store.js';
import { fareRouteTag } from '../cache/cache-tags.js';
import { flightSearchCacheKey, singleAirportCity } from '../cache/search-cache-keys.js';
import { invalidField } from '../errors.js';
import type { FlightOfferReference } from '../offers/offer-reference.js';
import { seatsNeeded, type TravelerPrice } from '../pricing/passenger-pricing.js';
import type { SearchDependencies, SearchOptions } from '../search/search-dependencies.js';
import type { SearchResults, SearchRun } from '../search/search-results.js';
import { DEFAULT_WORK_LIMITS, WorkBudget } from '../search/work-budget.js';
import { buildConnections } from './connection-builder.js';
import {
  MAX_LAYOVER_MINUTES,
  MIN_STOPOVER_MINUTES,
  maxJourneyMinutes,
  maxPathKm,
  minimumConnectionMinutes,
} from './connection-rules.js';
import { type FiledFares, loadFiledFares } from './filed-fares.js';
import { type FlightOfferView, itineraryView } from './flight-offer-view.js';
import {
  hasSeats,
  type ItineraryPartsMemo,
  type JourneyParts,
  type JourneyQuote,
  journeyParts,
  journeyTotal,
  memoisedPairTotal,
  quoteJourney,
} from './flight-pricing.js';
import type { FlightSearchRequest } from './flight-search-request.js';
import { type PathPlan, readHopLevels } from './hop-levels.js';
import { PagedFlightSearch } from './paged-flight-search.js';
import { RouteGraph } from './route-graph.js';
import type { SearchWindow, TimetableSource } from './timetable/live-timetable.js';
import type { TimetableIndex } from './timetable/timetable-index.js';

export interface FlightSearchDependencies extends SearchDependencies {
  /** The result cache and snapshots that pages are cut from. */
  results: SearchResults;
  /** How long the route network read from the store is reused, ms. */
  routeGraphTtlMs?: number;
  /**
   * The in-memory timetable searches read instead of the store, when there is one and it covers the
   * days asked; the flights of each answer are still re-checked against the store.
   */
  timetable?: TimetableSource;
}

/** Most itineraries built per airport path and direction; keeps 2-stop searches bounded. */
const ITINERARIES_PER_PATH = 60;
/** Itineraries of each direction combined into round trips. */
const ROUND_TRIP_CANDIDATES = 30;
/** Most airport paths explored per origin and destination airport. */
const MAX_PATHS = 80;
/** Most stops a search may ask for, whatever reaches the core. */
export const MAX_STOPS = 2;

/**
 * A candidate journey with what ranking needs; its quote (price views, per-traveller prices) is
 * made from `parts` only for the journeys kept, as a search ranks hundreds and answers a few.
 */
interface PricedJourney {
  itineraries: FlightRecord[][];
  /** Absent for a round trip ranked from its halves' sums (`memoisedPairTotal`): made when rendered. */
  parts?: JourneyParts;
  total: number;
  durationMs: number;
  departureUtc: number;
}

/**
 * Flight search over the inventory store: direct and connecting itineraries (minimum connection
 * times, no detours), one-way or round trip, filtered, sorted and priced in the asked currency.
 */
export class FlightSearch extends PagedFlightSearch {
  readonly #deps: FlightSearchDependencies;
  #graph: { graph: RouteGraph; loadedAt: number } | undefined;
  /** Great-circle distances between airports, computed once per pair. */
  readonly #distances = new Map<string, number>();

  constructor(deps: FlightSearchDependencies) {
    super(deps.results);
    this.#deps = deps;
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
  async search(
    request: FlightSearchRequest,
    options: SearchOptions = {},
  ): Promise<SearchRun<FlightOfferView>> {
    if (!Number.isInteger(request.maxStops) || request.maxStops < 0 || request.maxStops > MAX_STOPS) {
      throw invalidField('query.maxStops', `maxStops is an integer from 0 to ${MAX_STOPS}`);
    }
    const budget = new WorkBudget(
      this.#deps.workLimits ?? DEFAULT_WORK_LIMITS,
      this.#deps.clock,
      options.signal,
    );
    const origins = this.resolveAirports(request.origin, 'query.origin');
    const destinations = this.resolveAirports(request.destination, 'query.destination');
    if (origins.some((o) => destinations.some((d) => d.iata === o.iata))) {
      throw invalidField('query.destination', 'destination must differ from origin');
    }
    this.#checkDate(request.departureDate, origins, 'query.departureDate');
    if (request.returnDate) this.#checkDate(request.returnDate, destinations, 'query.returnDate');
    const index = this.#deps.timetable?.current(searchWindow(request.departureDate, request.returnDate));
    if (index) {
      const run = await this.#run(request, origins, destinations, budget, index);
      // The index is kept current by events; between a commit and its event the store is ahead.
      // The flights of the answer are read back: when the store agrees, the answer is the store's.
      if (await this.#agreesWithStore(run.flights, index)) return run.result;
    }
    return (await this.#run(request, origins, destinations, budget, undefined)).result;
  }

  /**
   * True when the store holds every flight of an answer exactly as the index does. Otherwise the
   * store's records are handed back to the timetable (fares and seats written in place, a schedule
   * change rebuilds it) and the caller searches the store.
   */
  async #agreesWithStore(
    flights: ReadonlyMap<string, FlightRecord>,
    index: TimetableIndex,
  ): Promise<boolean> {
    if (flights.size === 0) return true;
    const stored = await this.#deps.store.getFlights([...flights.keys()]);
    const missing = new Set(flights.keys());
    let agrees = stored.length === flights.size;
    for (const flight of stored) {
      missing.delete(flight.id);
      if (!index.holds(flight)) agrees = false;
    }
    if (!agrees) this.#deps.timetable?.corrected(stored, [...missing]);
    return agrees;
  }

  async #run(
    request: FlightSearchRequest,
    origins: readonly Airport[],
    destinations: readonly Airport[],
    budget: WorkBudget,
    index: TimetableIndex | undefined,
  ): Promise<{ result: SearchRun<FlightOfferView>; flights: Map<string, FlightRecord> }> {
    const tags = new Set<string>();
    const outbound = await this.#itineraries(
      origins,
      destinations,
      request.departureDate,
      request,
      tags,
      budget,
      index,
    );
    let journeys: PricedJourney[];
    let fares: FiledFares;
    if (request.returnDate) {
      const inbound = await this.#itineraries(
        destinations,
        origins,
        request.returnDate,
        request,
        tags,
        budget,
        index,
      );
      fares = await this.#filedFares([...outbound, ...inbound], tags);
      journeys = this.#roundTrips(outbound, inbound, request, fares);
    } else {
      fares = await this.#filedFares(outbound, tags);
      journeys = defined(outbound.map((itinerary) => this.#price([itinerary], request, fares, {})));
    }
    const filtered = journeys.filter((j) => request.maxPrice === undefined || j.total <= request.maxPrice);
    filtered.sort(comparator(request.sort));
    budget.throwIfCancelled();
    const kept = filtered.slice(0, this.#deps.maxResults);
    const offers = await this.#render(kept, request, fares);
    const flights = new Map<string, FlightRecord>();
    for (const journey of kept)
      for (const flight of journey.itineraries.flat()) flights.set(flight.id, flight);
    return {
      result: {
        offers,
        tags: [...tags].sort(),
        ...(budget.exhausted ? { partial: budget.exhausted } : {}),
      },
      flights,
    };
  }

  /**
   * The filed fares the candidates may be priced with, in one store call; the search then depends on
   * the fares of every route it looked up (a fares import drops it by these tags).
   */
  async #filedFares(candidates: readonly FlightRecord[][], tags: Set<string>): Promise<FiledFares> {
    const fares = await loadFiledFares(this.#deps, candidates);
    for (const route of fares.routes) tags.add(fareRouteTag(route.origin, route.destination));
    return fares;
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

  /**
   * Itineraries from any origin to any destination departing on `date` (origin local time), read hop
   * level by hop level: one store call fetches the flights of every path's first hop, the next the
   * second hops of the paths still possible, and so on — at most `maxStops + 1` calls, whatever the
   * number of paths. Each level's windows are cut to the times its connections can leave. The work
   * budget is checked between levels and inside the loops; once it is spent, the itineraries of the
   * paths already complete are kept (the search is then flagged partial).
   */
  async #itineraries(
    origins: readonly Airport[],
    destinations: readonly Airport[],
    date: string,
    request: FlightSearchRequest,
    tags: Set<string>,
    budget: WorkBudget,
    index: TimetableIndex | undefined,
  ): Promise<FlightRecord[][]> {
    const now = this.#deps.clock.now();
    const carriers = request.carriers ? new Set(request.carriers) : undefined;
    const usable = (flight: FlightRecord): boolean =>
      flight.departureUtc > now &&
      (!carriers || carriers.has(flight.carrier)) &&
      hasSeats(flight, request.cabin, request);

    const live: PathPlan[] = [];
    for (const origin of origins) {
      const dayStart = zonedToEpoch(date, 0, origin.timeZone);
      const dayEnd = zonedToEpoch(addDays(date, 1), 0, origin.timeZone);
      for (const destination of destinations) {
        const direct = distanceKm(origin, destination);
        const maxFlownKm = (stops: number) => maxPathKm(direct, stops);
        const limit = {
          paths: MAX_PATHS,
          step: () => budget.spend(),
          spend: (steps: number) => budget.spend(steps),
          stepsLeft: () => budget.stepsLeft,
        };
        const paths = index
          ? index.paths(origin.iata, destination.iata, request.maxStops, maxFlownKm, limit)
          : (await this.#routeGraph()).paths(
              origin.iata,
              destination.iata,
              request.maxStops,
              { distanceKm: (a, b) => this.#distanceKm(a, b), maxFlownKm },
              limit,
            );
        const journeyCapMinutes = maxJourneyMinutes(direct);
        for (const path of paths) {
          live.push({
            rank: live.length,
            path,
            stops: path.map((iata) => this.#deps.airports.byIata(iata) as Airport),
            dayStart,
            dayEnd,
            journeyCapMinutes,
            legs: [],
            earliestArrival: dayStart,
            latestArrival: dayStart,
          });
        }
      }
    }

    const store = this.#deps.store;
    const prefilter = { departsAfter: now, carriers, cabin: request.cabin, seats: seatsNeeded(request) };
    const legs = (queries: readonly FlightLegQuery[]) =>
      index && queries.every((query) => index.covers(query.departFrom, query.departTo))
        ? index.legsOnRoutes(queries, prefilter)
        : store.findFlightsOnLegs(queries);
    const complete = await readHopLevels(live, { legs, usable, budget, tags });

    const itineraries: FlightRecord[][] = [];
    // In the order the paths were found, as before reads were batched.
    for (const plan of complete.sort((a, b) => a.rank - b.rank)) {
      if (!(await budget.checkpoint())) break;
      const stops = plan.stops;
      itineraries.push(
        ...buildConnections(plan.legs, {
          minimumConnectionMinutes: (i) =>
            minimumConnectionMinutes(stops[i - 1] as Airport, stops[i] as Airport, stops[i + 1] as Airport),
          maxLayoverMinutes: MAX_LAYOVER_MINUTES,
          maxJourneyMinutes: plan.journeyCapMinutes,
          usable,
          limit: ITINERARIES_PER_PATH,
          step: () => budget.spend(),
        }),
      );
    }
    return itineraries;
  }

  /**
   * The cheapest ROUND_TRIP_CANDIDATES of each direction (priced as halves of a round trip), every
   * outbound with every return that leaves after it lands. An itinerary's cabins are read once for
   * all the journeys it is part of (the memo), whatever it is combined with.
   */
  #roundTrips(
    outbound: FlightRecord[][],
    inbound: FlightRecord[][],
    request: FlightSearchRequest,
    fares: FiledFares,
  ): PricedJourney[] {
    const memo: ItineraryPartsMemo = new WeakMap();
    const sums = new WeakMap<readonly FlightRecord[], TravelerPrice[] | null>();
    const cheapest = (list: FlightRecord[][]): FlightRecord[][] =>
      defined(
        list.map((itinerary) => this.#price([itinerary], request, fares, { halfOfRoundTrip: true, memo })),
      )
        .map(({ itineraries, total }) => ({ itinerary: itineraries[0] as FlightRecord[], total }))
        .sort((a, b) => a.total - b.total)
        .slice(0, ROUND_TRIP_CANDIDATES)
        .map((x) => x.itinerary);
    const outs = cheapest(outbound);
    const backs = cheapest(inbound);
    const journeys: PricedJourney[] = [];
    for (const out of outs) {
      const arrival = (out[out.length - 1] as FlightRecord).arrivalUtc;
      for (const back of backs) {
        // The return must leave after the outbound lands, with time to connect.
        if ((back[0] as FlightRecord).departureUtc < arrival + MIN_STOPOVER_MINUTES * 60_000) continue;
        const total = memoisedPairTotal(out, back, request, memo, sums);
        const journey =
          total === undefined
            ? this.#price([out, back], request, fares, { memo })
            : {
                itineraries: [out, back],
                total,
                durationMs: duration(out) + duration(back),
                departureUtc: (out[0] as FlightRecord).departureUtc,
              };
        if (journey) journeys.push(journey);
      }
    }
    return journeys;
  }

  /**
   * The journey ranked by its total, or undefined when it cannot be sold (a filed flight without an
   * applicable fare).
   */
  #price(
    itineraries: FlightRecord[][],
    request: FlightSearchRequest,
    fares: FiledFares,
    options: { halfOfRoundTrip?: boolean; memo?: ItineraryPartsMemo },
  ): PricedJourney | undefined {
    const parts = journeyParts(itineraries, request, fares, options);
    if (parts === undefined) return undefined;
    const durationMs = itineraries.reduce((sum, it) => sum + duration(it), 0);
    return {
      itineraries,
      parts,
      total: journeyTotal(parts, request),
      durationMs,
      departureUtc: (itineraries[0] as FlightRecord[])[0]!.departureUtc,
    };
  }

  async #render(
    journeys: PricedJourney[],
    request: FlightSearchRequest,
    fares: FiledFares,
  ): Promise<FlightOfferView[]> {
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
      // A pair ranked from its halves' sums gets its parts now; they cannot be missing, as both
      // halves were priced before (memoisedPairTotal).
      const parts = journey.parts ?? (journeyParts(journey.itineraries, request, fares) as JourneyParts);
      const quote = quoteJourney(parts, request);
      offers.push(
        renderFlightOffer(journey.itineraries, request, quote, expiresAt, carrierNames, this.#deps),
      );
    }
    return offers;
  }
}

/**
 * Renders a journey priced by `priceJourney` as an offer, with an id that carries what re-pricing
 * needs (search and price confirmation both render through here, so they quote alike).
 */
export function renderFlightOffer(
  itineraries: readonly FlightRecord[][],
  request: Pick<FlightSearchRequest, 'cabin' | 'adults' | 'children' | 'infants' | 'currency'>,
  quote: JourneyQuote,
  expiresAt: number,
  carrierNames: ReadonlyMap<string, string>,
  deps: Pick<FlightSearchDependencies, 'airports' | 'signer'>,
): FlightOfferView {
  const flights = itineraries.flat();
  const passengers = { adults: request.adults, children: request.children, infants: request.infants };
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
      itineraryView(
        i === 0 ? 'outbound' : 'return',
        it,
        request.cabin,
        deps.airports,
        carrierNames,
        quote.segmentFares[i],
      ),
    ),
    price: quote.price,
    ...(quote.estimated ? { priceEstimated: true } : {}),
    travelerPricings: quote.travelerPricings,
    seatsLeft: Math.min(
      ...flights.map((f) => f.cabins.find((c) => c.cabin === request.cabin)?.seatsLeft ?? 0),
    ),
    validatingCarrier: (flights[0] as FlightRecord).carrier,
    lastTicketingDate: toUtcIso(Math.min(expiresAt, firstDeparture)).slice(0, 10),
    expiresAt: toUtcIso(expiresAt),
    ...(flights.some((f) => f.fareSource === 'estimated') ? { priceEstimated: true as const } : {}),
  };
}

/** From an itinerary's first departure to its last arrival, ms. */
const duration = (itinerary: readonly FlightRecord[]): number =>
  (itinerary[itinerary.length - 1] as FlightRecord).arrivalUtc - (itinerary[0] as FlightRecord).departureUtc;

function defined<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
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

const DAY_MS = 86_400_000;

/**
 * The departures a search may read: from the UTC day before its first date (local dates run up to a
 * day behind UTC) to three days after its last (overnight connections of up to two stops).
 */
function searchWindow(departureDate: string, returnDate: string | undefined): SearchWindow {
  const from = Date.parse(`${departureDate}T00:00:00Z`) - DAY_MS;
  return { from, to: Date.parse(`${returnDate ?? departureDate}T00:00:00Z`) + 3 * DAY_MS };
}
