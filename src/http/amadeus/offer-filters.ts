import type { FlightOfferView, ItineraryView } from '../../core/flights/flight-offer-view.js';
import { currencyExponent } from '../../core/money/currencies.js';
import { parseAmount } from '../../core/money/money.js';

/**
 * The criteria of Amadeus's Flight Offers Search that the core's search does not take, applied to
 * its offers before the page is cut (so a page is full whenever enough offers match).
 */
export interface OfferCriteria {
  /** Carriers none of whose flights may be in the offer. */
  excludedCarriers: ReadonlySet<string>;
  /** Highest price of any one traveller, whole units of the offer's currency (Amadeus's maxPrice). */
  maxPricePerTraveler?: number;
  /** Per itinerary (by position): the local departure time window, "HH:MM" bounds, inclusive. */
  departureWindows: readonly (TimeWindow | undefined)[];
  /** Per itinerary: airports a connection must (included) or must not (excluded) be at. */
  includedConnectionPoints: readonly (ReadonlySet<string> | undefined)[];
  excludedConnectionPoints: readonly (ReadonlySet<string> | undefined)[];
  /** Longest itinerary, in percent of the shortest one found for the same leg (Amadeus's maxFlightTime). */
  maxFlightTimePercent?: number;
  /** Non-stop offers first, each group still in price order. */
  nonStopPreferred: boolean;
  /** Only the cheapest offer per outbound departure day. */
  oneFlightOfferPerDay: boolean;
}

export interface TimeWindow {
  from: string;
  to: string;
}

export const NO_CRITERIA: OfferCriteria = {
  excludedCarriers: new Set(),
  departureWindows: [],
  includedConnectionPoints: [],
  excludedConnectionPoints: [],
  nonStopPreferred: false,
  oneFlightOfferPerDay: false,
};

/**
 * The criteria that one itinerary can be judged by alone (carriers, time window, connection points),
 * for the one-way offers of origin-destination `leg` of a multi-city search.
 */
export function legCriteria(criteria: OfferCriteria, leg: number): OfferCriteria {
  return {
    ...NO_CRITERIA,
    excludedCarriers: criteria.excludedCarriers,
    departureWindows: [criteria.departureWindows[leg]],
    includedConnectionPoints: [criteria.includedConnectionPoints[leg]],
    excludedConnectionPoints: [criteria.excludedConnectionPoints[leg]],
  };
}

/**
 * True when the criteria judge an offer against the others or its whole price (maxPrice per
 * traveller, maxFlightTime, nonStopPreferred, oneFlightOfferPerDay): then every candidate is needed
 * before the page is cut, not only the first `max`.
 */
export function judgesWholeOffers(criteria: OfferCriteria): boolean {
  return (
    criteria.maxPricePerTraveler !== undefined ||
    criteria.maxFlightTimePercent !== undefined ||
    criteria.nonStopPreferred ||
    criteria.oneFlightOfferPerDay
  );
}

/** The offers (in the core's price order) that meet the criteria, in the order Amadeus gives them. */
export function applyCriteria(
  offers: readonly FlightOfferView[],
  criteria: OfferCriteria,
): FlightOfferView[] {
  let kept = offers.filter((offer) => meets(offer, criteria));
  if (criteria.maxFlightTimePercent !== undefined)
    kept = withinFlightTime(kept, criteria.maxFlightTimePercent);
  if (criteria.oneFlightOfferPerDay) {
    const days = new Set<string>();
    kept = kept.filter((offer) => {
      const day = offer.itineraries[0]?.segments[0]?.departure.at.slice(0, 10) ?? '';
      if (days.has(day)) return false;
      days.add(day);
      return true;
    });
  }
  if (criteria.nonStopPreferred) {
    kept = [...kept.filter(isNonStop), ...kept.filter((offer) => !isNonStop(offer))];
  }
  return kept;
}

function meets(offer: FlightOfferView, criteria: OfferCriteria): boolean {
  const segments = offer.itineraries.flatMap((itinerary) => itinerary.segments);
  if (segments.some((segment) => criteria.excludedCarriers.has(segment.carrierCode))) return false;
  if (criteria.maxPricePerTraveler !== undefined) {
    const limit = criteria.maxPricePerTraveler * 10 ** currencyExponent(offer.price.currency);
    const over = offer.travelerPricings.some(
      (p) => (parseAmount(p.price.total, p.price.currency) ?? Number.POSITIVE_INFINITY) > limit,
    );
    if (over) return false;
  }
  return offer.itineraries.every((itinerary, index) => {
    const window = criteria.departureWindows[index];
    const time = itinerary.segments[0]?.departure.at.slice(11, 16) ?? '';
    if (window && (time < window.from || time > window.to)) return false;
    const connections = itinerary.segments.slice(1).map((segment) => segment.departure.iataCode);
    const included = criteria.includedConnectionPoints[index];
    if (included && connections.some((airport) => !included.has(airport))) return false;
    const excluded = criteria.excludedConnectionPoints[index];
    return !(excluded && connections.some((airport) => excluded.has(airport)));
  });
}

function isNonStop(offer: FlightOfferView): boolean {
  return offer.itineraries.every((itinerary) => itinerary.stops === 0);
}

/** Offers whose every itinerary takes at most `percent` of the shortest one found for its leg. */
function withinFlightTime(offers: FlightOfferView[], percent: number): FlightOfferView[] {
  const shortest: number[] = [];
  for (const offer of offers) {
    offer.itineraries.forEach((itinerary, index) => {
      shortest[index] = Math.min(shortest[index] ?? Number.POSITIVE_INFINITY, minutesOf(itinerary));
    });
  }
  return offers.filter((offer) =>
    offer.itineraries.every(
      (itinerary, index) => minutesOf(itinerary) * 100 <= (shortest[index] ?? 0) * percent,
    ),
  );
}

/** Minutes of an itinerary's ISO 8601 duration ("PT7H5M"). */
function minutesOf(itinerary: ItineraryView): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(itinerary.duration);
  return Number(match?.[1] ?? 0) * 60 + Number(match?.[2] ?? 0);
}

/**
 * An Amadeus time window around a local time: `time` "10:00:00" with `timeWindow` "2H" is 08:00 to
 * 12:00. Amadeus documents no window for a time given alone; it is read as the hour either side.
 */
export function timeWindow(time: string | undefined, window: string | undefined): TimeWindow | undefined {
  if (time === undefined) return undefined;
  const minutes = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  const hours = window === undefined ? 1 : Number(/^(\d{1,2})H$/.exec(window)?.[1] ?? 1);
  const clock = (m: number) => {
    const bounded = Math.min(Math.max(m, 0), 23 * 60 + 59);
    return `${String(Math.floor(bounded / 60)).padStart(2, '0')}:${String(bounded % 60).padStart(2, '0')}`;
  };
  return { from: clock(minutes - hours * 60), to: clock(minutes + hours * 60) };
}
