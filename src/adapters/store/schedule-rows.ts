import type { CloudEvent } from '../../ports/events.js';
import type { TouchedFlight } from '../../ports/inventory-updates.js';
import type { ScheduleScope } from '../../ports/schedules.js';
import type { CabinInventory, FlightRecord } from '../../ports/store.js';

/**
 * What the backends share of schedule imports (ports/schedules.ts): the id range of a scope, the
 * seats a re-written flight keeps, and the batching of the route-dates a switch touched into events.
 */

/** Flight ids of a scope are those in [low, high): ids start with their flight date, and '~' sorts after '-'. */
export function scopeIdRange(scope: ScheduleScope): { low: string; high: string } {
  return { low: scope.firstDate, high: `${scope.lastDate}~` };
}

/**
 * Cabins of a flight written again by an import: seats already sold stay sold (`capacity − sold`,
 * never below zero), so re-importing a schedule never hands out seats that bookings hold.
 */
export function cabinsKeepingSales(
  cabins: readonly CabinInventory[],
  live: readonly { cabin: string; capacity: number; seats_left: number }[],
): CabinInventory[] {
  const sold = new Map(live.map((c) => [c.cabin, Math.max(0, Number(c.capacity) - Number(c.seats_left))]));
  return cabins.map((c) => ({ ...c, seatsLeft: Math.max(0, c.capacity - (sold.get(c.cabin) ?? 0)) }));
}

/** Distinct route-dates per event, so one event stays small whatever the size of the import. */
const ROUTE_DATES_PER_EVENT = 1_000;

/**
 * Collects the route-dates a switch touches, de-duplicated, and turns each full batch into events at
 * once, so memory stays bounded by one batch whatever the number of flights switched. The distinct
 * routes are kept (they are few) so the caller can rebuild exactly those route rows.
 */
export class TouchedRouteDates {
  readonly #pending = new Map<string, TouchedFlight>();
  readonly #emit: (touched: TouchedFlight[]) => readonly CloudEvent[];
  readonly events: CloudEvent[] = [];
  readonly routes = new Set<string>();

  constructor(emit: (touched: TouchedFlight[]) => readonly CloudEvent[]) {
    this.#emit = emit;
  }

  add(flight: Pick<FlightRecord, 'id' | 'origin' | 'destination' | 'departureUtc'>): void {
    const departureDate = new Date(Number(flight.departureUtc)).toISOString().slice(0, 10);
    const key = `${flight.origin}|${flight.destination}|${departureDate}`;
    this.routes.add(`${flight.origin}|${flight.destination}`);
    if (this.#pending.has(key)) return;
    // Cache tags name the route and UTC date only; any cabin stands for all of them.
    this.#pending.set(key, {
      flightId: flight.id,
      cabin: 'economy',
      origin: flight.origin,
      destination: flight.destination,
      departureDate,
    });
    if (this.#pending.size >= ROUTE_DATES_PER_EVENT) this.flush();
  }

  /** Turns what is pending into events (kept in `events`); answers the events of this flush. */
  flush(): readonly CloudEvent[] {
    if (this.#pending.size === 0) return [];
    const batch = this.#emit([...this.#pending.values()]);
    this.#pending.clear();
    this.events.push(...batch);
    return batch;
  }
}

/** The staged JSON of a leg back as a record. */
export function stagedFlight(json: string): FlightRecord {
  return JSON.parse(json) as FlightRecord;
}
