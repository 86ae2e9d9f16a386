import type { BookingRecord } from './bookings.js';
import type { CloudEvent } from './events.js';
import type { TouchedFlight } from './inventory-updates.js';
import type { FlightRecord } from './store.js';

/**
 * A carrier's flights in a range of flight dates: what one schedule import replaces. Flight ids start
 * with their flight date (`2026-12-01-BA117…`), so a scope is a carrier and an id range.
 */
export interface ScheduleScope {
  carrier: string;
  /** First and last flight date (YYYY-MM-DD), inclusive. */
  firstDate: string;
  lastDate: string;
}

/** A dated leg waiting in the staging area, with the input line that produced it. */
export interface StagedLeg {
  flight: FlightRecord;
  line: number;
  /**
   * What the import decides about the leg (times, stations, aircraft, cabins, fares, through flight,
   * codeshares) as one string: a leg whose signature equals the live flight's is unchanged.
   */
  signature: string;
}

/**
 * What every dated leg of one leg record shares (`stageBatch`): the flight without its id, date and
 * times. An import computes it, and its signature, once per record rather than once per dated leg.
 */
export interface LegTemplate {
  /** Unique within one import (the SSIM importer uses the record's line). */
  key: number;
  flight: Omit<FlightRecord, 'id' | 'departureUtc' | 'arrivalUtc' | 'throughFlight' | 'cancelled'>;
  /** The leg's sequence number in its through flight; absent for a flight of one leg. */
  throughLeg?: number;
}

/** One dated leg of a template: together they are the StagedLeg `stage` would take. */
export interface TemplateLeg {
  /** The `key` of its template, sent in the same batch. */
  template: number;
  id: string;
  line: number;
  departureUtc: number;
  arrivalUtc: number;
  /** The through flight's id; absent when the template has no `throughLeg`. */
  throughFlightId?: string;
  /** As StagedLeg's. */
  signature: string;
}

/** Dated legs and the templates they refer to; every template a leg names is in the same batch. */
export interface StagedBatch {
  templates: readonly LegTemplate[];
  legs: readonly TemplateLeg[];
}

/**
 * Optional part of `switchTo`: the bookings the switch reaches, decided inside its transaction so a
 * booking made after `compare` (between the caller's look-up and the switch) is never lost.
 */
export interface SwitchBookings {
  /**
   * Told, inside the switch's transaction, every confirmed booking holding a live flight the switch
   * drops (no staged leg) or moves (other departure, arrival or aircraft); answers the events to
   * append for those of them the caller's `events` did not cover. Must not throw. (A backend without
   * a transaction that large tells it once no booking can reach those flights any more, before the
   * switch's events are appended: DynamoDB, docs/adr/0023-schedule-import.md.)
   */
  held(bookings: readonly BookingRecord[]): readonly CloudEvent[];
}

/** A staged leg whose id was already staged by another line of the same import. */
export interface DuplicateLeg {
  id: string;
  line: number;
  previousLine: number;
}

/** A live flight the staged schedule moves, re-equips or drops. */
export interface ScheduleChange {
  before: FlightRecord;
  /** Absent when the staged schedule no longer has the flight. */
  after?: { departureUtc: number; arrivalUtc: number; aircraft: string };
}

/** How the staged schedule differs from the live one in its scopes. */
export interface ScheduleComparison {
  created: number;
  /** Staged legs whose signature differs from the live flight's (any change, fares included). */
  changed: number;
  unchanged: number;
  /** Live flights the staged schedule leaves out. */
  removed: number;
  /** Live flights retimed, re-equipped or removed: the ones bookings may hold. */
  moves: ScheduleChange[];
}

/** What `switchTo` did. */
export interface ScheduleSwitchResult {
  /**
   * Events appended to the outbox in the switch's transaction. A backend may leave out route-date
   * events past a bound it documents (`eventsLeftOut` says how many), so a switch of any size stays
   * in bounded memory: those reach every instance, this one included, through the outbox as usual.
   */
  events: CloudEvent[];
  /** Route-date events appended to the outbox but not in `events`; absent or 0 when none. */
  eventsLeftOut?: number;
  /**
   * Flights kept and marked cancelled, present when the backend decided them inside the switch
   * (`bookings` given): `cancel` plus the dropped flights of bookings `held` was told.
   */
  cancelled?: readonly string[];
}

/**
 * Staging and atomic replacement of schedules (`travel-platform import ssim`): an import stages its
 * dated legs in the store (never in the heap), compares, then switches a carrier's flights in its
 * scopes to the staged ones at once, so searches see the old or the new schedule, never a mix.
 * Every method rejects with StoreUnavailableError when the backend fails.
 */
export interface ScheduleStore {
  /**
   * Adds legs to the staging area of `importId`. Answers the legs refused because their id was staged
   * already by this import (overlapping periods of one flight); the others are staged.
   */
  stage(importId: string, legs: readonly StagedLeg[]): Promise<DuplicateLeg[]>;
  /**
   * Optional bulk form of `stage`: stages the legs the batch stands for (each leg with its
   * template's attributes) and answers the duplicates as `stage` would. Importers use it when the
   * backend has it and `stage` otherwise.
   */
  stageBatch?(importId: string, batch: StagedBatch): Promise<DuplicateLeg[]>;
  /** Compares the staged legs of `importId` with the live flights of `scopes`; writes nothing. */
  compare(importId: string, scopes: readonly ScheduleScope[]): Promise<ScheduleComparison>;
  /**
   * In one transaction (or, where the backend has none that large, as documented by the backend, a
   * switch that readers see at once): live flights of `scopes` the staged schedule leaves out are
   * deleted, except `cancel` (flights holding bookings), which are kept and marked cancelled; staged
   * legs are written (a flight written again keeps the seats it sold); routes follow; `events` and
   * `touchedEvents(touched)` for every route-date the switch changed are appended to the outbox;
   * the staging area is dropped. Rejects with StoreUnavailableError leaving the live schedule as it was.
   * With `bookings` (optional; a backend may ignore it and then says nothing in `cancelled`), the
   * switch also finds inside its transaction the bookings holding flights it drops or moves, keeps
   * and cancels the dropped ones they hold, and appends the events `bookings.held` answers.
   */
  switchTo(
    importId: string,
    scopes: readonly ScheduleScope[],
    cancel: readonly string[],
    events: readonly CloudEvent[],
    touchedEvents: (touched: TouchedFlight[]) => readonly CloudEvent[],
    bookings?: SwitchBookings,
  ): Promise<ScheduleSwitchResult>;
  /** Drops the staging area of `importId` (dry runs, failed imports); a no-op when there is none. */
  discard(importId: string): Promise<void>;
  /** Flights (cancelled ones included) in id order after `afterId`, at most `limit`: the export's pages. */
  listFlights(afterId: string | undefined, limit: number): Promise<FlightRecord[]>;
}
