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
 * One leg record's flights over a period in which their UTC times do not change (an importer cuts a
 * record's period where a time-zone switch moves them): the stored form of an imported schedule.
 * Its dated legs are derived from it when read (docs/adr/0025-schedule-periods.md): on each day the
 * period flies, one flight `<date>-<flightKey>` leaving `departureMs` after that date's midnight UTC.
 */
export interface LegPeriod {
  /** The dated legs' ids after their date: carrier, number, suffix, `-<leg sequence>` on a through flight. */
  flightKey: string;
  /** The input line of the record. */
  line: number;
  /** What every dated leg shares: the flight without its id, times, through flight and cancellation. */
  flight: Omit<FlightRecord, 'id' | 'departureUtc' | 'arrivalUtc' | 'throughFlight' | 'cancelled'>;
  /** A leg of a through flight: the through flight is `<date>-<key>`, this leg its `legSequence`. */
  through?: { key: string; legSequence: number };
  /**
   * The flight dates (days since 1970-01-01) in [firstDay, lastDay] whose ISO weekday is in `days`
   * (bit 0 Monday … bit 6 Sunday), every week or every other week counted from `anchorDay`
   * (the kernel's `DayPeriod`, day-periods.ts).
   */
  period: { firstDay: number; lastDay: number; days: number; weeks: 1 | 2; anchorDay: number };
  /** Departure and arrival, ms after the flight date's midnight UTC (may exceed a day, or be negative). */
  departureMs: number;
  arrivalMs: number;
  /**
   * What the import decides about the legs but their times (stations, aircraft, cabins, fares, through
   * flight, codeshares): a dated leg's signature (StagedLeg) is this and its times (`datedLegSignature`).
   */
  signature: string;
}

/** A route's departures a schedule change touched, as a period of UTC departure dates (cache tags). */
export interface TouchedPeriod {
  origin: string;
  destination: string;
  /** UTC departure dates, YYYY-MM-DD, inclusive. */
  firstDate: string;
  lastDate: string;
  /** ISO weekdays (of the UTC departure date) flown as bits: bit 0 Monday … bit 6 Sunday. */
  days: number;
  /** 1 every week, 2 every other week counted from `anchorDate`. */
  weeks: 1 | 2;
  anchorDate: string;
}

/**
 * Optional part of `switchTo`: the bookings the switch reaches, decided inside its transaction so a
 * booking made after `compare` (between the caller's look-up and the switch) is never lost.
 */
export interface SwitchBookings {
  /**
   * Told, inside the switch's transaction, every confirmed booking holding a live flight the switch
   * drops (no staged leg) or moves (other departure, arrival or aircraft); answers the events to
   * append for those of them the caller's `events` did not cover. Must not throw. `moves`, when the
   * backend gives them, are the flights the switch moves or drops as it found them inside its
   * transaction (a leg booked after `compare` may be among them only there). (A backend without a
   * transaction that large tells it once no booking can reach those flights any more, before the
   * switch's events are appended: DynamoDB, docs/adr/0023-schedule-import.md.)
   */
  held(bookings: readonly BookingRecord[], moves?: readonly ScheduleChange[]): readonly CloudEvent[];
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
  /**
   * Dated legs retimed or re-equipped, when the backend counts them apart from `moves` (a backend
   * keeping periods lists in `moves` only the legs that exist as rows, the ones bookings may hold).
   */
  retimed?: number;
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
   * Stages the periods of an import (in batches, file order). Answers the overlaps found so far: a
   * period flying a day another period of the same flight key already staged flies (an overlapping
   * period of one flight), each with the id of a day both fly; the periods are staged all the same.
   * A backend that keeps dated legs stages the periods' dated legs (one overlap per shared day).
   */
  stagePeriods(importId: string, periods: readonly LegPeriod[]): Promise<DuplicateLeg[]>;
  /** Compares the staged legs of `importId` with the live flights of `scopes`; writes nothing. */
  compare(importId: string, scopes: readonly ScheduleScope[]): Promise<ScheduleComparison>;
  /**
   * In one transaction (or, where the backend has none that large, as documented by the backend, a
   * switch that readers see at once): live flights of `scopes` the staged schedule leaves out are
   * deleted, except `cancel` (flights holding bookings), which are kept and marked cancelled; staged
   * legs are written (a flight written again keeps the seats it sold); routes follow; `events` and
   * `touchedEvents(touched, periods)` for every route-date the switch changed are appended to the
   * outbox (a backend storing periods names the departures of periods it replaced or added as
   * `periods`, the dated flights it rewrote as `touched`); the staging area is dropped. A backend
   * storing periods writes only the dated legs that exist as rows (booked, updated): the others are
   * derived from the periods when read. Rejects with StoreUnavailableError leaving the live schedule as it was.
   * With `bookings` (optional; a backend may ignore it and then says nothing in `cancelled`), the
   * switch also finds inside its transaction the bookings holding flights it drops or moves, keeps
   * and cancels the dropped ones they hold, and appends the events `bookings.held` answers.
   */
  switchTo(
    importId: string,
    scopes: readonly ScheduleScope[],
    cancel: readonly string[],
    events: readonly CloudEvent[],
    touchedEvents: (touched: TouchedFlight[], periods?: readonly TouchedPeriod[]) => readonly CloudEvent[],
    bookings?: SwitchBookings,
  ): Promise<ScheduleSwitchResult>;
  /** Drops the staging area of `importId` (dry runs, failed imports); a no-op when there is none. */
  discard(importId: string): Promise<void>;
  /**
   * Flights (cancelled ones included, dated legs derived from periods too) in id order after
   * `afterId`, at most `limit`: the export's pages.
   */
  listFlights(afterId: string | undefined, limit: number): Promise<FlightRecord[]>;
}
