import type { Cabin, CabinInventory, FlightRecord } from '../../ports/store.js';
import { type PassengerCounts, priceTravelers, seatsNeeded } from '../pricing/passenger-pricing.js';
import { type PriceQuote, quotePrice } from '../pricing/price-quote.js';

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
 * Price of a journey (all flights of all itineraries) in `currency`. Every flight must have the
 * cabin (callers check `hasSeats` first).
 */
export function priceJourney(
  flights: readonly FlightRecord[],
  cabin: Cabin,
  passengers: PassengerCounts,
  currency: string,
): PriceQuote {
  const cabins = flights.map((flight) => cabinOf(flight, cabin) as CabinInventory);
  const inventoryCurrency = flights[0]?.currency ?? currency;
  return quotePrice(priceTravelers(cabins, passengers), inventoryCurrency, currency);
}
