import type { Cabin } from '../../../ports/store.js';

/** An aircraft type as the demo network flies it. */
export interface AircraftType {
  /** IATA aircraft type code, as schedules show it. */
  code: string;
  name: string;
  category: 'turboprop' | 'regional' | 'narrow' | 'wide';
  /** Seats per cabin of a typical full-service layout. */
  seats: Partial<Record<Cabin, number>>;
  /** Seats of a typical single-cabin low-cost layout. */
  lccSeats: number;
  /** Range with a typical payload and reserves, km. */
  rangeKm: number;
  /** Typical cruise speed, km/h. */
  cruiseKmh: number;
}

/**
 * Types of the demo fleets. Ranges and cruise speeds are the manufacturers' published figures
 * (Airbus, Boeing, Embraer, ATR, De Havilland Canada, Bombardier airport-planning and marketing
 * pages, read 2025), rounded; seat counts are typical layouts of the carriers that fly them
 * (e.g. BA's A320neo, Delta's A330-300, ANA's domestic 777-300, Emirates' A380), rounded.
 */
// biome-ignore format: one type a line
export const AIRCRAFT_TYPES: readonly AircraftType[] = [
  { code: 'AT7', name: 'ATR 72-600', category: 'turboprop', seats: { economy: 70 }, lccSeats: 78, rangeKm: 1_500, cruiseKmh: 510 },
  { code: 'DH4', name: 'De Havilland Dash 8-400', category: 'turboprop', seats: { economy: 76 }, lccSeats: 86, rangeKm: 2_000, cruiseKmh: 560 },
  { code: 'CR9', name: 'Bombardier CRJ900', category: 'regional', seats: { business: 12, economy: 64 }, lccSeats: 90, rangeKm: 2_900, cruiseKmh: 830 },
  { code: 'E75', name: 'Embraer 175', category: 'regional', seats: { business: 12, economy: 64 }, lccSeats: 88, rangeKm: 3_700, cruiseKmh: 830 },
  { code: 'E90', name: 'Embraer 190', category: 'regional', seats: { business: 12, economy: 86 }, lccSeats: 100, rangeKm: 4_500, cruiseKmh: 830 },
  { code: '320', name: 'Airbus A320', category: 'narrow', seats: { business: 12, economy: 150 }, lccSeats: 180, rangeKm: 6_100, cruiseKmh: 830 },
  { code: '32N', name: 'Airbus A320neo', category: 'narrow', seats: { business: 12, economy: 156 }, lccSeats: 186, rangeKm: 6_300, cruiseKmh: 830 },
  { code: '32Q', name: 'Airbus A321neo', category: 'narrow', seats: { business: 16, premium_economy: 24, economy: 150 }, lccSeats: 230, rangeKm: 7_400, cruiseKmh: 830 },
  { code: '738', name: 'Boeing 737-800', category: 'narrow', seats: { business: 16, economy: 144 }, lccSeats: 189, rangeKm: 5_400, cruiseKmh: 830 },
  { code: '7M8', name: 'Boeing 737 MAX 8', category: 'narrow', seats: { business: 16, economy: 150 }, lccSeats: 197, rangeKm: 6_500, cruiseKmh: 830 },
  { code: '763', name: 'Boeing 767-300ER', category: 'wide', seats: { business: 30, premium_economy: 21, economy: 160 }, lccSeats: 260, rangeKm: 11_000, cruiseKmh: 850 },
  { code: '333', name: 'Airbus A330-300', category: 'wide', seats: { business: 34, premium_economy: 21, economy: 226 }, lccSeats: 377, rangeKm: 11_750, cruiseKmh: 870 },
  { code: '773', name: 'Boeing 777-300 (domestic)', category: 'wide', seats: { business: 21, economy: 493 }, lccSeats: 514, rangeKm: 11_100, cruiseKmh: 890 },
  { code: '788', name: 'Boeing 787-8', category: 'wide', seats: { business: 28, premium_economy: 21, economy: 185 }, lccSeats: 335, rangeKm: 13_500, cruiseKmh: 900 },
  { code: '789', name: 'Boeing 787-9', category: 'wide', seats: { business: 42, premium_economy: 28, economy: 216 }, lccSeats: 375, rangeKm: 14_000, cruiseKmh: 900 },
  { code: '772', name: 'Boeing 777-200ER', category: 'wide', seats: { business: 40, premium_economy: 24, economy: 240 }, lccSeats: 400, rangeKm: 13_000, cruiseKmh: 890 },
  { code: '77W', name: 'Boeing 777-300ER', category: 'wide', seats: { first: 8, business: 52, premium_economy: 28, economy: 260 }, lccSeats: 450, rangeKm: 13_600, cruiseKmh: 890 },
  { code: '77L', name: 'Boeing 777-200LR', category: 'wide', seats: { first: 8, business: 35, economy: 195 }, lccSeats: 300, rangeKm: 15_800, cruiseKmh: 890 },
  { code: '359', name: 'Airbus A350-900', category: 'wide', seats: { business: 40, premium_economy: 24, economy: 250 }, lccSeats: 400, rangeKm: 15_000, cruiseKmh: 900 },
  { code: '35K', name: 'Airbus A350-1000', category: 'wide', seats: { business: 46, premium_economy: 32, economy: 250 }, lccSeats: 440, rangeKm: 16_100, cruiseKmh: 900 },
  { code: '388', name: 'Airbus A380-800', category: 'wide', seats: { first: 14, business: 76, premium_economy: 44, economy: 350 }, lccSeats: 600, rangeKm: 14_800, cruiseKmh: 900 },
];

export const AIRCRAFT_BY_CODE: ReadonlyMap<string, AircraftType> = new Map(
  AIRCRAFT_TYPES.map((t) => [t.code, t]),
);
