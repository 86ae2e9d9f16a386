import type { Cabin } from '../../ports/store.js';

export type FlightSort = 'price' | 'duration' | 'departure';

/** A validated flight search, with defaults applied. */
export interface FlightSearchRequest {
  /** IATA airport or city code. */
  origin: string;
  destination: string;
  departureDate: string;
  returnDate?: string;
  adults: number;
  children: number;
  infants: number;
  cabin: Cabin;
  maxStops: number;
  sort: FlightSort;
  /** Upper bound of the total, minor units of `currency`. */
  maxPrice?: number;
  /** Only itineraries flown entirely by these carriers. */
  carriers?: string[];
  currency: string;
}
