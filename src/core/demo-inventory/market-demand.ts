import type { Airport } from '../../ports/airports.js';
import { EU_SINGLE_MARKET, TERRITORY_OF } from './carriers.js';

/** Pairs closer than this are left to road and rail. */
export const MIN_SECTOR_KM = 150;

/** The country an airport's routes count as domestic for (territories belong to their country). */
export function countryOf(airport: Airport): string {
  return TERRITORY_OF[airport.country] ?? airport.country;
}

/**
 * Relative passenger demand between two airports, a gravity model: the product of their annual
 * passengers over a power of distance, damped below 1,000 km where road and rail take a growing
 * share, and raised for domestic pairs (same language, currency, no border) and, less, inside the
 * EU single market. The distance exponent (0.6) is lower than the classic gravity model's 1 because
 * air's share of all travel grows with distance, which offsets the fall in total travel.
 */
export function demandOf(
  a: Airport,
  b: Airport,
  km: number,
  passengers: (airport: Airport) => number,
): number {
  const friction = (Math.max(km, 400) / 1000) ** 0.6;
  const surface = km >= 1000 ? 1 : 0.3 + (0.7 * (km - MIN_SECTOR_KM)) / (1000 - MIN_SECTOR_KM);
  const sameCountry = countryOf(a) === countryOf(b);
  const pairing = sameCountry
    ? 2
    : EU_SINGLE_MARKET.has(countryOf(a)) && EU_SINGLE_MARKET.has(countryOf(b))
      ? 1.5
      : 1;
  return ((passengers(a) * passengers(b)) / friction) * surface * pairing;
}
