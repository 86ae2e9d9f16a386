export interface PassengerCounts {
  adults: number;
  children: number;
  infants: number;
}

import type { PassengerType } from '../../ports/bookings.js';

export type TravelerType = 'adult' | 'child' | 'infant';

/**
 * Share of the adult base fare each passenger type pays, and whether it pays taxes; infants travel
 * on a lap at 10% of the fare without seat taxes, as on most carriers.
 */
const FARE_SHARE: Record<TravelerType, { fare: number; taxes: boolean }> = {
  adult: { fare: 1, taxes: true },
  child: { fare: 0.75, taxes: true },
  infant: { fare: 0.1, taxes: false },
};

/** Base and taxes of one passenger type, per passenger, minor units of the inventory currency. */
export interface TravelerPrice {
  type: TravelerType;
  count: number;
  base: number;
  taxes: number;
}

/** The adult fare and per-passenger taxes of one priced part of a journey (a flight's cabin, a fare component). */
export interface FarePart {
  fare: number;
  taxes: number;
}

/**
 * Price of a journey's parts (flight cabins, or fare components) for each passenger type present;
 * each part's share is rounded on its own, as carriers price each component.
 */
export function priceTravelers(cabins: readonly FarePart[], passengers: PassengerCounts): TravelerPrice[] {
  const counts: [TravelerType, number][] = [
    ['adult', passengers.adults],
    ['child', passengers.children],
    ['infant', passengers.infants],
  ];
  return counts
    .filter(([, count]) => count > 0)
    .map(([type, count]) => {
      const share = FARE_SHARE[type];
      let base = 0;
      let taxes = 0;
      for (const cabin of cabins) {
        base += Math.round(cabin.fare * share.fare);
        if (share.taxes) taxes += cabin.taxes;
      }
      return { type, count, base, taxes };
    });
}

/**
 * The fare a passenger of a booking pays. An infant in a seat of its own is priced as a child (the
 * only fare filed for a seated passenger under 12; no infant-with-seat fares are filed) and takes a
 * seat like one.
 */
export function fareTypeOf(type: PassengerType): TravelerType {
  return type === 'seated_infant' ? 'child' : type;
}

/** Seats a booking takes: held infants sit on a lap; children (seated infants among them) take one. */
export function seatsNeeded(passengers: PassengerCounts): number {
  return passengers.adults + passengers.children;
}
