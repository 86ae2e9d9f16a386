import { invalidField } from '../core/errors.js';
import type { FlightSearchRequest } from '../core/flights/flight-search-request.js';
import type { HotelSearchRequest } from '../core/hotels/hotel-search.js';
import { USD_RATES } from '../core/money/currencies.js';
import { parseAmount } from '../core/money/money.js';
import { daysBetween, isCalendarDate } from '../core/time/zoned-time.js';
import type { FlightSearchQuery } from './schemas/flights.js';
import type { HotelSearchQuery } from './schemas/hotels.js';

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
 * real calendar dates, cross-field rules (return after departure, infants ≤ adults, seats ≤ 9).
 * Equivalent queries give equal requests, so they share one cache entry.
 */
export function toFlightSearchRequest(query: FlightSearchQuery): FlightSearchRequest {
  const currency = currencyOf(query.currency);
  const departureDate = calendarDate(query.departureDate, 'query.departureDate');
  const returnDate =
    query.returnDate === undefined ? undefined : calendarDate(query.returnDate, 'query.returnDate');
  if (returnDate !== undefined && returnDate < departureDate) {
    throw invalidField('query.returnDate', 'returnDate must not be before departureDate');
  }
  if (query.infants > query.adults)
    throw invalidField('query.infants', 'each infant needs an adult (infants ≤ adults)');
  if (query.adults + query.children > 9) {
    throw invalidField('query.children', 'at most 9 seated passengers (adults + children) per search');
  }
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
  if (query.cityCode !== undefined && byPoint) {
    throw invalidField('query.cityCode', 'give either cityCode or lat+lon, not both');
  }
  if (query.cityCode === undefined && !byPoint) {
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
