import type { Cabin } from '../../ports/store.js';
import type { PassengerCounts } from '../pricing/passenger-pricing.js';

/** What a flight offer id carries: enough to re-price it against live inventory. */
export interface FlightOfferReference {
  kind: 'flight';
  /** Flight ids per itinerary (outbound, then return); empty for a remote supplier's offer. */
  legs: string[][];
  /** The remote supplier that owns the offer (absent: the own inventory). */
  supplier?: string;
  /** That supplier's own id of the offer. */
  supplierOffer?: string;
  cabin: Cabin;
  passengers: PassengerCounts;
  /** Total quoted, minor units of `currency`. */
  total: number;
  currency: string;
  /** Epoch ms after which the offer can no longer be confirmed. */
  expiresAt: number;
}

/** What a hotel offer id carries. */
export interface HotelOfferReference {
  kind: 'hotel';
  hotelId: string;
  roomType: string;
  checkIn: string;
  checkOut: string;
  adults: number;
  rooms: number;
  total: number;
  currency: string;
  expiresAt: number;
}

export type OfferReference = FlightOfferReference | HotelOfferReference;

/** Narrows an untrusted decoded payload to an OfferReference, or undefined. */
export function asOfferReference(value: unknown): OfferReference | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.total !== 'number' || typeof v.currency !== 'string' || typeof v.expiresAt !== 'number') {
    return undefined;
  }
  if (
    v.kind === 'flight' &&
    Array.isArray(v.legs) &&
    typeof v.cabin === 'string' &&
    typeof v.passengers === 'object'
  ) {
    return value as FlightOfferReference;
  }
  if (v.kind === 'hotel' && typeof v.hotelId === 'string' && typeof v.checkIn === 'string') {
    return value as HotelOfferReference;
  }
  return undefined;
}
