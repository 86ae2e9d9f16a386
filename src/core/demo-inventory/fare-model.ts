import type { Cabin } from '../../ports/store.js';

/**
 * The fare model, calibrated against published averages (see docs/adr/0012-demo-world.md):
 * a distance-tapered economy fare for a full-service carrier with one competitor, scaled by the
 * carrier's model, the competition on the market, advance purchase and how full the flight is,
 * then by cabin.
 */
export interface FareInputs {
  distanceKm: number;
  cabin: Cabin;
  /** Days between the sale (seeding) and departure. */
  daysToDeparture: number;
  /** Share of the flight already sold, 0..1. */
  loadFactor: number;
  /** Per-flight noise factor around 1 (e.g. 0.92..1.08). */
  noise: number;
  lowCostCarrier: boolean;
  /** Carriers flying the market nonstop. */
  competitors: number;
  /** A low-cost carrier flies the market (full-service carriers price against it). */
  lowCostOnMarket: boolean;
}

/** One-way economy fare, USD, of a full-service carrier with one competitor at a typical booking time. */
export function economyReferenceUsd(distanceKm: number): number {
  return 30 + 2.4 * Math.max(0, distanceKm) ** 0.6;
}

/** Low-cost carriers sell at about a third of the full-service fare (Ryanair's average €42–58). */
const LOW_COST_FACTOR = 0.35;
const PREMIUM_ECONOMY_MULTIPLE = 1.8;
const FIRST_OVER_BUSINESS = 1.7;

/** Business over economy: about 2.5× on short haul, growing to 4.2× on long haul (transatlantic averages). */
export function businessMultiple(distanceKm: number): number {
  return 2.5 + 1.7 * Math.min(1, Math.max(0, (distanceKm - 1_000) / 5_000));
}

/** A monopoly prices higher, every further carrier lower (a fare-competition elasticity in the usual range). */
export function competitionFactor(
  competitors: number,
  lowCostOnMarket: boolean,
  lowCostCarrier: boolean,
): number {
  const byCount =
    competitors <= 1
      ? 1.15
      : competitors === 2
        ? 1
        : competitors === 3
          ? 0.93
          : competitors === 4
            ? 0.88
            : 0.85;
  return byCount * (lowCostOnMarket && !lowCostCarrier ? 0.9 : 1);
}

/** Fares rise as departure nears: ×0.8 two months out, ×0.92 at three weeks, ×1.5 on the day. */
export function advancePurchaseFactor(daysToDeparture: number): number {
  return 0.8 + 0.7 * Math.exp(-Math.max(0, daysToDeparture) / 12);
}

/** Fares rise as the flight fills (revenue management closes the low fare buckets). */
export function loadFactorFactor(loadFactor: number): number {
  return 0.85 + 0.5 * Math.min(1, Math.max(0, loadFactor)) ** 2;
}

function cabinMultiple(cabin: Cabin, distanceKm: number): number {
  switch (cabin) {
    case 'economy':
      return 1;
    case 'premium_economy':
      return PREMIUM_ECONOMY_MULTIPLE;
    case 'business':
      return businessMultiple(distanceKm);
    case 'first':
      return businessMultiple(distanceKm) * FIRST_OVER_BUSINESS;
  }
}

/**
 * One-way adult base fare in USD cents (taxes apart). Premium cabins respond half as much to
 * advance purchase as economy, which keeps first > business > premium economy > economy on every
 * flight.
 */
export function baseFareCents(inputs: FareInputs): number {
  const { distanceKm, cabin, daysToDeparture, loadFactor, noise } = inputs;
  const urgency = advancePurchaseFactor(daysToDeparture);
  const timing = cabin === 'economy' || cabin === 'premium_economy' ? urgency : 1 + (urgency - 1) / 2;
  const dollars =
    economyReferenceUsd(distanceKm) *
    (inputs.lowCostCarrier ? LOW_COST_FACTOR : 1) *
    competitionFactor(inputs.competitors, inputs.lowCostOnMarket, inputs.lowCostCarrier) *
    cabinMultiple(cabin, distanceKm) *
    timing *
    loadFactorFactor(loadFactor) *
    noise;
  return Math.max(10, Math.round(dollars)) * 100;
}

/** Taxes and fees per passenger in USD cents: the departure airport's fee plus a share of the fare. */
export function taxesCents(baseCents: number, airportFeeCents: number): number {
  return airportFeeCents + Math.round((baseCents * 0.075) / 10) * 10;
}
