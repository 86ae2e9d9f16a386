import {
  ALL_DAYS,
  countOperatingDays,
  DAY_MS,
  type DayPeriod,
  datedLegSignature,
  dateOfDay,
  dayOfDate,
  operatesOn,
  operatingDays,
  shiftPeriod,
} from '../../kernel/day-periods.js';
import type {
  DuplicateLeg,
  LegPeriod,
  ScheduleChange,
  StagedLeg,
  TouchedPeriod,
} from '../../ports/schedules.js';
import type { Cabin, FlightRecord } from '../../ports/store.js';
import { scheduleAttributes } from './flight-cabin-rows.js';

/**
 * What the relational backends (SQLite, PostgreSQL) share of imported schedules kept as periods
 * (docs/adr/0025-schedule-periods.md): the period row, the dated legs derived from it when read,
 * and the conversions between periods and dated legs (a dated leg is a period of one day; DynamoDB,
 * which keeps dated legs, stages a period's legs).
 */

/** A `schedule_periods` (or staged period) row as read back; PostgreSQL answers big integers as text. */
export interface PeriodRow {
  carrier: string;
  flight_key: string;
  through_key: string;
  through_leg: number | string;
  flight_number: number | string;
  origin: string;
  destination: string;
  aircraft: string;
  distance_km: number | string;
  currency: string;
  fare_source: string;
  codeshares: string;
  /** JSON text: [cabin, fare, taxes, capacity] per cabin, in cabin-name order (as cabin rows read). */
  cabins: string;
  first_day: number | string;
  last_day: number | string;
  days: number | string;
  weeks: number | string;
  anchor_day: number | string;
  departure_ms: number | string;
  arrival_ms: number | string;
  signature: string;
  legs: number | string;
  line: number | string;
}

/** Columns of a period row, in the order of `periodValues`. */
export const PERIOD_COLUMNS = [
  'carrier',
  'flight_key',
  'through_key',
  'through_leg',
  'flight_number',
  'origin',
  'destination',
  'aircraft',
  'distance_km',
  'currency',
  'fare_source',
  'codeshares',
  'cabins',
  'first_day',
  'last_day',
  'days',
  'weeks',
  'anchor_day',
  'departure_ms',
  'arrival_ms',
  'signature',
  'legs',
  'line',
] as const;

/** Columns two periods are the same by (everything but the line and the leg count, which follow). */
export const PERIOD_IDENTITY = PERIOD_COLUMNS.filter((c) => c !== 'line' && c !== 'legs');

export type PeriodValues = (string | number)[];

/** Values of a period for PERIOD_COLUMNS; optional attributes as '' or 0, as flights are written. */
export function periodValues(p: LegPeriod): PeriodValues {
  const f = p.flight;
  const cabins = [...f.cabins]
    .sort((a, b) => (a.cabin < b.cabin ? -1 : 1))
    .map((c) => [c.cabin, c.fare, c.taxes, c.capacity]);
  return [
    f.carrier,
    p.flightKey,
    p.through?.key ?? '',
    p.through?.legSequence ?? 0,
    f.flightNumber,
    f.origin,
    f.destination,
    f.aircraft,
    f.distanceKm,
    f.currency,
    f.fareSource ?? 'inventory',
    f.codeshares && f.codeshares.length > 0 ? JSON.stringify(f.codeshares) : '',
    JSON.stringify(cabins),
    p.period.firstDay,
    p.period.lastDay,
    p.period.days,
    p.period.weeks,
    p.period.anchorDay,
    p.departureMs,
    p.arrivalMs,
    p.signature,
    countOperatingDays(p.period),
    p.line,
  ];
}

export function periodOfRow(row: PeriodRow): DayPeriod {
  return {
    firstDay: Number(row.first_day),
    lastDay: Number(row.last_day),
    days: Number(row.days),
    weeks: Number(row.weeks) === 2 ? 2 : 1,
    anchorDay: Number(row.anchor_day),
  };
}

/** Whether a period row flies on `day`. */
export const operatesOnRow = (row: PeriodRow, day: number): boolean => operatesOn(periodOfRow(row), day);

/** A flight id split into its flight date (as a day) and its flight key; undefined when it has no date. */
export function flightKeyOf(id: string): { day: number; key: string } | undefined {
  if (id.length < 12 || id[10] !== '-') return undefined;
  const day = dayOfDate(id.slice(0, 10));
  return Number.isFinite(day) ? { day, key: id.slice(11) } : undefined;
}

/** Parsed cabins of a period row, cached by their text (a season's rows share a few hundred layouts). */
const cabinLayouts = new Map<string, [Cabin, number, number, number][]>();
function cabinsOf(text: string): [Cabin, number, number, number][] {
  let cabins = cabinLayouts.get(text);
  if (!cabins) {
    if (cabinLayouts.size >= 10_000) cabinLayouts.clear();
    cabins = JSON.parse(text) as [Cabin, number, number, number][];
    cabinLayouts.set(text, cabins);
  }
  return cabins;
}

/** The dated leg a period row flies on `day` (the caller knows it flies then): every seat unsold. */
export function legOfPeriod(row: PeriodRow, day: number): FlightRecord {
  const date = dateOfDay(day);
  return {
    id: `${date}-${row.flight_key}`,
    carrier: row.carrier,
    flightNumber: Number(row.flight_number),
    origin: row.origin,
    destination: row.destination,
    departureUtc: day * DAY_MS + Number(row.departure_ms),
    arrivalUtc: day * DAY_MS + Number(row.arrival_ms),
    aircraft: row.aircraft,
    distanceKm: Number(row.distance_km),
    currency: row.currency,
    cabins: cabinsOf(row.cabins).map(([cabin, fare, taxes, capacity]) => ({
      cabin,
      fare,
      taxes,
      seatsLeft: capacity,
      capacity,
    })),
    ...scheduleAttributes({
      fare_source: row.fare_source,
      through_flight_id: row.through_key === '' ? '' : `${date}-${row.through_key}`,
      through_leg: Number(row.through_leg),
      codeshares: row.codeshares,
      cancelled: 0,
    }),
  };
}

/** The schedule signature of the leg a period row flies on `day`. */
export function legSignatureOf(row: PeriodRow, day: number): string {
  return datedLegSignature(
    row.signature,
    day * DAY_MS + Number(row.departure_ms),
    day * DAY_MS + Number(row.arrival_ms),
  );
}

/** The dated legs of a period row departing in [departFrom, departTo). */
export function legsDepartingIn(row: PeriodRow, departFrom: number, departTo: number): FlightRecord[] {
  const departure = Number(row.departure_ms);
  const from = Math.ceil((departFrom - departure) / DAY_MS);
  const to = Math.ceil((departTo - departure) / DAY_MS) - 1;
  const legs: FlightRecord[] = [];
  for (const day of operatingDays(periodOfRow(row), from, to)) legs.push(legOfPeriod(row, day));
  return legs;
}

/**
 * The legs of a route's period rows departing in [departFrom, departTo), less the ids `rows` has:
 * a `flights` row with a derived leg's id overrides it (docs/adr/0025).
 */
export function derivedLegsDepartingIn(
  periods: readonly PeriodRow[],
  departFrom: number,
  departTo: number,
  rows: ReadonlySet<string>,
): FlightRecord[] {
  const legs: FlightRecord[] = [];
  for (const period of periods) {
    for (const leg of legsDepartingIn(period, departFrom, departTo)) {
      if (!rows.has(leg.id)) legs.push(leg);
    }
  }
  return legs;
}

/** The period row that flies `day` among rows of one flight key, if any (periods of a key never share a day). */
export function periodFlying<R extends PeriodRow>(rows: readonly R[], day: number): R | undefined {
  return rows.find((row) => operatesOn(periodOfRow(row), day));
}

/** The first day two periods both fly, if any. */
export function sharedDay(a: DayPeriod, b: DayPeriod): number | undefined {
  const from = Math.max(a.firstDay, b.firstDay);
  const to = Math.min(a.lastDay, b.lastDay);
  // Whether both fly repeats every 14 days: two cycles are enough to find the first shared day.
  for (let day = from; day <= Math.min(to, from + 27); day++) {
    if (operatesOn(a, day) && operatesOn(b, day)) return day;
  }
  return undefined;
}

/** The departures of a period row as cache consumers name them: its UTC departure dates on its route. */
export function touchedPeriodOf(row: PeriodRow): TouchedPeriod {
  // Departures leave on the flight date shifted by whole days (negative or past midnight).
  const shifted = shiftPeriod(periodOfRow(row), Math.floor(Number(row.departure_ms) / DAY_MS));
  return {
    origin: row.origin,
    destination: row.destination,
    firstDate: dateOfDay(shifted.firstDay),
    lastDate: dateOfDay(shifted.lastDay),
    days: shifted.days,
    weeks: shifted.weeks,
    anchorDate: dateOfDay(shifted.anchorDay),
  };
}

/**
 * A dated leg given on its own (`ScheduleStore.stage`) as the period of its one day. Its id must
 * start with its flight date, as every flight id does; its signature becomes the period's.
 */
export function periodOfStagedLeg(leg: StagedLeg): LegPeriod {
  const { flight, line, signature } = leg;
  const { id, departureUtc, arrivalUtc, throughFlight, cancelled: _cancelled, ...shared } = flight;
  const day = dayOfDate(id.slice(0, 10));
  return {
    flightKey: id.slice(11),
    line,
    flight: shared,
    ...(throughFlight
      ? { through: { key: throughFlight.id.slice(11), legSequence: throughFlight.legSequence } }
      : {}),
    period: { firstDay: day, lastDay: day, days: ALL_DAYS, weeks: 1, anchorDay: day },
    departureMs: departureUtc - day * DAY_MS,
    arrivalMs: arrivalUtc - day * DAY_MS,
    signature,
  };
}

/** The dated legs of a period, for a backend that keeps dated legs (DynamoDB). */
export function stagedLegsOfPeriod(p: LegPeriod): StagedLeg[] {
  const legs: StagedLeg[] = [];
  for (const day of operatingDays(p.period)) {
    const date = dateOfDay(day);
    const departureUtc = day * DAY_MS + p.departureMs;
    const arrivalUtc = day * DAY_MS + p.arrivalMs;
    legs.push({
      flight: {
        ...p.flight,
        cabins: p.flight.cabins.map((c) => ({ ...c })),
        id: `${date}-${p.flightKey}`,
        departureUtc,
        arrivalUtc,
        ...(p.through
          ? { throughFlight: { id: `${date}-${p.through.key}`, legSequence: p.through.legSequence } }
          : {}),
      },
      line: p.line,
      signature: datedLegSignature(p.signature, departureUtc, arrivalUtc),
    });
  }
  return legs;
}

/** SQL: the period rows `a` and `b` are the same period (a re-import that changes nothing matches every row). */
export function samePeriod(a: string, b: string): string {
  return PERIOD_IDENTITY.map((c) => `${a}.${c} = ${b}.${c}`).join(' AND ');
}

/** What a switch does with a `flights` row of its scopes (imported legs have rows only once booked or changed). */
export type RowAction =
  /** Nothing: the row is the new schedule's leg (or a cancelled row the new schedule does not fly). */
  | 'keep'
  /** The row is the new schedule's leg and now stands for it (`period_leg`). */
  | 'mark'
  /** The row holds sold seats (or was kept cancelled): rewritten as the new leg, keeping what it sold. */
  | 'rewrite'
  /** Nothing is sold on it: the row goes and the new leg is derived again. */
  | 'delete'
  /** The new schedule does not fly it: deleted, or kept cancelled when bookings hold it. */
  | 'drop';

export interface RowDecision {
  before: FlightRecord;
  action: RowAction;
  /** The new schedule's leg of the row's id, when it has one. */
  after?: FlightRecord;
  afterSignature?: string;
  /** Retimed, re-equipped or dropped: bookings on it hear of it. */
  moved: boolean;
  /**
   * How a row that is no period's leg counts in the comparison (rows of periods count with their
   * periods): the new schedule's leg of its id replaces it (`unchanged`/`changed`; that leg is then
   * not `created`) or it is `removed`.
   */
  count?: 'unchanged' | 'changed' | 'removed';
}

/** The decision for a `flights` row given the staged period that flies its id, if any. */
export function decideRow(
  before: FlightRecord,
  signature: string,
  periodLeg: boolean,
  staged: { row: PeriodRow; day: number } | undefined,
): RowDecision {
  if (!staged) {
    if (before.cancelled) return { before, action: 'keep', moved: false };
    return { before, action: 'drop', moved: true, ...(periodLeg ? {} : { count: 'removed' as const }) };
  }
  const after = legOfPeriod(staged.row, staged.day);
  const afterSignature = legSignatureOf(staged.row, staged.day);
  if (!before.cancelled && signature === afterSignature) {
    return periodLeg
      ? { before, action: 'keep', after, afterSignature, moved: false }
      : { before, action: 'mark', after, afterSignature, moved: false, count: 'unchanged' };
  }
  const moved =
    !before.cancelled &&
    (before.departureUtc !== after.departureUtc ||
      before.arrivalUtc !== after.arrivalUtc ||
      before.aircraft !== after.aircraft);
  const sold = before.cabins.some((c) => c.seatsLeft < c.capacity);
  return {
    before,
    action: sold || before.cancelled ? 'rewrite' : 'delete',
    after,
    afterSignature,
    moved,
    ...(periodLeg ? {} : { count: 'changed' as const }),
  };
}

/** Dated-leg counts of a comparison. */
export interface LegCounts {
  created: number;
  changed: number;
  unchanged: number;
  removed: number;
  /** Changed legs whose times or aircraft changed. */
  retimed: number;
}

/** The moves (ports/schedules.ts `ScheduleChange`) among row decisions: what bookings on them hear. */
export function movesOf(decisions: readonly RowDecision[]): ScheduleChange[] {
  return decisions
    .filter((d) => d.moved)
    .map((d) => ({
      before: d.before,
      ...(d.action === 'drop' || !d.after
        ? {}
        : {
            after: {
              departureUtc: d.after.departureUtc,
              arrivalUtc: d.after.arrivalUtc,
              aircraft: d.after.aircraft,
            },
          }),
    }));
}

/**
 * Dated legs of one flight key that the live periods `removed` (those the new schedule does not keep
 * as they are) fly within the scope's days, against those the staged periods `added` fly: legs of
 * one id compare by signature. Only keys with both are enumerated day by day; the rest is counted.
 */
export function diffKeyLegs(
  removed: readonly PeriodRow[],
  added: readonly PeriodRow[],
  scope: { firstDay: number; lastDay: number },
  counts: LegCounts,
): void {
  const live = new Map<number, PeriodRow>();
  for (const row of removed) {
    for (const day of operatingDays(periodOfRow(row), scope.firstDay, scope.lastDay)) live.set(day, row);
  }
  for (const row of added) {
    for (const day of operatingDays(periodOfRow(row))) {
      const before = live.get(day);
      if (before === undefined) counts.created++;
      else if (legSignatureOf(before, day) === legSignatureOf(row, day)) counts.unchanged++;
      else {
        counts.changed++;
        if (
          Number(before.departure_ms) !== Number(row.departure_ms) ||
          Number(before.arrival_ms) !== Number(row.arrival_ms) ||
          before.aircraft !== row.aircraft
        )
          counts.retimed++;
      }
      live.delete(day);
    }
  }
  counts.removed += live.size;
}

/** Flights sorted as the flight queries answer them: by departure, then id. */
export function byDeparture(a: FlightRecord, b: FlightRecord): number {
  return a.departureUtc - b.departureUtc || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The first `limit` of two id-ordered lists, merged in id order; a row overrides the derived leg of its id. */
export function mergeById(
  rows: readonly FlightRecord[],
  derived: readonly FlightRecord[],
  limit: number,
): FlightRecord[] {
  const merged: FlightRecord[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < rows.length || j < derived.length)) {
    const row = rows[i];
    const leg = derived[j];
    if (row && (!leg || row.id <= leg.id)) {
      merged.push(row);
      i++;
      if (leg && leg.id === row.id) j++;
    } else if (leg) {
      merged.push(leg);
      j++;
    }
  }
  return merged;
}

/** Period rows by flight key. */
export function groupByKey(rows: readonly PeriodRow[]): Map<string, PeriodRow[]> {
  const byKey = new Map<string, PeriodRow[]>();
  for (const row of rows) {
    const list = byKey.get(row.flight_key);
    if (list) list.push(row);
    else byKey.set(row.flight_key, [row]);
  }
  return byKey;
}

/** Adds a row decision's count (rows that are no period's leg; see RowDecision.count). */
export function countDecision(counts: LegCounts, decision: RowDecision): void {
  if (decision.count === 'removed') counts.removed++;
  else if (decision.count) {
    counts[decision.count]++;
    // The new schedule's leg of its id replaces the row: it is not a new leg.
    counts.created--;
    if (decision.moved) counts.retimed++;
  }
}

/**
 * A staged period (a) joined with an earlier staged period (b_…) of its flight key whose range meets
 * its own, as both relational backends' overlap queries answer them, ordered by a's sequence.
 */
export interface OverlapRow extends PeriodRow {
  seq: number | string;
  previous_line: number | string;
  b_first_day: number | string;
  b_last_day: number | string;
  b_days: number | string;
  b_weeks: number | string;
  b_anchor_day: number | string;
}

/** The overlapping periods among joined rows: each staged period once, with the first day both fly. */
export function overlapsOf(rows: Iterable<OverlapRow>): DuplicateLeg[] {
  const duplicates: DuplicateLeg[] = [];
  let last: number | undefined;
  for (const row of rows) {
    if (Number(row.seq) === last) continue;
    const day = sharedDay(periodOfRow(row), {
      firstDay: Number(row.b_first_day),
      lastDay: Number(row.b_last_day),
      days: Number(row.b_days),
      weeks: Number(row.b_weeks) === 2 ? 2 : 1,
      anchorDay: Number(row.b_anchor_day),
    });
    if (day === undefined) continue;
    last = Number(row.seq);
    duplicates.push({
      id: legOfPeriod(row, day).id,
      line: Number(row.line),
      previousLine: Number(row.previous_line),
    });
  }
  return duplicates;
}
