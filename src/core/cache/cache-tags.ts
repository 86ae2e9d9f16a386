/**
 * Tags naming what a cached search result depends on. Events that change prices or availability
 * (`price.updated`, `availability.changed`, bookings) invalidate the same tags built from their own
 * data, so both sides must build them here.
 *
 * Dates are calendar dates (YYYY-MM-DD): a flight's UTC departure date, a hotel night.
 */
import { addDays, daysBetween, isCalendarDate } from '../../kernel/zoned-time.js';

/** Longest stay tagged night by night; a longer range is cut here rather than build thousands of tags. */
const MAX_NIGHTS = 366;

/** `flight:JFK-LHR:2026-12-01`: flights from `origin` to `destination` departing on `date`. */
export function flightRouteTag(origin: string, destination: string, date: string): string {
  return `flight:${origin.trim().toUpperCase()}-${destination.trim().toUpperCase()}:${date}`;
}

/**
 * `fares:JFK-LHR`: whatever the date, the route's cheapest-fare aggregates (discovery APIs; every
 * event tagging a flight of the route carries it, so one tag covers a calendar of many dates) and the
 * searches that priced a fare component from `origin` to `destination` with filed fares (a fares
 * import replaces a carrier's fares for every date at once).
 */
export function fareRouteTag(origin: string, destination: string): string {
  return `fares:${origin.trim().toUpperCase()}-${destination.trim().toUpperCase()}`;
}

/** `hotel-city:PAR:2026-12-01`: hotel nights in the city on `date`. */
export function hotelCityNightTag(cityCode: string, date: string): string {
  return `hotel-city:${cityCode.trim().toUpperCase()}:${date}`;
}

/** UTC dates touched by the half-open window [fromMs, toMs): the flight dates a search window reads. */
export function utcDatesBetween(fromMs: number, toMs: number): string[] {
  const dates: string[] = [];
  const day = 86_400_000;
  for (let t = Math.floor(fromMs / day) * day; t < toMs; t += day)
    dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}

/** Nights of a stay: every date from `checkIn` up to, not including, `checkOut`; empty when not a valid range. */
export function stayNights(checkIn: string, checkOut: string): string[] {
  if (!isCalendarDate(checkIn) || !isCalendarDate(checkOut)) return [];
  const count = Math.min(MAX_NIGHTS, Math.max(0, daysBetween(checkIn, checkOut)));
  return Array.from({ length: count }, (_, night) => addDays(checkIn, night));
}
