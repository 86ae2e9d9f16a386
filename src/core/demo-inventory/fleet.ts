import type { Cabin } from '../../ports/store.js';

/** An aircraft type (IATA code) with the seats of each cabin it is fitted with. */
export interface AircraftType {
  code: string;
  seats: Partial<Record<Cabin, number>>;
  /** Cruise speed used for block times, km/h. */
  speedKmh: number;
}

const TURBOPROP: AircraftType = { code: 'AT7', seats: { economy: 70 }, speedKmh: 480 };
const REGIONAL_JET: AircraftType = { code: 'E90', seats: { economy: 88, business: 12 }, speedKmh: 760 };
const NARROW_BODY: readonly AircraftType[] = [
  { code: '320', seats: { economy: 150, business: 12 }, speedKmh: 800 },
  { code: '738', seats: { economy: 160, business: 12 }, speedKmh: 800 },
  { code: '32N', seats: { economy: 168, business: 12 }, speedKmh: 810 },
];
const WIDE_BODY: readonly AircraftType[] = [
  { code: '789', seats: { economy: 216, premium_economy: 28, business: 42 }, speedKmh: 880 },
  { code: '359', seats: { economy: 230, premium_economy: 24, business: 40 }, speedKmh: 880 },
  { code: '333', seats: { economy: 250, business: 36 }, speedKmh: 860 },
];
const FLAGSHIP: readonly AircraftType[] = [
  { code: '77W', seats: { economy: 270, premium_economy: 40, business: 60, first: 8 }, speedKmh: 890 },
  { code: '388', seats: { economy: 399, premium_economy: 56, business: 76, first: 14 }, speedKmh: 890 },
];

/** The aircraft a route of this length is flown with; `pick` chooses among equivalent types. */
export function aircraftFor(distanceKm: number, pick: <T>(items: readonly T[]) => T): AircraftType {
  if (distanceKm < 450) return TURBOPROP;
  if (distanceKm < 900) return REGIONAL_JET;
  if (distanceKm < 4500) return pick(NARROW_BODY);
  if (distanceKm < 9000) return pick(WIDE_BODY);
  return pick(FLAGSHIP);
}

/** Scheduled block time in minutes (taxi, climb and descent allowance plus cruise), rounded to 5. */
export function blockMinutes(distanceKm: number, aircraft: AircraftType): number {
  const minutes = 35 + (distanceKm / aircraft.speedKmh) * 60 * 1.04;
  return Math.round(minutes / 5) * 5;
}
