import type { Cabin, CabinInventory } from '../../../ports/store.js';
import { baseFareCents, taxesCents } from '../../demo-inventory/fare-model.js';

/** Days before departure the estimate assumes: a typical booking time, so a re-import prices the same. */
const TYPICAL_DAYS_TO_DEPARTURE = 45;
/** Airport fee of the estimate, USD cents (the middle of the demo world's range). */
const TYPICAL_AIRPORT_FEE_CENTS = 2_500;

/**
 * Cabins of an imported leg priced by the demo fare model (`--estimate-fares`), in USD: a
 * full-service carrier with one competitor, an empty flight, booked at a typical time. Offers of such
 * flights say their price is estimated; an operator replaces it with a fare file.
 */
export function estimatedCabins(distanceKm: number, seats: Partial<Record<Cabin, number>>): CabinInventory[] {
  return (Object.entries(seats) as [Cabin, number][]).map(([cabin, capacity]) => {
    const fare = baseFareCents({
      distanceKm,
      cabin,
      daysToDeparture: TYPICAL_DAYS_TO_DEPARTURE,
      loadFactor: 0,
      noise: 1,
      lowCostCarrier: false,
      competitors: 2,
      lowCostOnMarket: false,
    });
    return { cabin, fare, taxes: taxesCents(fare, TYPICAL_AIRPORT_FEE_CENTS), seatsLeft: capacity, capacity };
  });
}

/** Cabins of a leg priced from fare filings at search time: seats only, `fare` unused. */
export function filedCabins(seats: Partial<Record<Cabin, number>>): CabinInventory[] {
  return (Object.entries(seats) as [Cabin, number][]).map(([cabin, capacity]) => ({
    cabin,
    fare: 0,
    taxes: 0,
    seatsLeft: capacity,
    capacity,
  }));
}
