import { daysBetween } from '../../kernel/zoned-time.js';
import type { Cabin, CabinInventory, FlightRecord } from '../../ports/store.js';
import {
  type FarePart,
  type PassengerCounts,
  priceTravelers,
  seatsNeeded,
  type TravelerPrice,
} from '../pricing/passenger-pricing.js';
import { type PriceQuote, quotePrice, quoteTotal } from '../pricing/price-quote.js';
import { cheapestComponents, type FiledFares, type JourneyTerms, localDepartureDate } from './filed-fares.js';

/** The cabin inventory of a flight, or undefined when the aircraft has no such cabin. */
export function cabinOf(flight: FlightRecord, cabin: Cabin): CabinInventory | undefined {
  return flight.cabins.find((c) => c.cabin === cabin);
}

/**
 * True when the flight is sold (not cancelled by a schedule change) and has the cabin with enough
 * seats for the passengers.
 */
export function hasSeats(flight: FlightRecord, cabin: Cabin, passengers: PassengerCounts): boolean {
  if (flight.cancelled) return false;
  return (cabinOf(flight, cabin)?.seatsLeft ?? 0) >= seatsNeeded(passengers);
}

/**
 * The fare a segment is sold under: a filed fare's terms, or a mark that the price is an estimate (a
 * schedule imported without fares, priced by the demo fare model). Absent for the inventory's own fares.
 */
export type SegmentFareView =
  | { source: 'filed'; fareBasis: string; bookingClass: string; refundable: boolean; checkedBags: number }
  | { source: 'estimated' };

/** A journey's price with the fare each of its segments is sold under. */
export interface JourneyQuote extends PriceQuote {
  /** Per itinerary, per flight: the segment's fare (undefined for the inventory's own fares). */
  segmentFares: (SegmentFareView | undefined)[][];
  /** True when some segment is priced by the demo fare model rather than a real fare. */
  estimated: boolean;
}

/** What a journey is priced for. */
export interface PricingRequest extends PassengerCounts {
  cabin: Cabin;
  currency: string;
}

/**
 * What a journey's price is computed from, before passengers and currency: its fare parts (flight
 * cabins or fare components) in the currency of its first flight, and the fare of each segment.
 */
export interface JourneyParts {
  parts: FarePart[];
  /** Per itinerary, per flight: the segment's fare (undefined for the inventory's own fares). */
  segmentFares: (SegmentFareView | undefined)[][];
  estimated: boolean;
  /** The currency of the parts: the journey's first flight's. */
  currency: string;
}

/** One itinerary's share of a journey's parts. */
interface ItineraryParts {
  parts: FarePart[];
  views: (SegmentFareView | undefined)[];
  estimated: boolean;
}

/**
 * Parts of itineraries without a `filed` flight, by itinerary: those depend neither on the journey's
 * terms nor on its other itinerary, so a search pricing one outbound with thirty returns reads its
 * cabins once. Only valid for one cabin (one search).
 */
export type ItineraryPartsMemo = WeakMap<readonly FlightRecord[], ItineraryParts>;

/**
 * The pricing step of a search, price confirmation and booking: the price of a journey (one
 * itinerary, or outbound and return) in the asked currency, or undefined when it cannot be sold —
 * a `filed` flight no applicable fare covers. Flights priced from the inventory (`cabins[].fare`,
 * which also holds the estimate of an `estimated` flight) are parts of their own; runs of `filed`
 * flights are priced by the cheapest fare components (filed-fares.ts). Children and infants pay
 * their share of each part (pricing/passenger-pricing.ts). Every flight must have the cabin
 * (callers check `hasSeats` first). `fares` must hold the filings of the journey's markets
 * (loadFiledFares) and fixes the pricing instant, so equal inputs always give equal prices.
 *
 * `halfOfRoundTrip` prices one direction alone while ranking round-trip candidates: round-trip fares
 * apply and stay rules pass, as the other half is not chosen yet.
 */
export function priceJourney(
  itineraries: readonly (readonly FlightRecord[])[],
  request: PricingRequest,
  fares: FiledFares,
  options: { halfOfRoundTrip?: boolean } = {},
): JourneyQuote | undefined {
  const parts = journeyParts(itineraries, request, fares, options);
  return parts === undefined ? undefined : quoteJourney(parts, request);
}

/**
 * `priceJourney` in two steps, for a search that ranks many candidates and renders few: the parts
 * (undefined when the journey cannot be sold), then `journeyTotal` to rank and `quoteJourney` to
 * render — the same total and quote `priceJourney` answers.
 */
export function journeyParts(
  itineraries: readonly (readonly FlightRecord[])[],
  request: Pick<PricingRequest, 'cabin' | 'currency'>,
  fares: FiledFares,
  options: { halfOfRoundTrip?: boolean; memo?: ItineraryPartsMemo } = {},
): JourneyParts | undefined {
  const journeyCurrency = itineraries[0]?.[0]?.currency ?? request.currency;
  let terms: JourneyTerms | undefined;
  // The terms (trip type, stay) only matter to filed fares: worked out once, when one needs them.
  const termsOf = (): JourneyTerms =>
    (terms ??= journeyTerms(itineraries, fares, options.halfOfRoundTrip === true));
  const parts: FarePart[] = [];
  const segmentFares: (SegmentFareView | undefined)[][] = [];
  let estimated = false;
  for (const itinerary of itineraries) {
    let own = options.memo?.get(itinerary);
    if (own === undefined) {
      own = itineraryParts(itinerary, request.cabin, fares, journeyCurrency, termsOf);
      if (own === undefined) return undefined;
      if (options.memo && !itinerary.some((flight) => flight.fareSource === 'filed'))
        options.memo.set(itinerary, own);
    }
    for (const part of own.parts) parts.push(part);
    segmentFares.push(own.views);
    estimated ||= own.estimated;
  }
  return { parts, segmentFares, estimated, currency: journeyCurrency };
}

/** The total of a journey in minor units of the asked currency: `quoteJourney(parts, request).totalMinor`. */
export function journeyTotal(parts: JourneyParts, request: PricingRequest): number {
  return quoteTotal(priceTravelers(parts.parts, request), parts.currency, request.currency);
}

/**
 * What `journeyTotal(journeyParts([outbound, back], request, fares, { memo }), request)` answers
 * when the memo holds both itineraries (neither has a `filed` flight, so neither's parts depend on
 * the other), without building the journey's parts: a round trip ranks up to 900 such pairs and
 * renders a few. Each itinerary's per-traveller sums are worked out once (`sums`); a pair's are
 * their sum, which is what summing the joined parts gives as long as every sum is a whole number of
 * minor units (always, for fares and taxes read from cabins; otherwise this answers undefined and
 * the caller prices the pair the long way, as it does when either itinerary is not in the memo).
 */
export function memoisedPairTotal(
  outbound: readonly FlightRecord[],
  back: readonly FlightRecord[],
  request: PricingRequest,
  memo: ItineraryPartsMemo,
  sums: WeakMap<readonly FlightRecord[], TravelerPrice[] | null>,
): number | undefined {
  const out = travelerSums(outbound, request, memo, sums);
  const home = out && travelerSums(back, request, memo, sums);
  if (!out || !home) return undefined;
  const travelers = out.map((traveler, i) => ({
    ...traveler,
    base: traveler.base + (home[i] as TravelerPrice).base,
    taxes: traveler.taxes + (home[i] as TravelerPrice).taxes,
  }));
  return quoteTotal(travelers, outbound[0]?.currency ?? request.currency, request.currency);
}

/** An itinerary's per-traveller sums from its memoised parts; null when they are not whole numbers. */
function travelerSums(
  itinerary: readonly FlightRecord[],
  request: PricingRequest,
  memo: ItineraryPartsMemo,
  sums: WeakMap<readonly FlightRecord[], TravelerPrice[] | null>,
): TravelerPrice[] | null | undefined {
  let known = sums.get(itinerary);
  if (known === undefined) {
    const own = memo.get(itinerary);
    if (own === undefined) return undefined;
    const travelers = priceTravelers(own.parts, request);
    known = travelers.every((t) => Number.isSafeInteger(t.base) && Number.isSafeInteger(t.taxes))
      ? travelers
      : null;
    sums.set(itinerary, known);
  }
  return known;
}

/** The quote of a journey from its parts. */
export function quoteJourney(parts: JourneyParts, request: PricingRequest): JourneyQuote {
  const quote = quotePrice(priceTravelers(parts.parts, request), parts.currency, request.currency);
  return { ...quote, segmentFares: parts.segmentFares, estimated: parts.estimated };
}

function itineraryParts(
  itinerary: readonly FlightRecord[],
  cabin: Cabin,
  fares: FiledFares,
  journeyCurrency: string,
  terms: () => JourneyTerms,
): ItineraryParts | undefined {
  const cabins = itinerary.map((flight) => cabinOf(flight, cabin) as CabinInventory);
  const views: (SegmentFareView | undefined)[] = itinerary.map((flight) =>
    flight.fareSource === 'estimated' ? ESTIMATED : undefined,
  );
  const estimated = itinerary.some((flight) => flight.fareSource === 'estimated');
  if (!itinerary.some((flight) => flight.fareSource === 'filed')) return { parts: cabins, views, estimated };
  const components = cheapestComponents(
    itinerary,
    cabin,
    terms(),
    fares,
    journeyCurrency,
    (flight) => (cabinOf(flight, cabin) as CabinInventory).fare,
  );
  if (components === undefined) return undefined;
  const parts: FarePart[] = [];
  for (const component of components) {
    let taxes = 0;
    for (let i = component.from; i <= component.to; i++) taxes += (cabins[i] as CabinInventory).taxes;
    parts.push({ fare: component.amount, taxes });
    const filing = component.filing;
    if (filing === undefined) continue;
    for (let i = component.from; i <= component.to; i++) {
      views[i] = {
        source: 'filed',
        fareBasis: filing.fareBasis,
        bookingClass: filing.bookingClass,
        refundable: filing.refundable,
        checkedBags: filing.checkedBags,
      };
    }
  }
  return { parts, views, estimated };
}

const ESTIMATED: SegmentFareView = Object.freeze({ source: 'estimated' });

/**
 * The trip type a journey's fares are filed for. One itinerary is one way. Two itineraries whose
 * second ends in the city the first began in are a round trip — open jaws included (out to one
 * city, back from another: priced as half round trips, as carriers price them), with the stay
 * between the two departures. Any other journey (an origin open jaw, three or more itineraries) is
 * priced with one-way fares, each itinerary on its own.
 */
function journeyTerms(
  itineraries: readonly (readonly FlightRecord[])[],
  fares: FiledFares,
  halfOfRoundTrip: boolean,
): JourneyTerms {
  if (halfOfRoundTrip) return { tripType: 'round_trip', stayDays: undefined };
  const [outbound, back, ...more] = itineraries;
  if (
    back === undefined ||
    outbound === undefined ||
    more.length > 0 ||
    !returnsHome(outbound, back, fares)
  ) {
    return { tripType: 'one_way', stayDays: undefined };
  }
  return {
    tripType: 'round_trip',
    stayDays: daysBetween(
      localDepartureDate(outbound[0] as FlightRecord, fares.airports),
      localDepartureDate(back[0] as FlightRecord, fares.airports),
    ),
  };
}

/** True when `back` ends in the city (or at the airport) `outbound` began in. */
function returnsHome(
  outbound: readonly FlightRecord[],
  back: readonly FlightRecord[],
  fares: FiledFares,
): boolean {
  const start = (outbound[0] as FlightRecord).origin;
  const end = (back[back.length - 1] as FlightRecord).destination;
  if (start === end) return true;
  const city = (iata: string) => fares.airports.byIata(iata)?.cityCode ?? iata;
  return city(start) === city(end);
}
