/**
 * Cache tags name what a cached search depends on, so an inventory change invalidates exactly the
 * searches that could have seen it. Producers (searches) and invalidators (price, availability and
 * booking events) build tags only through these functions.
 */

/** Flights on one directed route departing on one UTC date. */
export function flightRouteTag(origin: string, destination: string, utcDate: string): string {
  return `flight:${origin}-${destination}:${utcDate}`;
}

/** Room nights of one city's hotels on one date. */
export function hotelCityTag(cityCode: string, date: string): string {
  return `hotel-city:${cityCode}:${date}`;
}

/** UTC dates (YYYY-MM-DD) touched by the half-open window [fromMs, toMs). */
export function utcDatesBetween(fromMs: number, toMs: number): string[] {
  const dates: string[] = [];
  const day = 86_400_000;
  for (let t = Math.floor(fromMs / day) * day; t < toMs; t += day)
    dates.push(new Date(t).toISOString().slice(0, 10));
  return dates;
}
