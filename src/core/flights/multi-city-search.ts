import type { FlightRecord } from '../../ports/store.js';
import { invalidField, withFieldNames } from '../errors.js';
import { asOfferReference } from '../offers/offer-reference.js';
import { DEFAULT_CURRENCY, type FlightSearchQuery } from '../search/request-rules.js';
import type { OfferDependencies } from '../search/search-dependencies.js';
import type { SearchPage } from '../search/search-results.js';
import { MIN_STOPOVER_MINUTES } from './connection-rules.js';
import { loadFiledFares } from './filed-fares.js';
import type { FlightOfferView } from './flight-offer-view.js';
import { hasSeats, type JourneyQuote, priceJourney } from './flight-pricing.js';
import { renderFlightOffer } from './flight-search.js';

/** One origin-destination of a multi-city journey, with the dates its first flight may leave on. */
export interface JourneyLeg {
  origin: string;
  destination: string;
  /** One date, or the dates of a date window; each is searched and the offers pooled. */
  departureDates: readonly string[];
}

/** A multi-city or open-jaw search: the travellers, cabin and limits of every leg, and the legs in order. */
export interface MultiCityQuery
  extends Omit<
    FlightSearchQuery,
    'origin' | 'destination' | 'departureDate' | 'returnDate' | 'sort' | 'maxPrice'
  > {
  legs: readonly JourneyLeg[];
}

/** What the multi-city search needs: the one-way search it combines, and what pricing and rendering need. */
export interface MultiCitySearchDependencies extends OfferDependencies {
  /** The one-way search of each leg (cached like any search). */
  flights: { page(query: FlightSearchQuery, limit: number): Promise<SearchPage<FlightOfferView>> };
}

/** Options of one search. */
export interface MultiCityOptions {
  /**
   * Keeps the one-way offers of leg `leg` that may be part of an answer (a transport's per-itinerary
   * criteria: time windows, connection points, carriers), so they are applied before combining and
   * the answer stays full.
   */
  legFilter?: (offers: readonly FlightOfferView[], leg: number) => FlightOfferView[];
}

/** Most legs of one journey (Amadeus's limit of origin-destinations). */
export const MAX_JOURNEY_LEGS = 6;
/** One-way offers per leg searched per date: the most one search keeps for a page. */
const OFFERS_PER_LEG_SEARCH = 250;
/** Cheapest one-way itineraries of each leg that combinations are built from. */
const CANDIDATES_PER_LEG = 20;
/** Most combinations priced per search: the most offers one answer holds (Amadeus's 250). */
const MAX_COMBINATIONS = 250;
/** Most combinations looked at (priced or found infeasible) before the search stops. */
const MAX_EXPANSIONS = 5_000;

/** A leg's candidate: one itinerary, with its one-way total used to order combinations. */
interface Candidate {
  flights: FlightRecord[];
  oneWayTotal: number;
}

/**
 * Multi-city and open-jaw journeys: each leg is a one-way search (cached as any search), the
 * cheapest itineraries of each leg are combined best first by the sum of their one-way prices, each
 * combination whose legs follow one another (the next leaves at least MIN_STOPOVER_MINUTES after
 * the previous lands) is priced as one journey by the same pricing step as round trips — its fare
 * components, one-way or round-trip fares by the journey's shape (flight-pricing.ts) — and the
 * offers come back cheapest first. An offer's id carries every leg, so price confirmation and
 * booking handle it as any offer. Offers of remote suppliers are not combined: their ids cannot be
 * joined into one booking.
 */
export class MultiCitySearch {
  readonly #deps: MultiCitySearchDependencies;

  constructor(deps: MultiCitySearchDependencies) {
    this.#deps = deps;
  }

  /** Offers for the journey, cheapest first, at most `max`. Field errors name `query.legs.{i}.…`. */
  async search(
    query: MultiCityQuery,
    max: number,
    options: MultiCityOptions = {},
  ): Promise<FlightOfferView[]> {
    this.#checkLegs(query.legs);
    const candidates = await this.#candidates(query, options);
    // The legs' searches have checked the currency already.
    const currency = (query.currency ?? DEFAULT_CURRENCY).toUpperCase();
    const request = {
      adults: query.adults,
      children: query.children,
      infants: query.infants,
      cabin: query.cabin,
      currency,
    };
    const fares = await loadFiledFares(
      this.#deps,
      candidates.flatMap((leg) => leg.map((c) => c.flights)),
    );
    const journeys: { itineraries: FlightRecord[][]; quote: JourneyQuote }[] = [];
    for (const combination of bestFirst(candidates)) {
      const quote = priceJourney(combination, request, fares);
      if (quote !== undefined) journeys.push({ itineraries: combination, quote });
    }
    journeys.sort(
      (a, b) =>
        a.quote.totalMinor - b.quote.totalMinor ||
        firstDeparture(a.itineraries) - firstDeparture(b.itineraries),
    );
    const kept = journeys.slice(0, max);
    const codes = [...new Set(kept.flatMap((j) => j.itineraries.flat().map((f) => f.carrier)))];
    const carrierNames = new Map(
      (await this.#deps.store.listAirlines(codes)).map((airline) => [airline.iata, airline.name]),
    );
    const expiresAt = this.#deps.clock.now() + this.#deps.offerTtlMs;
    return kept.map((j) =>
      renderFlightOffer(j.itineraries, request, j.quote, expiresAt, carrierNames, this.#deps),
    );
  }

  #checkLegs(legs: readonly JourneyLeg[]): void {
    if (legs.length < 2 || legs.length > MAX_JOURNEY_LEGS) {
      throw invalidField('query.legs', `a multi-city journey has 2 to ${MAX_JOURNEY_LEGS} legs`);
    }
    legs.forEach((leg, i) => {
      if (leg.departureDates.length === 0) throw invalidField(`query.legs.${i}.departureDate`, 'is required');
      const previous = legs[i - 1];
      if (previous && maxOf(leg.departureDates) < minOf(previous.departureDates)) {
        throw invalidField(`query.legs.${i}.departureDate`, 'a leg must not leave before the one it follows');
      }
    });
  }

  /** Per leg, the cheapest one-way itineraries of the own inventory that the leg filter keeps. */
  async #candidates(query: MultiCityQuery, options: MultiCityOptions): Promise<Candidate[][]> {
    const { legs, ...shared } = query;
    const pools = await Promise.all(
      legs.map(async (leg, i) => {
        const pages = await Promise.all(
          leg.departureDates.map((departureDate) =>
            // A leg's field errors name the leg: `query.origin` → `query.legs.1.origin`.
            withFieldNames(
              (field) => field.replace(/^query\./, `query.legs.${i}.`),
              () =>
                this.#deps.flights.page(
                  {
                    ...shared,
                    origin: leg.origin,
                    destination: leg.destination,
                    departureDate,
                    sort: 'price',
                  },
                  OFFERS_PER_LEG_SEARCH,
                ),
            ),
          ),
        );
        const offers = pages
          .flatMap((page) => page.data)
          .sort((a, b) => Number(a.price.total) - Number(b.price.total));
        return (options.legFilter ? options.legFilter(offers, i) : offers)
          .map((offer) => ({ offer, legs: this.#ownLegs(offer) }))
          .filter((x): x is { offer: FlightOfferView; legs: string[] } => x.legs !== undefined)
          .slice(0, CANDIDATES_PER_LEG);
      }),
    );
    const ids = [...new Set(pools.flatMap((pool) => pool.flatMap((c) => c.legs)))];
    const flights = new Map((await this.#deps.store.getFlights(ids)).map((f) => [f.id, f]));
    const passengers = { adults: query.adults, children: query.children, infants: query.infants };
    return pools.map((pool) =>
      pool.flatMap(({ offer, legs }) => {
        const records = legs.map((id) => flights.get(id));
        if (records.some((f) => f === undefined || !hasSeats(f, query.cabin, passengers))) return [];
        return [{ flights: records as FlightRecord[], oneWayTotal: Number(offer.price.total) }];
      }),
    );
  }

  /** The flight ids of a one-way offer of the own inventory; undefined for a remote supplier's. */
  #ownLegs(offer: FlightOfferView): string[] | undefined {
    const reference = asOfferReference(this.#deps.signer.verify(offer.id));
    if (reference?.kind !== 'flight' || reference.supplier !== undefined || reference.legs.length !== 1) {
      return undefined;
    }
    return reference.legs[0];
  }
}

/**
 * Combinations of one candidate per leg, in ascending order of the sum of their one-way totals
 * (a best-first walk over the grid of sorted candidates), skipping those whose legs overlap in time;
 * at most MAX_COMBINATIONS of them, after at most MAX_EXPANSIONS looked at.
 */
function* bestFirst(legs: readonly Candidate[][]): Generator<FlightRecord[][]> {
  const sorted = legs.map((leg) => [...leg].sort((a, b) => a.oneWayTotal - b.oneWayTotal));
  if (sorted.some((leg) => leg.length === 0)) return;
  const cost = (at: readonly number[]) =>
    at.reduce((sum, index, leg) => sum + (sorted[leg]?.[index]?.oneWayTotal ?? 0), 0);
  const heap = new MinHeap<{ at: number[]; cost: number }>((a, b) => a.cost - b.cost);
  const start = sorted.map(() => 0);
  const seen = new Set([start.join(',')]);
  heap.push({ at: start, cost: cost(start) });
  let found = 0;
  for (let looked = 0; looked < MAX_EXPANSIONS && found < MAX_COMBINATIONS; looked++) {
    const next = heap.pop();
    if (next === undefined) return;
    const itineraries = next.at.map(
      (index, leg) => ((sorted[leg] as Candidate[])[index] as Candidate).flights,
    );
    if (followOneAnother(itineraries)) {
      found++;
      yield itineraries;
    }
    next.at.forEach((index, leg) => {
      if (index + 1 >= (sorted[leg]?.length ?? 0)) return;
      const at = [...next.at];
      at[leg] = index + 1;
      const key = at.join(',');
      if (seen.has(key)) return;
      seen.add(key);
      heap.push({ at, cost: cost(at) });
    });
  }
}

/** True when each itinerary leaves at least MIN_STOPOVER_MINUTES after the one before it lands. */
function followOneAnother(itineraries: readonly FlightRecord[][]): boolean {
  for (let i = 1; i < itineraries.length; i++) {
    const before = itineraries[i - 1] as FlightRecord[];
    const landed = (before[before.length - 1] as FlightRecord).arrivalUtc;
    if (
      ((itineraries[i] as FlightRecord[])[0] as FlightRecord).departureUtc <
      landed + MIN_STOPOVER_MINUTES * 60_000
    ) {
      return false;
    }
  }
  return true;
}

const firstDeparture = (itineraries: readonly FlightRecord[][]): number =>
  ((itineraries[0] as FlightRecord[])[0] as FlightRecord).departureUtc;

const minOf = (dates: readonly string[]) => [...dates].sort()[0] ?? '';
const maxOf = (dates: readonly string[]) => [...dates].sort().at(-1) ?? '';

/** A binary min-heap: the combinations still to look at, cheapest on top. */
class MinHeap<T> {
  readonly #items: T[] = [];
  readonly #before: (a: T, b: T) => number;

  constructor(before: (a: T, b: T) => number) {
    this.#before = before;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.#before(items[i] as T, items[parent] as T) >= 0) break;
      [items[i], items[parent]] = [items[parent] as T, items[i] as T];
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.#before(items[left] as T, items[smallest] as T) < 0) smallest = left;
      if (right < items.length && this.#before(items[right] as T, items[smallest] as T) < 0) smallest = right;
      if (smallest === i) return top;
      [items[i], items[smallest]] = [items[smallest] as T, items[i] as T];
      i = smallest;
    }
  }
}
