/**
 * Tags naming what a cached search result depends on. Events that change prices or availability
 * (`price.updated`, `availability.changed`, bookings) invalidate the same tags built from their own
 * data, so both sides must build them here.
 *
 * Dates are calendar dates (YYYY-MM-DD): a flight's UTC departure date, a hotel night.
 */

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
  const start = parseDate(checkIn);
  const end = parseDate(checkOut);
  if (start === undefined || end === undefined) return [];
  const nights: string[] = [];
  for (let day = start; day < end && nights.length < MAX_NIGHTS; day += 86_400_000) {
    nights.push(new Date(day).toISOString().slice(0, 10));
  }
  return nights;
}

function parseDate(date: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const ms = Date.parse(`${date}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
