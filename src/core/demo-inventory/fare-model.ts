import type { Cabin } from '../../ports/store.js';

const CABIN_MULTIPLIER: Record<Cabin, number> = {
  economy: 1,
  premium_economy: 1.7,
  business: 4.2,
  first: 7.5,
};

export interface FareInputs {
  distanceKm: number;
  cabin: Cabin;
  /** Days between the sale (seeding) and departure. */
  daysToDeparture: number;
  /** Share of the cabin already sold, 0..1. */
  loadFactor: number;
  /** Per-flight noise factor around 1 (e.g. 0.92..1.08). */
  noise: number;
}

/**
 * One-way adult base fare in USD cents. Grows sub-linearly with distance (short sectors cost more
 * per km), by cabin, as departure nears and as the cabin fills, like airline revenue management.
 */
export function baseFareCents({ distanceKm, cabin, daysToDeparture, loadFactor, noise }: FareInputs): number {
  const economy = 45 + 0.06 * distanceKm + 3.2 * Math.sqrt(distanceKm);
  const urgency = 0.85 + 0.75 * Math.exp(-Math.max(0, daysToDeparture) / 14);
  const demand = 0.8 + 0.6 * loadFactor ** 2;
  const dollars = economy * CABIN_MULTIPLIER[cabin] * urgency * demand * noise;
  return Math.round(dollars) * 100;
}

/** Taxes and fees per passenger in USD cents: the departure airport's fee plus a share of the fare. */
export function taxesCents(baseCents: number, airportFeeCents: number): number {
  return airportFeeCents + Math.round((baseCents * 0.075) / 10) * 10;
}
