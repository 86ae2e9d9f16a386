import { countOperatingDays, dayOfDate } from '../../../kernel/day-periods.js';
import type { BookingRecord } from '../../../ports/bookings.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { TouchedFlight } from '../../../ports/inventory-updates.js';
import type {
  DuplicateLeg,
  LegPeriod,
  ScheduleComparison,
  ScheduleScope,
  ScheduleStore,
  ScheduleSwitchResult,
  StagedLeg,
  SwitchBookings,
  TouchedPeriod,
} from '../../../ports/schedules.js';
import type { FlightRecord } from '../../../ports/store.js';
import type { BookingDocument } from '../booking-document.js';
import {
  CABIN_ROW_COLUMNS,
  cabinValues,
  FLIGHT_CABIN_COLUMNS,
  type FlightCabinRow,
  flightValues,
  groupFlights,
} from '../flight-cabin-rows.js';
import { type BookingRow, toBookingRecord } from '../relational-booking-rows.js';
import {
  countDecision,
  decideRow,
  diffKeyLegs,
  flightKeyOf,
  groupByKey,
  type LegCounts,
  legOfPeriod,
  mergeById,
  movesOf,
  type OverlapRow,
  operatesOnRow,
  overlapsOf,
  PERIOD_COLUMNS,
  type PeriodRow,
  periodFlying,
  periodOfRow,
  periodOfStagedLeg,
  periodValues,
  type RowDecision,
  samePeriod,
} from '../schedule-periods.js';
import {
  ROUTE_DATES_PER_EVENT,
  SwitchEvents,
  scopeIdRange,
  type TouchedPeriodRow,
  type TouchedRow,
} from '../schedule-rows.js';
import { BulkInsert } from './bulk-insert.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';
import type { SqliteOutbox } from './outbox.js';

const DAY_MS = 86_400_000;

/**
 * The staging area lives in TEMP tables of the process's connection: an import stages and switches
 * on one connection, nobody else reads it, and temp tables skip the WAL (written once, not twice)
 * and vanish with a crashed process instead of lingering in the file.
 */
const STAGING_SCHEMA = `
  CREATE TEMP TABLE IF NOT EXISTS staged_periods (
    import_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    carrier TEXT NOT NULL,
    flight_key TEXT NOT NULL,
    through_key TEXT NOT NULL,
    through_leg INTEGER NOT NULL,
    flight_number INTEGER NOT NULL,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    aircraft TEXT NOT NULL,
    distance_km INTEGER NOT NULL,
    currency TEXT NOT NULL,
    fare_source TEXT NOT NULL,
    codeshares TEXT NOT NULL,
    cabins TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    days INTEGER NOT NULL,
    weeks INTEGER NOT NULL,
    anchor_day INTEGER NOT NULL,
    departure_ms INTEGER NOT NULL,
    arrival_ms INTEGER NOT NULL,
    signature TEXT NOT NULL,
    legs INTEGER NOT NULL,
    line INTEGER NOT NULL,
    PRIMARY KEY (import_id, seq)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS temp.staged_periods_flight ON staged_periods (import_id, flight_key, first_day);
  CREATE INDEX IF NOT EXISTS temp.staged_periods_carrier ON staged_periods (import_id, carrier);
  -- What one switch touches, distinct; emptied by every switch.
  CREATE TEMP TABLE IF NOT EXISTS switch_touched (
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    day INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (origin, destination, day)
  ) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS switch_periods (
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    first_day INTEGER NOT NULL,
    last_day INTEGER NOT NULL,
    days INTEGER NOT NULL,
    weeks INTEGER NOT NULL,
    anchor_day INTEGER NOT NULL,
    PRIMARY KEY (origin, destination, first_day, last_day, days, weeks, anchor_day)
  ) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS switch_routes (
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    PRIMARY KEY (origin, destination)
  ) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS switch_removed (id INTEGER PRIMARY KEY);
`;

/** Live periods of a scope (parameters: carrier, first day, last day, import id) no staged period equals. */
const REMOVED = `schedule_periods p WHERE p.carrier = ? AND p.last_day >= ? AND p.first_day <= ?
  AND NOT EXISTS (SELECT 1 FROM staged_periods s INDEXED BY staged_periods_flight
    WHERE s.import_id = ? AND s.flight_key = p.flight_key AND s.first_day = p.first_day AND ${samePeriod('s', 'p')})`;
/** Staged periods (parameter: import id) no live period equals: the ones a switch writes. */
const ADDED = `staged_periods s WHERE s.import_id = ?
  AND NOT EXISTS (SELECT 1 FROM schedule_periods p INDEXED BY schedule_periods_flight
    WHERE p.flight_key = s.flight_key AND p.first_day = s.first_day AND ${samePeriod('p', 's')})`;
/** Floor division of a period's departure by a day: its UTC departure dates are its flight dates shifted by it. */
const SHIFT = `((departure_ms - (((departure_ms % ${DAY_MS}) + ${DAY_MS}) % ${DAY_MS})) / ${DAY_MS})`;
/** A period's departures as a touched period (columns of switch_periods), from a row source. */
const TOUCHED_PERIOD = `SELECT origin, destination, first_day + k, last_day + k,
    ((days << r) | (days >> (7 - r))) & 127, weeks, anchor_day + k
  FROM (SELECT *, ${SHIFT} AS k, (((${SHIFT}) % 7) + 7) % 7 AS r FROM`;

/** Staged periods' sequence numbers are counted per process, as the TEMP tables are per connection. */
let staged = 0;

/**
 * ScheduleStore on the process's SQLite connection, keeping imported schedules as leg periods
 * (docs/adr/0025-schedule-periods.md). Periods are staged in bulk into TEMP tables; compare and
 * switch replace the scopes' periods with set-based statements and reconcile only the `flights`
 * rows of the scopes (legs booked or changed). The switch is one IMMEDIATE transaction, so readers
 * on other connections (search threads, other processes; WAL) see the old schedule until the
 * commit and the new one after it, a crash or error before the commit leaves the old one whole, and
 * no booking can commit while it runs: bookings it finds inside it (`bookings.held`) are all there
 * will be until the new schedule is live.
 */
export class SqliteScheduleStore implements ScheduleStore {
  readonly #db: SqliteDatabase;
  readonly #outbox: SqliteOutbox;
  readonly #s;
  readonly #insert: BulkInsert;

  constructor(db: SqliteDatabase, outbox: SqliteOutbox) {
    this.#db = db;
    this.#outbox = outbox;
    db.exec(STAGING_SCHEMA);
    // The staging tables' pages stay in memory up to this (64 MB, like the main cache) before they
    // spill to the temp file; SQLite's default for temp is 2 MB.
    db.pragma('temp.cache_size = -65536');
    this.#insert = new BulkInsert(db, 'staged_periods', ['import_id', 'seq', ...PERIOD_COLUMNS]);
    const columns = PERIOD_COLUMNS.join(', ');
    this.#s = {
      // Staged periods of this batch flying a day an earlier staged period of their flight key flies.
      overlaps: db.prepare(
        `SELECT a.*, b.line AS previous_line, b.first_day AS b_first_day, b.last_day AS b_last_day,
           b.days AS b_days, b.weeks AS b_weeks, b.anchor_day AS b_anchor_day
         FROM staged_periods a JOIN staged_periods b INDEXED BY staged_periods_flight ON b.import_id = a.import_id
           AND b.flight_key = a.flight_key AND b.first_day <= a.last_day AND b.last_day >= a.first_day
           AND b.seq < a.seq
         WHERE a.import_id = ? AND a.seq BETWEEN ? AND ? ORDER BY a.seq, b.seq`,
      ),
      stagedByKey: db.prepare(
        `SELECT * FROM staged_periods INDEXED BY staged_periods_flight
         WHERE import_id = ? AND flight_key = ? AND first_day <= ? AND last_day >= ?`,
      ),
      matchedLegs: db.prepare(
        `SELECT COALESCE(SUM(s.legs), 0) AS n FROM staged_periods s WHERE s.import_id = ?
           AND EXISTS (SELECT 1 FROM schedule_periods p INDEXED BY schedule_periods_flight WHERE p.flight_key = s.flight_key
             AND p.first_day = s.first_day AND ${samePeriod('p', 's')})`,
      ),
      // Legs of added periods whose flight key no removed period has: all of them are new.
      addedAloneLegs: db.prepare(
        `SELECT COALESCE(SUM(s.legs), 0) AS n FROM staged_periods s INDEXED BY staged_periods_carrier
         WHERE s.import_id = ? AND s.carrier = ?
           AND NOT EXISTS (SELECT 1 FROM schedule_periods p INDEXED BY schedule_periods_flight
             WHERE p.flight_key = s.flight_key AND p.first_day = s.first_day AND ${samePeriod('p', 's')})
           AND NOT EXISTS (SELECT 1 FROM schedule_periods q INDEXED BY schedule_periods_flight
             WHERE q.flight_key = s.flight_key AND q.carrier = ? AND q.last_day >= ? AND q.first_day <= ?
             AND NOT EXISTS (SELECT 1 FROM staged_periods t INDEXED BY staged_periods_flight WHERE t.import_id = s.import_id
               AND t.flight_key = q.flight_key AND t.first_day = q.first_day AND ${samePeriod('t', 'q')}))`,
      ),
      removedKeys: db.prepare(
        `SELECT DISTINCT p.flight_key FROM ${REMOVED} AND p.flight_key > ? ORDER BY p.flight_key LIMIT 500`,
      ),
      removedOfKeys: db.prepare(
        `SELECT p.* FROM ${REMOVED} AND p.flight_key IN (SELECT value FROM json_each(?))`,
      ),
      addedOfKeys: db.prepare(
        `SELECT s.* FROM ${ADDED} AND s.flight_key IN (SELECT value FROM json_each(?))`,
      ),
      rowsInScope: db.prepare(
        `SELECT ${FLIGHT_CABIN_COLUMNS}, f.period_leg FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
         WHERE f.carrier = ? AND f.id >= ? AND f.id < ? ORDER BY f.id`,
      ),
      heldBookings: db.prepare(
        `SELECT DISTINCT b.id, j.value AS flight_id
         FROM bookings b CROSS JOIN json_each(b.document, '$.hold.flightIds') j
         WHERE b.status = 'confirmed' AND j.value IN (SELECT value FROM json_each(?))`,
      ),
      booking: db.prepare('SELECT * FROM bookings WHERE id = ?'),
      clearTouched: db.prepare('DELETE FROM switch_touched'),
      clearPeriods: db.prepare('DELETE FROM switch_periods'),
      clearRoutes: db.prepare('DELETE FROM switch_routes'),
      clearRemoved: db.prepare('DELETE FROM switch_removed'),
      touch: db.prepare(
        'INSERT OR IGNORE INTO switch_touched (origin, destination, day, id) VALUES (?, ?, ?, ?)',
      ),
      touchRoute: db.prepare('INSERT OR IGNORE INTO switch_routes (origin, destination) VALUES (?, ?)'),
      touchAdded: db.prepare(`INSERT OR IGNORE INTO switch_periods ${TOUCHED_PERIOD} ${ADDED})`),
      routesOfAdded: db.prepare(
        `INSERT OR IGNORE INTO switch_routes SELECT DISTINCT s.origin, s.destination FROM ${ADDED}`,
      ),
      collectRemoved: db.prepare(`INSERT INTO switch_removed SELECT p.id FROM ${REMOVED}`),
      touchRemoved: db.prepare(
        `INSERT OR IGNORE INTO switch_periods ${TOUCHED_PERIOD}
           schedule_periods WHERE id IN (SELECT id FROM switch_removed))`,
      ),
      routesOfRemoved: db.prepare(
        `INSERT OR IGNORE INTO switch_routes SELECT DISTINCT origin, destination FROM schedule_periods
         WHERE id IN (SELECT id FROM switch_removed)`,
      ),
      // What a removed period flies outside the scope stays: its days before and after, as new rows
      // (their leg counts set after, `legs` -1 until then).
      keepBefore: db.prepare(
        `INSERT INTO schedule_periods (${columns})
         SELECT ${columns.replace('last_day', '? AS last_day').replace('legs', '-1 AS legs')}
         FROM schedule_periods WHERE id IN (SELECT id FROM switch_removed) AND carrier = ? AND first_day < ?`,
      ),
      keepAfter: db.prepare(
        `INSERT INTO schedule_periods (${columns})
         SELECT ${columns.replace('first_day', '? AS first_day').replace('legs', '-1 AS legs')}
         FROM schedule_periods WHERE id IN (SELECT id FROM switch_removed) AND carrier = ? AND last_day > ?`,
      ),
      deleteRemoved: db.prepare('DELETE FROM schedule_periods WHERE id IN (SELECT id FROM switch_removed)'),
      uncounted: db.prepare('SELECT * FROM schedule_periods WHERE legs < 0'),
      setLegs: db.prepare('UPDATE schedule_periods SET legs = ? WHERE id = ?'),
      deletePeriod: db.prepare('DELETE FROM schedule_periods WHERE id = ?'),
      insertAdded: db.prepare(`INSERT INTO schedule_periods (${columns}) SELECT ${columns} FROM ${ADDED}`),
      touchedPage: db.prepare(
        `SELECT origin, destination, day, id FROM switch_touched WHERE (origin, destination, day) > (?, ?, ?)
         ORDER BY origin, destination, day LIMIT ${ROUTE_DATES_PER_EVENT}`,
      ),
      periodsPage: db.prepare(
        `SELECT * FROM switch_periods
         WHERE (origin, destination, first_day, last_day, days, weeks, anchor_day) > (?, ?, ?, ?, ?, ?, ?)
         ORDER BY origin, destination, first_day, last_day, days, weeks, anchor_day LIMIT ${ROUTE_DATES_PER_EVENT}`,
      ),
      markRow: db.prepare('UPDATE flights SET period_leg = 1 WHERE id = ?'),
      deleteRow: db.prepare('DELETE FROM flights WHERE id = ?'),
      cancelRow: db.prepare(
        "UPDATE flights SET cancelled = 1, schedule_signature = '', period_leg = 0 WHERE id = ? AND cancelled = 0",
      ),
      rewriteRow: db.prepare(
        `UPDATE flights SET carrier = ?, flight_number = ?, origin = ?, destination = ?, departure_utc = ?,
           arrival_utc = ?, aircraft = ?, distance_km = ?, currency = ?, fare_source = ?, through_flight_id = ?,
           through_leg = ?, codeshares = ?, cancelled = ?, schedule_signature = ?, period_leg = 1
         WHERE id = ?`,
      ),
      deleteCabins: db.prepare('DELETE FROM flight_cabins WHERE flight_id = ?'),
      // Seats already sold stay sold (capacity − sold, never below zero): a rewrite never hands out
      // seats that bookings hold.
      putCabin: db.prepare(
        `INSERT INTO flight_cabins (${CABIN_ROW_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (flight_id, cabin) DO UPDATE SET fare = excluded.fare, taxes = excluded.taxes,
           seats_left = MAX(0, excluded.capacity - MAX(0, flight_cabins.capacity - flight_cabins.seats_left)),
           capacity = excluded.capacity`,
      ),
      deleteRoutes: db.prepare(
        'DELETE FROM routes WHERE (origin, destination) IN (SELECT origin, destination FROM switch_routes)',
      ),
      putRoutes: db.prepare(
        `INSERT INTO routes (origin, destination, carriers)
         SELECT origin, destination, group_concat(carrier, ',') FROM (
           SELECT origin, destination, carrier FROM (
             SELECT r.origin, r.destination, f.carrier FROM switch_routes r
               JOIN flights f ON f.origin = r.origin AND f.destination = r.destination WHERE f.cancelled = 0
             UNION
             SELECT r.origin, r.destination, p.carrier FROM switch_routes r
               JOIN schedule_periods p ON p.origin = r.origin AND p.destination = r.destination)
           ORDER BY origin, destination, carrier)
         GROUP BY origin, destination`,
      ),
      discard: db.prepare('DELETE FROM staged_periods WHERE import_id = ?'),
      flightsAfter: db.prepare(
        `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
         WHERE f.id IN (SELECT id FROM flights WHERE id > ? ORDER BY id LIMIT ?) ORDER BY f.id, c.cabin`,
      ),
      periodDays: db.prepare('SELECT MIN(first_day) AS first, MAX(last_day) AS last FROM schedule_periods'),
      periodsOnDay: db.prepare(
        `SELECT * FROM schedule_periods WHERE flight_key > ? AND first_day <= ? AND last_day >= ?
         ORDER BY flight_key`,
      ),
    };
  }

  async stage(importId: string, legs: readonly StagedLeg[]): Promise<DuplicateLeg[]> {
    return this.stagePeriods(importId, legs.map(periodOfStagedLeg));
  }

  async stagePeriods(importId: string, periods: readonly LegPeriod[]): Promise<DuplicateLeg[]> {
    return guarded('stage schedule periods', () =>
      this.#db
        .transaction((): DuplicateLeg[] => {
          const first = staged + 1;
          this.#insert.run(periods.map((p) => [importId, ++staged, ...periodValues(p)]));
          return overlapsOf(this.#s.overlaps.iterate(importId, first, staged) as Iterable<OverlapRow>);
        })
        .immediate(),
    );
  }

  async compare(importId: string, scopes: readonly ScheduleScope[]): Promise<ScheduleComparison> {
    return guarded('compare a staged schedule', () => {
      const { counts, decisions } = this.#plan(importId, scopes);
      return { ...counts, moves: movesOf(decisions) };
    });
  }

  async switchTo(
    importId: string,
    scopes: readonly ScheduleScope[],
    cancel: readonly string[],
    events: readonly CloudEvent[],
    touchedEvents: (touched: TouchedFlight[], periods?: readonly TouchedPeriod[]) => readonly CloudEvent[],
    bookings?: SwitchBookings,
  ): Promise<ScheduleSwitchResult> {
    const s = this.#s;
    return guarded('switch to the imported schedule', () =>
      this.#db
        .transaction((): ScheduleSwitchResult => {
          // IMMEDIATE: no booking commits from here to the commit, so what this finds is final.
          const { decisions } = this.#plan(importId, scopes, false);
          const held = bookings ? this.#heldBookings(decisions) : undefined;
          const heldEvents = held ? (bookings?.held(held.bookings, movesOf(decisions)) ?? []) : [];
          const keepCancelled = new Set([...cancel, ...(held?.flights ?? [])]);
          for (const table of ['clearTouched', 'clearPeriods', 'clearRoutes', 'clearRemoved'] as const) {
            s[table].run();
          }

          // 1. Rows of the scopes (booked or changed legs, flights written otherwise).
          const cancelled: string[] = [];
          for (const d of decisions) this.#applyRow(d, keepCancelled, cancelled);

          // 2. Periods: the removed ones go (what they fly outside the scope stays), the added come.
          for (const scope of scopes) {
            const first = dayOfDate(scope.firstDate);
            const last = dayOfDate(scope.lastDate);
            s.collectRemoved.run(scope.carrier, first, last, importId);
          }
          s.touchRemoved.run();
          s.routesOfRemoved.run();
          s.touchAdded.run(importId);
          s.routesOfAdded.run(importId);
          for (const scope of scopes) {
            s.keepBefore.run(dayOfDate(scope.firstDate) - 1, scope.carrier, dayOfDate(scope.firstDate));
            s.keepAfter.run(dayOfDate(scope.lastDate) + 1, scope.carrier, dayOfDate(scope.lastDate));
          }
          s.deleteRemoved.run();
          for (const row of s.uncounted.all() as (PeriodRow & { id: number })[]) {
            const legs = countLegs(row);
            if (legs === 0) s.deletePeriod.run(row.id);
            else s.setLegs.run(legs, row.id);
          }
          s.insertAdded.run(importId);
          s.deleteRoutes.run();
          s.putRoutes.run();

          // 3. Events: a page of route-dates or periods at a time.
          const switchEvents = new SwitchEvents(touchedEvents);
          let after: unknown[] = ['', '', -1];
          for (;;) {
            const page = s.touchedPage.all(...after) as (TouchedRow & { day: number })[];
            if (page.length === 0) break;
            this.#outbox.append(switchEvents.page(page));
            const lastRow = page[page.length - 1] as TouchedRow & { day: number };
            after = [lastRow.origin, lastRow.destination, lastRow.day];
          }
          after = ['', '', -1e9, -1e9, -1, -1, -1e9];
          for (;;) {
            const page = s.periodsPage.all(...after) as TouchedPeriodRow[];
            if (page.length === 0) break;
            this.#outbox.append(switchEvents.periodsPage(page));
            const l = page[page.length - 1] as TouchedPeriodRow;
            after = [l.origin, l.destination, l.first_day, l.last_day, l.days, l.weeks, l.anchor_day];
          }
          for (const table of ['clearTouched', 'clearPeriods', 'clearRoutes', 'clearRemoved'] as const) {
            s[table].run();
          }
          this.#outbox.append(events);
          this.#outbox.append(heldEvents);
          s.discard.run(importId);
          return {
            events: [...events, ...heldEvents, ...switchEvents.kept],
            ...(switchEvents.leftOut > 0 ? { eventsLeftOut: switchEvents.leftOut } : {}),
            ...(held ? { cancelled } : {}),
          };
        })
        .immediate(),
    );
  }

  async discard(importId: string): Promise<void> {
    guarded('discard a staged schedule', () => {
      this.#db.transaction(() => this.#s.discard.run(importId)).immediate();
    });
  }

  async listFlights(afterId: string | undefined, limit: number): Promise<FlightRecord[]> {
    return guarded('list flights', () => {
      const rows = groupFlights(this.#s.flightsAfter.all(afterId ?? '', limit) as FlightCabinRow[]);
      const derived = this.#derivedAfter(afterId, limit);
      return mergeById(rows, derived, limit);
    });
  }

  /** Derived legs in id order after `afterId`, at most `limit` (ids are the date, then the flight key). */
  #derivedAfter(afterId: string | undefined, limit: number): FlightRecord[] {
    const span = this.#s.periodDays.get() as { first: number | null; last: number | null };
    if (span.first === null || span.last === null) return [];
    const start = afterId ? flightKeyOf(afterId) : undefined;
    const legs: FlightRecord[] = [];
    for (let day = Math.max(span.first, start?.day ?? span.first); day <= span.last; day++) {
      const keyAfter = start && day === start.day ? start.key : '';
      for (const row of this.#s.periodsOnDay.iterate(keyAfter, day, day) as Iterable<PeriodRow>) {
        if (!operatesOnRow(row, day)) continue;
        legs.push(legOfPeriod(row, day));
        if (legs.length >= limit) break;
      }
      if (legs.length >= limit) break;
    }
    return legs;
  }

  /**
   * What the staged schedule changes in `scopes`: leg counts (with `withCounts`) and a decision for
   * every `flights` row of the scopes. Reads only.
   */
  #plan(
    importId: string,
    scopes: readonly ScheduleScope[],
    withCounts = true,
  ): { counts: LegCounts; decisions: RowDecision[] } {
    const s = this.#s;
    const counts: LegCounts = { created: 0, changed: 0, unchanged: 0, removed: 0, retimed: 0 };
    if (withCounts) {
      counts.unchanged += (s.matchedLegs.get(importId) as { n: number }).n;
      for (const scope of scopes) {
        const days = { firstDay: dayOfDate(scope.firstDate), lastDay: dayOfDate(scope.lastDate) };
        const args = [scope.carrier, days.firstDay, days.lastDay, importId] as const;
        counts.created += (
          s.addedAloneLegs.get(importId, scope.carrier, scope.carrier, days.firstDay, days.lastDay) as {
            n: number;
          }
        ).n;
        // Keys the staged schedule changes: their legs compared day by day, a page of keys at a time.
        let afterKey = '';
        for (;;) {
          const keys = (s.removedKeys.all(...args, afterKey) as { flight_key: string }[]).map(
            (k) => k.flight_key,
          );
          if (keys.length === 0) break;
          const json = JSON.stringify(keys);
          const removed = groupByKey(s.removedOfKeys.all(...args, json) as PeriodRow[]);
          const added = groupByKey(s.addedOfKeys.all(importId, json) as PeriodRow[]);
          for (const key of keys) diffKeyLegs(removed.get(key) ?? [], added.get(key) ?? [], days, counts);
          afterKey = keys[keys.length - 1] as string;
        }
      }
    }
    const decisions: RowDecision[] = [];
    for (const scope of scopes) {
      const { low, high } = scopeIdRange(scope);
      const rows = s.rowsInScope.all(scope.carrier, low, high) as (FlightCabinRow & { period_leg: number })[];
      const meta = new Map(rows.map((r) => [r.id, r]));
      for (const before of groupFlights(rows)) {
        const row = meta.get(before.id) as FlightCabinRow & { period_leg: number };
        const key = flightKeyOf(before.id);
        const stagedPeriod = key
          ? periodFlying(s.stagedByKey.all(importId, key.key, key.day, key.day) as PeriodRow[], key.day)
          : undefined;
        const decision = decideRow(
          before,
          row.schedule_signature,
          row.period_leg === 1,
          stagedPeriod && key ? { row: stagedPeriod, day: key.day } : undefined,
        );
        countDecision(counts, decision);
        decisions.push(decision);
      }
    }
    return { counts, decisions };
  }

  /** Applies a row decision inside the switch; a dropped row holding bookings is kept cancelled. */
  #applyRow(d: RowDecision, keepCancelled: ReadonlySet<string>, cancelled: string[]): void {
    const s = this.#s;
    const { before, after } = d;
    const touch = (f: FlightRecord): void => {
      s.touch.run(f.origin, f.destination, Math.floor(f.departureUtc / DAY_MS), f.id);
      s.touchRoute.run(f.origin, f.destination);
    };
    switch (d.action) {
      case 'keep':
        return;
      case 'mark':
        s.markRow.run(before.id);
        return;
      case 'drop':
        touch(before);
        if (keepCancelled.has(before.id)) {
          if (s.cancelRow.run(before.id).changes === 1) cancelled.push(before.id);
        } else s.deleteRow.run(before.id);
        return;
      case 'delete':
        touch(before);
        if (after) touch(after);
        s.deleteRow.run(before.id);
        return;
      case 'rewrite': {
        if (!after) return;
        touch(before);
        touch(after);
        const [, ...values] = flightValues(after, d.afterSignature);
        s.rewriteRow.run(...values, before.id);
        const kept = new Set(after.cabins.map((c) => c.cabin));
        if (before.cabins.some((c) => !kept.has(c.cabin))) {
          // Cabins the new leg no longer has go; the others are rewritten keeping their sales.
          const live = before.cabins.filter((c) => kept.has(c.cabin));
          s.deleteCabins.run(before.id);
          for (const c of live) s.putCabin.run(...cabinValues(before.id, c));
        }
        for (const c of after.cabins) s.putCabin.run(...cabinValues(before.id, c));
        return;
      }
    }
  }

  /** Confirmed bookings holding rows the switch drops or moves, and the flights among those it drops. */
  #heldBookings(decisions: readonly RowDecision[]): { bookings: BookingRecord[]; flights: string[] } {
    const moved = decisions.filter((d) => d.moved);
    if (moved.length === 0) return { bookings: [], flights: [] };
    const dropped = new Set(moved.filter((d) => d.action === 'drop').map((d) => d.before.id));
    const ids = new Set<string>();
    const flights = new Set<string>();
    for (const row of this.#s.heldBookings.all(JSON.stringify(moved.map((d) => d.before.id))) as {
      id: string;
      flight_id: string;
    }[]) {
      ids.add(row.id);
      if (dropped.has(row.flight_id)) flights.add(row.flight_id);
    }
    const found = [...ids].map((id) => {
      const row = this.#s.booking.get(id) as BookingRow<string>;
      return toBookingRecord({ ...row, document: JSON.parse(row.document) as BookingDocument });
    });
    return { bookings: found, flights: [...flights] };
  }
}

const countLegs = (row: PeriodRow): number => countOperatingDays(periodOfRow(row));
