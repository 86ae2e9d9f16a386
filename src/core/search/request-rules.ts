import { daysBetween, isCalendarDate } from '../../kernel/zoned-time.js';
import { invalidField } from '../errors.js';
import type { FlightSearchRequest } from '../flights/flight-search-request.js';
import type { HotelSearchRequest, HotelSort } from '../hotels/hotel-search.js';
import { USD_RATES } from '../money/currencies.js';
import { parseAmount } from '../money/money.js';

/**
 * A flight search as a client asks it, already well-formed (types and bounds checked by the
 * transport's schema). Field errors name the v1 query parameter (`query.returnDate`); other
 * transports translate those names to their own.
 */
export interface FlightSearchQuery extends Omit<FlightSearchRequest, 'maxPrice' | 'carriers' | 'currency'> {
  /** Decimal amount in `currency`. */
  maxPrice?: string;
  /** Comma-separated IATA carrier codes. */
  carriers?: string;
  currency?: string;
}

/** A hotel search as a client asks it, already well-formed; by city, by point or by hotel ids. */
export interface HotelSearchQuery {
  cityCode?: string;
  lat?: number;
  lon?: number;
  radiusKm?: number;
  /** Exactly these hotels (instead of a city or a point). */
  hotelIds?: readonly string[];
  checkIn: string;
  checkOut: string;
  adults: number;
  rooms: number;
  minStars?: number;
  maxPrice?: string;
  sort: HotelSort;
  currency?: string;
}

/**
 * What a flight search asks when the client leaves a field out. The v1 schema states these as its
 * defaults (http/schemas/flights.ts), and a search the platform runs itself (a prewarmed
 * route-date) fills them in the same, so both land on one cache key.
 */
export const FLIGHT_SEARCH_DEFAULTS = {
  adults: 1,
  children: 0,
  infants: 0,
  cabin: 'economy',
  maxStops: 2,
  sort: 'price',
} as const satisfies Partial<FlightSearchQuery>;

/** A one-way search of a route on a date, every other field at its default. */
export function flightSearchQuery(route: {
  origin: string;
  destination: string;
  departureDate: string;
}): FlightSearchQuery {
  return { ...FLIGHT_SEARCH_DEFAULTS, ...route };
}

/** A search or an order for a party without an adult is refused: children and infants travel with one. */
export function requireAnAdult(adults: number): void {
  if (adults < 1) throw invalidField('query.adults', 'at least one adult traveller is required');
}

/** The rest of a flight search's party rules: an adult per infant (on a lap), at most 9 seats. */
export function checkParty(party: { adults: number; children: number; infants: number }): void {
  if (party.infants > party.adults)
    throw invalidField('query.infants', 'each infant needs an adult (infants ≤ adults)');
  if (party.adults + party.children > 9) {
    throw invalidField('query.children', 'at most 9 seated passengers (adults + children) per search');
  }
}

/** Currency the demo inventory is priced in; the default of every search. */
export const DEFAULT_CURRENCY = 'USD';

function currencyOf(value: string | undefined): string {
  const currency = (value ?? DEFAULT_CURRENCY).toUpperCase();
  if (USD_RATES[currency] === undefined) {
    throw invalidField('query.currency', `unsupported currency "${currency}"`);
  }
  return currency;
}

function calendarDate(value: string, field: string): string {
  if (!isCalendarDate(value)) throw invalidField(field, `${value} is not a calendar date`);
  return value;
}

function amount(value: string | undefined, currency: string): number | undefined {
  if (value === undefined) return undefined;
  const minor = parseAmount(value, currency);
  if (minor === undefined) throw invalidField('query.maxPrice', `"${value}" is not an amount in ${currency}`);
  return minor;
}

/**
 * Turns a schema-valid flight query into the core's request: codes upper-cased, dates checked as
 * real calendar dates, cross-field rules (an adult, return after departure, infants ≤ adults, seats ≤ 9).
 * Equivalent queries give equal requests, so they share one cache entry.
 */
export function toFlightSearchRequest(query: FlightSearchQuery): FlightSearchRequest {
  // Before anything else, as the Amadeus routes always answered it.
  requireAnAdult(query.adults);
  const currency = currencyOf(query.currency);
  const departureDate = calendarDate(query.departureDate, 'query.departureDate');
  const returnDate =
    query.returnDate === undefined ? undefined : calendarDate(query.returnDate, 'query.returnDate');
  if (returnDate !== undefined && returnDate < departureDate) {
    throw invalidField('query.returnDate', 'returnDate must not be before departureDate');
  }
  checkParty(query);
  const carriers = query.carriers ? [...new Set(query.carriers.toUpperCase().split(','))].sort() : undefined;
  return {
    origin: query.origin.toUpperCase(),
    destination: query.destination.toUpperCase(),
    departureDate,
    returnDate,
    adults: query.adults,
    children: query.children,
    infants: query.infants,
    cabin: query.cabin,
    maxStops: query.maxStops,
    sort: query.sort,
    maxPrice: amount(query.maxPrice, currency),
    carriers,
    currency,
  };
}

/** Turns a schema-valid hotel query into the core's request (city or coordinates, dates, occupancy). */
export function toHotelSearchRequest(query: HotelSearchQuery): HotelSearchRequest {
  const currency = currencyOf(query.currency);
  const checkIn = calendarDate(query.checkIn, 'query.checkIn');
  const checkOut = calendarDate(query.checkOut, 'query.checkOut');
  if (daysBetween(checkIn, checkOut) < 1)
    throw invalidField('query.checkOut', 'checkOut must be after checkIn');
  const byPoint = query.lat !== undefined || query.lon !== undefined;
  const hotelIds = query.hotelIds === undefined ? undefined : [...new Set(query.hotelIds)].sort();
  if (hotelIds !== undefined && (query.cityCode !== undefined || byPoint)) {
    throw invalidField('query.hotelIds', 'give hotelIds, cityCode or lat+lon, only one of them');
  }
  if (query.cityCode !== undefined && byPoint) {
    throw invalidField('query.cityCode', 'give either cityCode or lat+lon, not both');
  }
  if (query.cityCode === undefined && !byPoint && hotelIds === undefined) {
    throw invalidField('query.cityCode', 'cityCode or lat+lon is required');
  }
  if (byPoint && (query.lat === undefined || query.lon === undefined)) {
    throw invalidField(query.lat === undefined ? 'query.lat' : 'query.lon', 'lat and lon go together');
  }
  if (!byPoint && query.radiusKm !== undefined) {
    throw invalidField('query.radiusKm', 'radiusKm goes with lat and lon');
  }
  if (query.rooms > query.adults) throw invalidField('query.rooms', 'each room needs at least one adult');
  return {
    cityCode: query.cityCode?.toUpperCase(),
    hotelIds,
    latitude: query.lat,
    longitude: query.lon,
    radiusKm: byPoint ? (query.radiusKm ?? 10) : undefined,
    checkIn,
    checkOut,
    adults: query.adults,
    rooms: query.rooms,
    minStars: query.minStars,
    maxPrice: amount(query.maxPrice, currency),
    sort: query.sort,
    currency,
  };
}
