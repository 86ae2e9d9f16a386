import type { Airport } from '../../ports/airports.js';
import type { Cabin } from '../../ports/store.js';
import type { DemoCarrier } from './carriers.js';
import { AIRCRAFT_BY_CODE, type AircraftType } from './reference/aircraft-types.js';

export type { AircraftType } from './reference/aircraft-types.js';

/** Most departures a day one carrier puts on a route, by stage length, before it flies bigger aircraft. */
function maxDailyFrequency(distanceKm: number): number {
  if (distanceKm < 1_500) return 12;
  if (distanceKm < 4_500) return 8;
  return 5;
}

/** Seats a type offers in the carrier's layout. */
export function seatsOf(type: AircraftType, carrier: DemoCarrier): Partial<Record<Cabin, number>> {
  return carrier.model === 'lcc' ? { economy: type.lccSeats } : type.seats;
}

function totalSeats(type: AircraftType, carrier: DemoCarrier): number {
  return Object.values(seatsOf(type, carrier)).reduce((sum, n) => sum + (n ?? 0), 0);
}

/** The carrier's types that can fly this stage, or an empty list. */
export function typesInRange(carrier: DemoCarrier, distanceKm: number): AircraftType[] {
  return carrier.fleet
    .map((code) => AIRCRAFT_BY_CODE.get(code))
    .filter((t): t is AircraftType => t !== undefined && t.rangeKm >= distanceKm);
}

/**
 * Whether a type is one a carrier would put on this stage and demand: turboprops only on short thin
 * routes, regional jets on thin ones up to 2,000 km, wide-bodies on long haul and, for the carriers
 * that do so (Japan, China, Korea, the Gulf…), on their densest short-haul markets; narrow-bodies
 * anywhere in range.
 */
function suits(type: AircraftType, carrier: DemoCarrier, distanceKm: number, dailySeats: number): boolean {
  switch (type.category) {
    case 'turboprop':
      return distanceKm <= 600 && dailySeats <= 600;
    case 'regional':
      return distanceKm <= 2_000 && dailySeats <= 1_000;
    case 'narrow':
      return true;
    case 'wide':
      // First-class layouts belong on long haul only.
      if (type.seats.first) return distanceKm >= 2_500;
      return distanceKm >= 2_500 || (carrier.denseWidebodies === true && dailySeats >= 3_000);
  }
}

export interface FleetChoice {
  aircraft: AircraftType;
  /** Departures a day each way the seats need with this type (fractional for thin routes). */
  dailyFlights: number;
}

/**
 * The type a carrier flies a route with to offer `dailySeats` seats a day each way, and the
 * departures that takes: the smallest suitable type that keeps the frequency within the stage's
 * maximum (long haul prefers wide-bodies). Undefined when no type of the fleet has the range.
 */
export function chooseFleet(
  carrier: DemoCarrier,
  distanceKm: number,
  dailySeats: number,
): FleetChoice | undefined {
  const inRange = typesInRange(carrier, distanceKm);
  if (inRange.length === 0) return undefined;
  const suitable = inRange.filter((t) => suits(t, carrier, distanceKm, dailySeats));
  const pool = (suitable.length > 0 ? suitable : inRange).sort(
    (x, y) => totalSeats(x, carrier) - totalSeats(y, carrier) || x.code.localeCompare(y.code),
  );
  const longHaul = distanceKm >= 5_000 && pool.some((t) => t.category === 'wide');
  const candidates = longHaul ? pool.filter((t) => t.category === 'wide') : pool;
  const cap = maxDailyFrequency(distanceKm);
  const aircraft =
    candidates.find((t) => dailySeats / totalSeats(t, carrier) <= cap) ?? (candidates.at(-1) as AircraftType);
  return { aircraft, dailyFlights: dailySeats / totalSeats(aircraft, carrier) };
}

/** Taxi-out and taxi-in minutes at an airport by its traffic: congested hubs take longer. */
function taxiMinutes(passengersMillions: number): { out: number; in: number } {
  if (passengersMillions >= 40) return { out: 18, in: 9 };
  if (passengersMillions >= 15) return { out: 14, in: 7 };
  return { out: 10, in: 5 };
}

/** Initial great-circle bearing from one point to another, radians clockwise from north. */
function bearing(from: Airport, to: Airport): number {
  const lat1 = (from.latitude * Math.PI) / 180;
  const lat2 = (to.latitude * Math.PI) / 180;
  const dLon = ((to.longitude - from.longitude) * Math.PI) / 180;
  const y = Math.sin(dLon) * Math.cos(lat2);
  const x = Math.cos(lat1) * Math.sin(lat2) - Math.sin(lat1) * Math.cos(lat2) * Math.cos(dLon);
  return Math.atan2(y, x);
}

/** Minutes for climb and descent above the cruise time of the same distance. */
const CLIMB_DESCENT_MINUTES = 15;
/** Schedule padding airlines add to sectors of this length or more (winds, holding), minutes. */
const LONG_SECTOR_KM = 2_000;
const LONG_SECTOR_PADDING = 10;
/** Airways are longer than the great circle. */
const ROUTING_FACTOR = 1.05;
/** Share of cruise time the mid-latitude westerlies add westbound and take off eastbound. */
const JET_STREAM_SHARE = 0.09;

/**
 * Scheduled block time in minutes, rounded to 5: taxi out at the origin and in at the destination
 * (by their traffic), a climb and descent allowance, cruise over the airway distance, the
 * jet stream's effect on east–west sectors outside the tropics and, on longer sectors, the
 * padding airlines schedule (JFK–LHR 6 h 55 min eastbound, 7 h 55 min westbound; JFK–LAX 6 h 20 min).
 */
export function blockMinutes(
  origin: Airport,
  destination: Airport,
  distanceKm: number,
  aircraft: AircraftType,
  passengersMillions: (airport: Airport) => number,
): number {
  const cruise = ((distanceKm * ROUTING_FACTOR) / aircraft.cruiseKmh) * 60;
  const midLatitude = Math.abs((origin.latitude + destination.latitude) / 2);
  const eastward = midLatitude > 20 ? Math.sin(bearing(origin, destination)) : 0;
  const wind = -JET_STREAM_SHARE * eastward * cruise;
  const taxi = taxiMinutes(passengersMillions(origin)).out + taxiMinutes(passengersMillions(destination)).in;
  const padding = distanceKm >= LONG_SECTOR_KM ? LONG_SECTOR_PADDING : 0;
  return Math.round((taxi + CLIMB_DESCENT_MINUTES + cruise + wind + padding) / 5) * 5;
}
