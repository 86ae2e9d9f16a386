import { dateOfDay } from '../../kernel/day-periods.js';
import type { CloudEvent } from '../../ports/events.js';
import type { TouchedFlight } from '../../ports/inventory-updates.js';
import type { ScheduleScope, TouchedPeriod } from '../../ports/schedules.js';
import type { CabinInventory, FlightRecord } from '../../ports/store.js';

/**
 * What the backends share of schedule imports. The relational ones (SQLite, PostgreSQL): the
 * route-date and period events of a switch, built a page at a time (their periods: schedule-periods.ts). Every backend: the id
 * range of a scope. DynamoDB, which stages legs as items: the seats a re-written flight keeps and
 * the route-dates its switch touched, batched into events.
 */

/** Flight ids of a scope are those in [low, high): ids start with their flight date, and '~' sorts after '-'. */
export function scopeIdRange(scope: ScheduleScope): { low: string; high: string } {
  return { low: scope.firstDate, high: `${scope.lastDate}~` };
}

/** A distinct touched period of a switch: UTC departure days of a route, as days since 1970-01-01. */
export interface TouchedPeriodRow {
  origin: string;
  destination: string;
  first_day: number | string;
  last_day: number | string;
  days: number | string;
  weeks: number | string;
  anchor_day: number | string;
}

/** A route-date a switch touched (its UTC departure day, days since 1970-01-01) and one flight on it. */
export interface TouchedRow {
  origin: string;
  destination: string;
  day: number | string;
  id: string;
}

/** Distinct route-dates per event (and per page read), so one event stays small whatever the size of the import. */
export const ROUTE_DATES_PER_EVENT = 1_000;

/**
 * Route-date events a switch keeps to hand back (`ScheduleSwitchResult.events`): 20 pages name
 * 20,000 route-dates (a few MB); a larger switch appends the rest to the outbox only, so its memory
 * stays bounded whatever the file size.
 */
const EVENTS_RETURNED = 20;

/**
 * The route-date events of a switch, made a page of touched route-dates at a time: each page becomes
 * its events at once (the caller appends them to the outbox in the switch's transaction); the first
 * EVENTS_RETURNED are kept for the result, the rest only counted.
 */
export class SwitchEvents {
  readonly #touchedEvents: (
    touched: TouchedFlight[],
    periods?: readonly TouchedPeriod[],
  ) => readonly CloudEvent[];
  readonly kept: CloudEvent[] = [];
  leftOut = 0;

  constructor(
    touchedEvents: (touched: TouchedFlight[], periods?: readonly TouchedPeriod[]) => readonly CloudEvent[],
  ) {
    this.#touchedEvents = touchedEvents;
  }

  /** Events of a page of touched periods (rows of a switch's distinct touched periods, as days). */
  periodsPage(rows: readonly TouchedPeriodRow[]): readonly CloudEvent[] {
    if (rows.length === 0) return [];
    return this.#keep(
      this.#touchedEvents(
        [],
        rows.map((r) => ({
          origin: r.origin,
          destination: r.destination,
          firstDate: dateOfDay(Number(r.first_day)),
          lastDate: dateOfDay(Number(r.last_day)),
          days: Number(r.days),
          weeks: Number(r.weeks) === 2 ? 2 : 1,
          anchorDate: dateOfDay(Number(r.anchor_day)),
        })),
      ),
    );
  }

  #keep(events: readonly CloudEvent[]): readonly CloudEvent[] {
    if (this.kept.length + events.length <= EVENTS_RETURNED) this.kept.push(...events);
    else this.leftOut += events.length;
    return events;
  }

  page(rows: readonly TouchedRow[]): readonly CloudEvent[] {
    if (rows.length === 0) return [];
    // Cache tags name the route and UTC date only; any cabin stands for all of them.
    const events = this.#touchedEvents(
      rows.map((r) => ({
        flightId: r.id,
        cabin: 'economy',
        origin: r.origin,
        destination: r.destination,
        departureDate: new Date(Number(r.day) * 86_400_000).toISOString().slice(0, 10),
      })),
    );
    return this.#keep(events);
  }
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
