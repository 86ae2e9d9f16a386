import type { FlightSearchRequest } from '../../src/core/flights/flight-search-request.js';

/** A core flight search for one adult in economy, up to two stops, cheapest first, in USD. */
export function oneAdultEconomy(
  origin: string,
  destination: string,
  departureDate: string,
  more: Partial<FlightSearchRequest> = {},
): FlightSearchRequest {
  return {
    origin,
    destination,
    departureDate,
    adults: 1,
    children: 0,
    infants: 0,
    cabin: 'economy',
    maxStops: 2,
    sort: 'price',
    currency: 'USD',
    ...more,
  };
}
