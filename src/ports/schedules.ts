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
  /** Events appended to the outbox in the switch's transaction. */
  events: CloudEvent[];
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
  /** Compares the staged legs of `importId` with the live flights of `scopes`; writes nothing. */
  compare(importId: string, scopes: readonly ScheduleScope[]): Promise<ScheduleComparison>;
  /**
   * In one transaction (or, where the backend has none that large, as documented by the backend, a
   * switch that readers see at once): live flights of `scopes` the staged schedule leaves out are
   * deleted, except `cancel` (flights holding bookings), which are kept and marked cancelled; staged
   * legs are written (a flight written again keeps the seats it sold); routes follow; `events` and
   * `touchedEvents(touched)` for every route-date the switch changed are appended to the outbox;
   * the staging area is dropped. Rejects with StoreUnavailableError leaving the live schedule as it was.
   */
  switchTo(
    importId: string,
    scopes: readonly ScheduleScope[],
    cancel: readonly string[],
    events: readonly CloudEvent[],
    touchedEvents: (touched: TouchedFlight[]) => readonly CloudEvent[],
  ): Promise<ScheduleSwitchResult>;
  /** Drops the staging area of `importId` (dry runs, failed imports); a no-op when there is none. */
  discard(importId: string): Promise<void>;
  /** Flights (cancelled ones included) in id order after `afterId`, at most `limit`: the export's pages. */
  listFlights(afterId: string | undefined, limit: number): Promise<FlightRecord[]>;
}
