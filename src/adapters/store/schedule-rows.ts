import type { CloudEvent } from '../../ports/events.js';
import type { TouchedFlight } from '../../ports/inventory-updates.js';
import type {
  LegTemplate,
  ScheduleScope,
  StagedBatch,
  StagedLeg,
  TemplateLeg,
} from '../../ports/schedules.js';
import type { CabinInventory, FlightRecord } from '../../ports/store.js';

/**
 * What the backends share of schedule imports. The relational ones (SQLite, PostgreSQL): the staging
 * rows (a dated leg names its template; a template holds what its record's legs share, its cabins a
 * row each) and the route-date events of a switch, built a page at a time. Every backend: the id
 * range of a scope. DynamoDB, which stages legs as items: the seats a re-written flight keeps and
 * the route-dates its switch touched, batched into events.
 */

/** Flight ids of a scope are those in [low, high): ids start with their flight date, and '~' sorts after '-'. */
export function scopeIdRange(scope: ScheduleScope): { low: string; high: string } {
  return { low: scope.firstDate, high: `${scope.lastDate}~` };
}

/** Columns of a staged leg row, in the order of `stagedLegValues`. */
export const STAGED_LEG_COLUMNS = [
  'import_id',
  'id',
  'line',
  'template',
  'departure_utc',
  'arrival_utc',
  'through_flight_id',
  'signature',
] as const;

export function stagedLegValues(
  importId: string,
  leg: TemplateLeg,
): [string, string, number, number, number, number, string, string] {
  return [
    importId,
    leg.id,
    leg.line,
    leg.template,
    leg.departureUtc,
    leg.arrivalUtc,
    leg.throughFlightId ?? '',
    leg.signature,
  ];
}

/** Columns of a staged template row, in the order of `stagedTemplateValues`. */
export const STAGED_TEMPLATE_COLUMNS = [
  'import_id',
  'template',
  'carrier',
  'flight_number',
  'origin',
  'destination',
  'aircraft',
  'distance_km',
  'currency',
  'fare_source',
  'through_leg',
  'codeshares',
] as const;

/** Optional attributes as '' or 0, as flight-cabin-rows.ts writes flights. */
export function stagedTemplateValues(
  importId: string,
  t: LegTemplate,
): [string, number, string, number, string, string, string, number, string, string, number, string] {
  const f = t.flight;
  return [
    importId,
    t.key,
    f.carrier,
    f.flightNumber,
    f.origin,
    f.destination,
    f.aircraft,
    f.distanceKm,
    f.currency,
    f.fareSource ?? 'inventory',
    t.throughLeg ?? 0,
    f.codeshares && f.codeshares.length > 0 ? JSON.stringify(f.codeshares) : '',
  ];
}

/** Columns of a staged cabin row (one per cabin of a template). */
export const STAGED_CABIN_COLUMNS = ['import_id', 'template', 'cabin', 'fare', 'taxes', 'capacity'] as const;

export function stagedCabinValues(
  importId: string,
  t: LegTemplate,
): [string, number, string, number, number, number][] {
  return t.flight.cabins.map((c) => [importId, t.key, c.cabin, c.fare, c.taxes, c.capacity]);
}

/**
 * Legs given one by one (`stage`) as a batch of one template per leg, keyed below every key an
 * importer uses (line numbers are positive), so both forms share one staging path.
 */
export function batchOfLegs(legs: readonly StagedLeg[], nextKey: () => number): StagedBatch {
  const templates: LegTemplate[] = [];
  const templateLegs: TemplateLeg[] = [];
  for (const { flight, line, signature } of legs) {
    const { id, departureUtc, arrivalUtc, throughFlight, cancelled: _cancelled, ...shared } = flight;
    const key = nextKey();
    templates.push({
      key,
      flight: shared,
      ...(throughFlight ? { throughLeg: throughFlight.legSequence } : {}),
    });
    templateLegs.push({
      template: key,
      id,
      line,
      departureUtc,
      arrivalUtc,
      ...(throughFlight ? { throughFlightId: throughFlight.id } : {}),
      signature,
    });
  }
  return { templates, legs: templateLegs };
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
  readonly #touchedEvents: (touched: TouchedFlight[]) => readonly CloudEvent[];
  readonly kept: CloudEvent[] = [];
  leftOut = 0;

  constructor(touchedEvents: (touched: TouchedFlight[]) => readonly CloudEvent[]) {
    this.#touchedEvents = touchedEvents;
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
    if (this.kept.length + events.length <= EVENTS_RETURNED) this.kept.push(...events);
    else this.leftOut += events.length;
    return events;
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
