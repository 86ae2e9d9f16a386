import type { Airport } from '../../ports/airports.js';
import { CABINS, type Cabin, type CabinInventory, type FlightRecord } from '../../ports/store.js';
import { daysBetween, zonedToEpoch } from '../time/zoned-time.js';
import { baseFareCents, taxesCents } from './fare-model.js';
import { type AircraftType, aircraftFor, blockMinutes } from './fleet.js';
import type { NetworkRoute } from './network.js';
import type { SeededRandom } from './random.js';

/** One daily departure of a route in one direction: the same number and local time every day. */
export interface ScheduledService {
  carrier: string;
  flightNumber: number;
  origin: Airport;
  destination: Airport;
  distanceKm: number;
  aircraft: AircraftType;
  /** Local departure time at the origin, minutes after midnight. */
  departureMinute: number;
  blockMinutes: number;
}

/** Earliest and latest local departure (06:00–23:00), in minutes. */
const FIRST_DEPARTURE = 6 * 60;
const LAST_DEPARTURE = 23 * 60;

/** Expands routes into daily services with flight numbers (per carrier: long-haul from 1, short-haul from 1000). */
export function buildServices(routes: readonly NetworkRoute[], random: SeededRandom): ScheduledService[] {
  const nextNumber = new Map<string, { long: number; short: number }>();
  const services: ScheduledService[] = [];
  for (const route of routes) {
    const counters = nextNumber.get(route.carrier) ?? { long: 1, short: 1000 };
    nextNumber.set(route.carrier, counters);
    const aircraft = aircraftFor(route.distanceKm, (items) => random.pick(items));
    const block = blockMinutes(route.distanceKm, aircraft);
    for (let i = 0; i < route.frequency; i++) {
      const slot = (LAST_DEPARTURE - FIRST_DEPARTURE) / route.frequency;
      for (const [origin, destination] of [
        [route.a, route.b],
        [route.b, route.a],
      ] as const) {
        const isLong = route.distanceKm >= 4500;
        const flightNumber = isLong ? counters.long++ : counters.short++;
        const minute = FIRST_DEPARTURE + slot * i + random.next() * slot;
        services.push({
          carrier: route.carrier,
          flightNumber,
          origin,
          destination,
          distanceKm: route.distanceKm,
          aircraft,
          departureMinute: Math.min(LAST_DEPARTURE, Math.round(minute / 5) * 5),
          blockMinutes: block,
        });
      }
    }
  }
  return services;
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
  const daysToDeparture = daysBetween(saleDate, date);
  // Share of the final load already sold: most seats sell in the last weeks.
  const sold = Math.exp(-Math.max(0, daysToDeparture) / 35);
  const finalLoad = random.between(0.6, 1.02);
  const noise = random.between(0.92, 1.08);
  const cabins: CabinInventory[] = [];
  for (const cabin of CABINS) {
    const capacity = service.aircraft.seats[cabin as Cabin];
    if (!capacity) continue;
    const loadFactor = Math.min(1, finalLoad * sold * random.between(0.8, 1.2));
    const seatsLeft = Math.max(0, capacity - Math.round(capacity * loadFactor));
    const fare = baseFareCents({ distanceKm: service.distanceKm, cabin, daysToDeparture, loadFactor, noise });
    cabins.push({ cabin, fare, taxes: taxesCents(fare, airportFeeCents), seatsLeft, capacity });
  }
  return {
    id: `${date}-${service.carrier}${service.flightNumber}`,
    carrier: service.carrier,
    flightNumber: service.flightNumber,
    origin: service.origin.iata,
    destination: service.destination.iata,
    departureUtc,
    arrivalUtc: departureUtc + service.blockMinutes * 60_000,
    aircraft: service.aircraft.code,
    distanceKm: service.distanceKm,
    currency: 'USD',
    cabins,
  };
}
