/**
 * Tags naming what a cached search result depends on. Events that change prices or availability
 * (`price.updated`, `availability.changed`, bookings) invalidate the same tags built from their own
 * data, so both sides must build them here.
 *
 * Dates are the calendar dates (YYYY-MM-DD) the inventory uses: a flight's departure date, a hotel night.
 */
import type { CanonicalLocation } from './search-cache-keys.js';

/** Longest stay tagged night by night; a longer range is cut here rather than build thousands of tags. */
const MAX_NIGHTS = 366;

/** `flight:JFK-LHR:2026-12-01`: flights from `origin` to `destination` departing on `date`. */
export function flightRouteTag(origin: string, destination: string, date: string): string {
  return `flight:${origin.trim().toUpperCase()}-${destination.trim().toUpperCase()}:${date}`;
}

/** `hotel-city:PAR:2026-12-01`: hotel nights in the city on `date`. */
export function hotelCityNightTag(cityCode: string, date: string): string {
  return `hotel-city:${cityCode.trim().toUpperCase()}:${date}`;
}

/** `hotel:{id}`: anything about one hotel. */
export function hotelTag(hotelId: string): string {
  return `hotel:${hotelId}`;
}

/** One flight leg as tags see it. */
export interface FlightLegTagInput {
  origin: string;
  destination: string;
  /** YYYY-MM-DD. */
  date: string;
}

export interface FlightSearchTagInput {
  origin: string;
  destination: string;
  departureDate: string;
  returnDate?: string;
}

/**
 * Tags of a flight search: each requested leg (outbound, and inbound when `returnDate` is set), with
 * city codes expanded to their airports by `airportsOf`, plus every segment of the results (so a price
 * change on a connecting leg reaches the searches showing it).
 */
export function flightSearchTags(
  request: FlightSearchTagInput,
  resultSegments: readonly FlightLegTagInput[] = [],
  airportsOf: (code: string) => readonly string[] = (code) => [code],
): string[] {
  const tags = new Set<string>();
  const legs: FlightLegTagInput[] = [
    { origin: request.origin, destination: request.destination, date: request.departureDate },
  ];
  if (request.returnDate) {
    legs.push({ origin: request.destination, destination: request.origin, date: request.returnDate });
  }
  for (const leg of legs) {
    for (const from of expand(leg.origin, airportsOf)) {
      for (const to of expand(leg.destination, airportsOf)) tags.add(flightRouteTag(from, to, leg.date));
    }
  }
  for (const segment of resultSegments)
    tags.add(flightRouteTag(segment.origin, segment.destination, segment.date));
  return [...tags].sort();
}

export interface HotelSearchTagInput {
  /** City searched; absent for a search by coordinates. */
  cityCode?: string;
  /** First night, YYYY-MM-DD. */
  checkIn: string;
  /** Day of departure (not a night), YYYY-MM-DD. */
  checkOut: string;
}

/**
 * Tags of a hotel search: one `hotel-city` tag per night of the stay for the searched city and for the
 * city of every hotel in the results (which covers searches by coordinates), plus `hotel:{id}` per hotel.
 */
export function hotelSearchTags(
  request: HotelSearchTagInput,
  resultHotels: readonly { id: string; cityCode: string }[] = [],
): string[] {
  const nights = stayNights(request.checkIn, request.checkOut);
  const cities = new Set<string>();
  if (request.cityCode) cities.add(request.cityCode.trim().toUpperCase());
  for (const hotel of resultHotels) cities.add(hotel.cityCode.trim().toUpperCase());
  const tags = new Set<string>();
  for (const city of cities) for (const night of nights) tags.add(hotelCityNightTag(city, night));
  for (const hotel of resultHotels) tags.add(hotelTag(hotel.id));
  return [...tags].sort();
}

/** Nights of a stay: every date from `checkIn` up to, not including, `checkOut`; empty when not a valid range. */
export function stayNights(checkIn: string, checkOut: string): string[] {
  const start = parseDate(checkIn);
  const end = parseDate(checkOut);
  if (start === undefined || end === undefined) return [];
  const nights: string[] = [];
  for (let day = start; day < end && nights.length < MAX_NIGHTS; day += 86_400_000) {
    nights.push(new Date(day).toISOString().slice(0, 10));
  }
  return nights;
}

/** A location resolver turning a city code into its airports, for `flightSearchTags`; unknown codes stay as they are. */
export function airportsOfCity(
  byCityCode: (code: string) => readonly { iata: string }[],
): (code: string) => string[] {
  return (code) => {
    const airports = byCityCode(code.trim().toUpperCase());
    return airports.length > 0 ? airports.map((a) => a.iata) : [code];
  };
}

/** A `CanonicalLocation` folding a city served by one airport into that airport, from an airport directory. */
export function singleAirportCity(
  byCityCode: (code: string) => readonly { iata: string }[],
): CanonicalLocation {
  return (code) => {
    const airports = byCityCode(code);
    return airports.length === 1 && airports[0] ? airports[0].iata : code;
  };
}

function expand(code: string, airportsOf: (code: string) => readonly string[]): readonly string[] {
  const airports = airportsOf(code.trim().toUpperCase());
  return airports.length > 0 ? airports : [code];
}

function parseDate(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
