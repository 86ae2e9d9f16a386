import { daysBetween, zonedToEpoch } from '../../kernel/zoned-time.js';
import type { Airport } from '../../ports/airports.js';
import { CABINS, type CabinInventory, type FlightRecord } from '../../ports/store.js';
import { baseFareCents, taxesCents } from './fare-model.js';
import { type AircraftType, blockMinutes, seatsOf } from './fleet.js';
import type { NetworkRoute } from './network.js';
import type { SeededRandom } from './random.js';

/** One departure of a route in one direction: same number and local time on each day it flies. */
export interface ScheduledService {
  carrier: string;
  lowCostCarrier: boolean;
  flightNumber: number;
  origin: Airport;
  destination: Airport;
  distanceKm: number;
  aircraft: AircraftType;
  seats: Partial<Record<(typeof CABINS)[number], number>>;
  /** Local departure time at the origin, minutes after midnight. */
  departureMinute: number;
  blockMinutes: number;
  /** Weekdays it flies (0 = Sunday), as local dates at the origin. */
  weekdays: ReadonlySet<number>;
  competitors: number;
  lowCostOnMarket: boolean;
}

/** Connecting banks at a hub: local departure times of each wave, minutes. */
const HUB_BANKS = [7 * 60, 9 * 60 + 30, 12 * 60, 14 * 60 + 30, 17 * 60, 19 * 60 + 30];
/** Minutes after a bank opens its departures spread over. */
const BANK_SPREAD = 45;
const FIRST_DEPARTURE = 6 * 60;
const LAST_DEPARTURE = 22 * 60 + 30;
/** Long-haul flights this long or longer are numbered from 1, the rest from 1000. */
const LONG_HAUL_KM = 4_500;
const ALL_WEEK: ReadonlySet<number> = new Set([0, 1, 2, 3, 4, 5, 6]);

/**
 * Local departure window of a long-haul flight where the market has a habit: North America to
 * Europe leaves in the evening and lands in the morning; Europe to North America leaves by day.
 */
function longHaulWindow(origin: Airport, destination: Airport): [number, number] | undefined {
  const americas = (a: Airport): boolean => a.longitude < -30;
  const europe = (a: Airport): boolean => a.longitude > -30 && a.longitude < 45 && a.latitude > 34;
  if (americas(origin) && europe(destination)) return [17 * 60, 22 * 60 + 30];
  if (europe(origin) && americas(destination)) return [8 * 60 + 30, 16 * 60];
  return undefined;
}

function departureMinute(
  route: NetworkRoute,
  origin: Airport,
  destination: Airport,
  slot: number,
  random: SeededRandom,
): number {
  const window = route.distanceKm >= 5_000 ? longHaulWindow(origin, destination) : undefined;
  let minute: number;
  if (window) {
    const width = (window[1] - window[0]) / route.perDay;
    minute = window[0] + width * slot + random.next() * width;
  } else if (route.carrier.hubs.includes(origin.iata)) {
    const bank =
      HUB_BANKS[
        Math.floor((slot * HUB_BANKS.length) / route.perDay + random.next() * 0.99) % HUB_BANKS.length
      ] ?? HUB_BANKS[0];
    minute = (bank as number) + random.next() * BANK_SPREAD;
  } else {
    const width = (LAST_DEPARTURE - FIRST_DEPARTURE) / route.perDay;
    minute = FIRST_DEPARTURE + width * slot + random.next() * width;
  }
  return Math.min(LAST_DEPARTURE, Math.round(minute / 5) * 5);
}

/** Weekdays of a route that flies `days` days a week, spread over the week. */
function weekdaysOf(days: number, random: SeededRandom): ReadonlySet<number> {
  if (days >= 7) return ALL_WEEK;
  const offset = random.int(0, 6);
  return new Set(Array.from({ length: days }, (_, k) => (Math.floor((k * 7) / days) + offset) % 7));
}

/** Expands routes into services with flight numbers (per carrier: long haul from 1, the rest from 1000). */
export function buildServices(
  routes: readonly NetworkRoute[],
  random: SeededRandom,
  passengers: (airport: Airport) => number,
): ScheduledService[] {
  const counters = new Map<string, { long: number; short: number }>();
  const services: ScheduledService[] = [];
  for (const route of routes) {
    const counter = counters.get(route.carrier.iata) ?? { long: 1, short: 1000 };
    counters.set(route.carrier.iata, counter);
    const weekdays = weekdaysOf(route.daysPerWeek, random);
    for (let slot = 0; slot < route.perDay; slot++) {
      for (const [origin, destination] of [
        [route.a, route.b],
        [route.b, route.a],
      ] as const) {
        const long = route.distanceKm >= LONG_HAUL_KM && counter.long < 1000;
        const flightNumber = long ? counter.long++ : counter.short++;
        services.push({
          carrier: route.carrier.iata,
          lowCostCarrier: route.carrier.model === 'lcc',
          flightNumber,
          origin,
          destination,
          distanceKm: route.distanceKm,
          aircraft: route.aircraft,
          seats: seatsOf(route.aircraft, route.carrier),
          departureMinute: departureMinute(route, origin, destination, slot, random),
          blockMinutes: blockMinutes(origin, destination, route.distanceKm, route.aircraft, passengers),
          weekdays,
          competitors: route.competitors,
          lowCostOnMarket: route.lowCostOnMarket,
        });
      }
    }
  }
  return services;
}

/** Whether a service flies on a local date (YYYY-MM-DD). */
export function fliesOn(service: ScheduledService, date: string): boolean {
  return service.weekdays.has(new Date(`${date}T00:00:00Z`).getUTCDay());
}

/** Values per cabin slot of a dated flight in `DatedFlightValues.cabins`: fare, taxes, seats left, capacity. */
export const CABIN_VALUES = 4;
/** Int32 values a dated flight's cabins take: CABIN_VALUES for each of CABINS (capacity 0: no such cabin). */
export const CABIN_WIDTH = CABINS.length * CABIN_VALUES;

/**
 * Draws the seats and fares of a service's dated flight, `daysToDeparture` days after the sale
 * date, into `cabins` at `at` (CABIN_WIDTH values, CABINS order; a cabin the aircraft lacks gets
 * capacity 0). Numbers only, so a generator thread can hand a day of them over in typed arrays.
 */
export function drawCabins(
  service: ScheduledService,
  daysToDeparture: number,
  airportFeeCents: number,
  random: SeededRandom,
  cabins: Int32Array,
  at: number,
): void {
  // Share of the final load already sold: most seats sell in the last weeks.
  const sold = Math.exp(-Math.max(0, daysToDeparture) / 35);
  const finalLoad = random.between(0.6, 1.02);
  const noise = random.between(0.92, 1.08);
  const loadFactor = Math.min(1, finalLoad * sold);
  for (let c = 0; c < CABINS.length; c++) {
    const cabin = CABINS[c] as (typeof CABINS)[number];
    const slot = at + c * CABIN_VALUES;
    const capacity = service.seats[cabin];
    if (!capacity) {
      cabins.fill(0, slot, slot + CABIN_VALUES);
      continue;
    }
    const cabinLoad = Math.min(1, loadFactor * random.between(0.8, 1.2));
    const fare = baseFareCents({
      distanceKm: service.distanceKm,
      cabin,
      daysToDeparture,
      loadFactor,
      noise,
      lowCostCarrier: service.lowCostCarrier,
      competitors: service.competitors,
      lowCostOnMarket: service.lowCostOnMarket,
    });
    cabins[slot] = fare;
    cabins[slot + 1] = taxesCents(fare, airportFeeCents);
    cabins[slot + 2] = Math.max(0, capacity - Math.round(capacity * cabinLoad));
    cabins[slot + 3] = capacity;
  }
}

/** The fixed fields of a service's flights, as a flight record carries them. */
export type ServiceFields = Pick<
  FlightRecord,
  'carrier' | 'flightNumber' | 'origin' | 'destination' | 'aircraft' | 'distanceKm'
> & { blockMinutes: number };

export function serviceFields(service: ScheduledService): ServiceFields {
  return {
    carrier: service.carrier,
    flightNumber: service.flightNumber,
    origin: service.origin.iata,
    destination: service.destination.iata,
    aircraft: service.aircraft.code,
    distanceKm: service.distanceKm,
    blockMinutes: service.blockMinutes,
  };
}

/** The flight record of a service's flight on `date` from its departure and drawn cabins (`drawCabins`). */
export function flightRecord(
  service: ServiceFields,
  date: string,
  departureUtc: number,
  cabins: Int32Array,
  at: number,
): FlightRecord {
  const inventory: CabinInventory[] = [];
  for (let c = 0; c < CABINS.length; c++) {
    const slot = at + c * CABIN_VALUES;
    const capacity = cabins[slot + 3] as number;
    if (capacity === 0) continue;
    inventory.push({
      cabin: CABINS[c] as (typeof CABINS)[number],
      fare: cabins[slot] as number,
      taxes: cabins[slot + 1] as number,
      seatsLeft: cabins[slot + 2] as number,
      capacity,
    });
  }
  return {
    id: `${date}-${service.carrier}${service.flightNumber}`,
    carrier: service.carrier,
    flightNumber: service.flightNumber,
    origin: service.origin,
    destination: service.destination,
    departureUtc,
    arrivalUtc: departureUtc + service.blockMinutes * 60_000,
    aircraft: service.aircraft,
    distanceKm: service.distanceKm,
    currency: 'USD',
    cabins: inventory,
  };
}

/** The dated flight of a service on a local departure date, with its seats and fares as sold so far. */
export function datedFlight(
  service: ScheduledService,
  date: string,
  saleDate: string,
  airportFeeCents: number,
  random: SeededRandom,
): FlightRecord {
  const departureUtc = zonedToEpoch(date, service.departureMinute, service.origin.timeZone);
  const cabins = new Int32Array(CABIN_WIDTH);
  drawCabins(service, daysBetween(saleDate, date), airportFeeCents, random, cabins, 0);
  return flightRecord(serviceFields(service), date, departureUtc, cabins, 0);
}
