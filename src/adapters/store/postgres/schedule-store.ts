import type pg from 'pg';
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
import {
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
import { copyRows } from './bulk-rows.js';
import {
  type AppendEvents,
  guarded,
  inBulkTransaction,
  inTransaction,
  type Queryable,
} from './connection.js';
import { carrierLockKey } from './period-legs.js';

const DAY_MS = 86_400_000;

/** Live periods of a scope ($1 carrier, [$2, $3] days, $4 import id) no staged period equals. */
const REMOVED = `schedule_periods p WHERE p.carrier = $1 AND p.last_day >= $2 AND p.first_day <= $3
  AND NOT EXISTS (SELECT 1 FROM schedule_staged_periods s WHERE s.import_id = $4 AND s.flight_key = p.flight_key
    AND s.first_day = p.first_day AND ${samePeriod('s', 'p')})`;
/** Staged periods of import $1 no live period equals: the ones a switch writes. */
const ADDED = `schedule_staged_periods s WHERE s.import_id = $1
  AND NOT EXISTS (SELECT 1 FROM schedule_periods p WHERE p.flight_key = s.flight_key
    AND p.first_day = s.first_day AND ${samePeriod('p', 's')})`;
/** Floor division of a period's departure by a day: its UTC departure dates are its flight dates shifted by it. */
const SHIFT = `((departure_ms - (((departure_ms % ${DAY_MS}) + ${DAY_MS}) % ${DAY_MS})) / ${DAY_MS})::int`;
/** Periods' departures as touched periods (columns of switch_periods), distinct, from the row sources. */
const touchedPeriods = (...sources: string[]): string => `
  SELECT DISTINCT origin, destination, first_day + k, last_day + k, ((days << r) | (days >> (7 - r))) & 127,
    weeks, anchor_day + k
  FROM (SELECT origin, destination, first_day, last_day, days, weeks, anchor_day, k, ((k % 7) + 7) % 7 AS r
        FROM (${sources
          .map(
            (src) =>
              `SELECT origin, destination, first_day, last_day, days, weeks, anchor_day, ${SHIFT} AS k FROM ${src}`,
          )
          .join(' UNION ALL ')}) shifted) rotated`;

/** Staged periods' sequence numbers, counted per process (an import stages from one process). */
let staged = 0;

/**
 * ScheduleStore on PostgreSQL, keeping imported schedules as leg periods
 * (docs/adr/0025-schedule-periods.md). Periods are COPYed into an UNLOGGED staging table; compare
 * and switch replace the scopes' periods with set-based statements and reconcile only the `flights`
 * rows of the scopes (legs booked or changed). The switch is one transaction (READ COMMITTED:
 * searches on other connections read the old rows until the COMMIT, the new ones after); a failure
 * or a lost connection rolls it all back, leaving the old schedule.
 *
 * Bookings and the switch (`bookings.held`): a booking takes seats with one conditional UPDATE of
 * `flight_cabins` rows (booking-store.ts), after writing the rows of a derived leg it books under
 * the carrier's shared advisory lock (period-legs.ts). The switch takes that lock exclusively, then
 * locks the cabin rows of the scopes' flights, then looks the bookings up:
 *
 *   switch                                        booking of a leg L of the carrier
 *   ────────────────────────────────────────────  ─────────────────────────────────────────
 *                                                 BEGIN; lock carrier (shared); write L's rows;
 *   lock carrier (exclusive) → waits              UPDATE flight_cabins (L) …
 *                                                 INSERT INTO bookings …; COMMIT
 *   (granted) lock the scope's cabin rows,
 *   read its rows → sees L, and its booking:
 *   L is cancelled or retimed, not deleted
 *   …                                             a later booking of a derived leg waits for the
 *   COMMIT                                        carrier lock, then reads the new periods
 */
export class PostgresScheduleStore implements ScheduleStore {
  readonly #pool: pg.Pool;
  readonly #appendEvents: AppendEvents;

  constructor(pool: pg.Pool, appendEvents: AppendEvents) {
    this.#pool = pool;
    this.#appendEvents = appendEvents;
  }

  async stage(importId: string, legs: readonly StagedLeg[]): Promise<DuplicateLeg[]> {
    return this.stagePeriods(importId, legs.map(periodOfStagedLeg));
  }

  async stagePeriods(importId: string, periods: readonly LegPeriod[]): Promise<DuplicateLeg[]> {
    if (periods.length === 0) return [];
    return guarded('stage schedule periods', () =>
      inBulkTransaction(this.#pool, async (client) => {
        const first = staged + 1;
        await copyRows(
          client,
          `COPY schedule_staged_periods (import_id, seq, ${PERIOD_COLUMNS.join(', ')}) FROM STDIN`,
          periods.map((p) => [importId, ++staged, ...periodValues(p)]),
        );
        // Staged periods of this batch flying a day an earlier staged period of their flight key flies.
        const { rows } = await client.query<OverlapRow>(
          `SELECT a.*, b.line AS previous_line, b.first_day AS b_first_day, b.last_day AS b_last_day,
             b.days AS b_days, b.weeks AS b_weeks, b.anchor_day AS b_anchor_day
           FROM schedule_staged_periods a JOIN schedule_staged_periods b ON b.import_id = a.import_id
             AND b.flight_key = a.flight_key AND b.first_day <= a.last_day AND b.last_day >= a.first_day
             AND b.seq < a.seq
           WHERE a.import_id = $1 AND a.seq BETWEEN $2 AND $3 ORDER BY a.seq, b.seq`,
          [importId, first, staged],
        );
        return overlapsOf(rows);
      }),
    );
  }

  async compare(importId: string, scopes: readonly ScheduleScope[]): Promise<ScheduleComparison> {
    return guarded('compare a staged schedule', async () => {
      // Freshly filled: without statistics the planner would guess the staging table is empty.
      await this.#pool.query('ANALYZE schedule_staged_periods');
      const { counts, decisions } = await this.#plan(this.#pool, importId, scopes);
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
    return guarded('switch to the imported schedule', () =>
      inTransaction(this.#pool, async (client) => {
        // Bookings materialising a leg of these carriers finish first; later ones wait for the commit.
        const locks = [...new Set(scopes.map((s) => carrierLockKey(s.carrier)))].sort();
        await client.query('SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest($1::text[]) AS k', [locks]);
        // Bookings taking seats on the scopes' rows commit before the rows are read below.
        for (const scope of scopes) {
          const { low, high } = scopeIdRange(scope);
          await client.query(
            `SELECT c.flight_id FROM flight_cabins c JOIN flights f ON f.id = c.flight_id
             WHERE f.carrier = $1 AND f.id >= $2 AND f.id < $3 ORDER BY c.flight_id, c.cabin FOR UPDATE OF c`,
            [scope.carrier, low, high],
          );
        }
        const { decisions } = await this.#plan(client, importId, scopes, false);
        const held = bookings ? await this.#heldBookings(client, decisions) : undefined;
        const heldEvents = held ? (bookings?.held(held.bookings, movesOf(decisions)) ?? []) : [];
        const keepCancelled = new Set([...cancel, ...(held?.flights ?? [])]);

        await client.query(
          `CREATE TEMPORARY TABLE switch_touched (
             origin text COLLATE "C" NOT NULL, destination text COLLATE "C" NOT NULL, day bigint NOT NULL,
             id text COLLATE "C" NOT NULL, PRIMARY KEY (origin, destination, day)) ON COMMIT DROP;
           CREATE TEMPORARY TABLE switch_periods (
             origin text COLLATE "C" NOT NULL, destination text COLLATE "C" NOT NULL, first_day integer NOT NULL,
             last_day integer NOT NULL, days integer NOT NULL, weeks integer NOT NULL, anchor_day integer NOT NULL,
             PRIMARY KEY (origin, destination, first_day, last_day, days, weeks, anchor_day)) ON COMMIT DROP;
           CREATE TEMPORARY TABLE switch_routes (
             origin text COLLATE "C" NOT NULL, destination text COLLATE "C" NOT NULL,
             PRIMARY KEY (origin, destination)) ON COMMIT DROP;
           CREATE TEMPORARY TABLE switch_removed (id bigint PRIMARY KEY) ON COMMIT DROP;`,
        );

        // 1. Rows of the scopes (booked or changed legs, flights written otherwise).
        const cancelled: string[] = [];
        for (const d of decisions) await this.#applyRow(client, d, keepCancelled, cancelled);

        // 2. Periods: the removed ones go (what they fly outside the scope stays), the added come.
        for (const scope of scopes) {
          await client.query(`INSERT INTO switch_removed SELECT p.id FROM ${REMOVED}`, [
            scope.carrier,
            dayOfDate(scope.firstDate),
            dayOfDate(scope.lastDate),
            importId,
          ]);
        }
        const removedRows = 'schedule_periods WHERE id IN (SELECT id FROM switch_removed)';
        await client.query(`INSERT INTO switch_periods ${touchedPeriods(removedRows, ADDED)}`, [importId]);
        await client.query(
          `INSERT INTO switch_routes SELECT origin, destination FROM ${removedRows}
           UNION SELECT s.origin, s.destination FROM ${ADDED}
           ON CONFLICT DO NOTHING`,
          [importId],
        );
        const columns = PERIOD_COLUMNS.join(', ');
        for (const scope of scopes) {
          const first = dayOfDate(scope.firstDate);
          const last = dayOfDate(scope.lastDate);
          // What a removed period flies outside the scope stays, as new rows (counted below).
          await client.query(
            `INSERT INTO schedule_periods (${columns})
             SELECT ${columns.replace('last_day', '$1 AS last_day').replace('legs', '-1 AS legs')}
             FROM ${removedRows} AND carrier = $2 AND first_day < $3`,
            [first - 1, scope.carrier, first],
          );
          await client.query(
            `INSERT INTO schedule_periods (${columns})
             SELECT ${columns.replace('first_day', '$1 AS first_day').replace('legs', '-1 AS legs')}
             FROM ${removedRows} AND carrier = $2 AND last_day > $3`,
            [last + 1, scope.carrier, last],
          );
        }
        await client.query(`DELETE FROM ${removedRows}`);
        const { rows: uncounted } = await client.query<PeriodRow & { id: string }>(
          'SELECT * FROM schedule_periods WHERE legs < 0',
        );
        for (const row of uncounted) {
          const legs = countOperatingDays(periodOfRow(row));
          if (legs === 0) await client.query('DELETE FROM schedule_periods WHERE id = $1', [row.id]);
          else await client.query('UPDATE schedule_periods SET legs = $1 WHERE id = $2', [legs, row.id]);
        }
        await client.query(`INSERT INTO schedule_periods (${columns}) SELECT ${columns} FROM ${ADDED}`, [
          importId,
        ]);
        await client.query(
          `DELETE FROM routes r USING switch_routes u WHERE r.origin = u.origin AND r.destination = u.destination`,
        );
        await client.query(
          `INSERT INTO routes (origin, destination, carriers)
           SELECT origin, destination, array_agg(DISTINCT carrier ORDER BY carrier) FROM (
             SELECT f.origin, f.destination, f.carrier FROM switch_routes u
               JOIN flights f ON f.origin = u.origin AND f.destination = u.destination WHERE f.cancelled = 0
             UNION ALL
             SELECT p.origin, p.destination, p.carrier FROM switch_routes u
               JOIN schedule_periods p ON p.origin = u.origin AND p.destination = u.destination) x
           GROUP BY origin, destination
           ORDER BY origin, destination`,
        );

        // 3. Events: a page of route-dates or periods at a time, appended as they are made.
        const switchEvents = new SwitchEvents(touchedEvents);
        let after: unknown[] = ['', '', -1];
        for (;;) {
          const { rows: page } = await client.query<TouchedRow & { day: string }>(
            `SELECT origin, destination, day, id FROM switch_touched WHERE (origin, destination, day) > ($1, $2, $3)
             ORDER BY origin, destination, day LIMIT ${ROUTE_DATES_PER_EVENT}`,
            after,
          );
          if (page.length === 0) break;
          await this.#appendEvents(client, switchEvents.page(page));
          const l = page[page.length - 1] as TouchedRow & { day: string };
          after = [l.origin, l.destination, Number(l.day)];
        }
        after = ['', '', -1e9, -1e9, -1, -1, -1e9];
        for (;;) {
          const { rows: page } = await client.query<TouchedPeriodRow>(
            `SELECT * FROM switch_periods
             WHERE (origin, destination, first_day, last_day, days, weeks, anchor_day) > ($1, $2, $3, $4, $5, $6, $7)
             ORDER BY origin, destination, first_day, last_day, days, weeks, anchor_day
             LIMIT ${ROUTE_DATES_PER_EVENT}`,
            after,
          );
          if (page.length === 0) break;
          await this.#appendEvents(client, switchEvents.periodsPage(page));
          const l = page[page.length - 1] as TouchedPeriodRow;
          after = [l.origin, l.destination, l.first_day, l.last_day, l.days, l.weeks, l.anchor_day];
        }
        await this.#appendEvents(client, [...events, ...heldEvents]);
        await client.query('DELETE FROM schedule_staged_periods WHERE import_id = $1', [importId]);
        return {
          events: [...events, ...heldEvents, ...switchEvents.kept],
          ...(switchEvents.leftOut > 0 ? { eventsLeftOut: switchEvents.leftOut } : {}),
          ...(held ? { cancelled } : {}),
        };
      }),
    );
  }

  async discard(importId: string): Promise<void> {
    await guarded('discard a staged schedule', () =>
      this.#pool.query('DELETE FROM schedule_staged_periods WHERE import_id = $1', [importId]),
    );
  }

  async listFlights(afterId: string | undefined, limit: number): Promise<FlightRecord[]> {
    return guarded('list flights', async () => {
      const { rows } = await this.#pool.query<FlightCabinRow>(
        `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
         WHERE f.id IN (SELECT id FROM flights WHERE id > $1 ORDER BY id LIMIT $2) ORDER BY f.id, c.cabin`,
        [afterId ?? '', limit],
      );
      const flights = groupFlights(rows);
      const derived = await this.#derivedAfter(afterId, limit);
      return mergeById(flights, derived, limit);
    });
  }

  /** Derived legs in id order after `afterId`, at most `limit` (ids are the date, then the flight key). */
  async #derivedAfter(afterId: string | undefined, limit: number): Promise<FlightRecord[]> {
    const { rows: span } = await this.#pool.query<{ first: number | null; last: number | null }>(
      'SELECT MIN(first_day) AS first, MAX(last_day) AS last FROM schedule_periods',
    );
    const first = span[0]?.first;
    const last = span[0]?.last;
    if (first === null || first === undefined || last === null || last === undefined) return [];
    const start = afterId ? flightKeyOf(afterId) : undefined;
    const legs: FlightRecord[] = [];
    for (let day = Math.max(first, start?.day ?? first); day <= last && legs.length < limit; day++) {
      let keyAfter = start && day === start.day ? start.key : '';
      // Keyset pages of the day's periods in flight-key order, until the page is full.
      for (;;) {
        const { rows } = await this.#pool.query<PeriodRow>(
          `SELECT * FROM schedule_periods WHERE flight_key > $1 AND first_day <= $2 AND last_day >= $2
           ORDER BY flight_key LIMIT $3`,
          [keyAfter, day, limit],
        );
        for (const row of rows) {
          if (operatesOnRow(row, day)) legs.push(legOfPeriod(row, day));
          if (legs.length >= limit) return legs;
        }
        if (rows.length < limit) break;
        keyAfter = (rows[rows.length - 1] as PeriodRow).flight_key;
      }
    }
    return legs;
  }

  /**
   * What the staged schedule changes in `scopes`: leg counts (with `withCounts`) and a decision for
   * every `flights` row of the scopes. Reads only.
   */
  async #plan(
    db: Queryable,
    importId: string,
    scopes: readonly ScheduleScope[],
    withCounts = true,
  ): Promise<{ counts: LegCounts; decisions: RowDecision[] }> {
    const counts: LegCounts = { created: 0, changed: 0, unchanged: 0, removed: 0, retimed: 0 };
    if (withCounts) {
      const { rows: matched } = await db.query<{ n: string }>(
        `SELECT COALESCE(SUM(s.legs), 0) AS n FROM schedule_staged_periods s WHERE s.import_id = $1
           AND EXISTS (SELECT 1 FROM schedule_periods p WHERE p.flight_key = s.flight_key
             AND p.first_day = s.first_day AND ${samePeriod('p', 's')})`,
        [importId],
      );
      counts.unchanged += Number(matched[0]?.n ?? 0);
      for (const scope of scopes) {
        const days = { firstDay: dayOfDate(scope.firstDate), lastDay: dayOfDate(scope.lastDate) };
        const args = [scope.carrier, days.firstDay, days.lastDay, importId];
        // Legs of added periods whose flight key no removed period has: all of them are new.
        const { rows: alone } = await db.query<{ n: string }>(
          `SELECT COALESCE(SUM(s.legs), 0) AS n FROM schedule_staged_periods s WHERE s.import_id = $4
             AND s.carrier = $1
             AND NOT EXISTS (SELECT 1 FROM schedule_periods p WHERE p.flight_key = s.flight_key
               AND p.first_day = s.first_day AND ${samePeriod('p', 's')})
             AND NOT EXISTS (SELECT 1 FROM ${REMOVED.replace('schedule_periods p WHERE', 'schedule_periods p WHERE p.flight_key = s.flight_key AND')})`,
          args,
        );
        counts.created += Number(alone[0]?.n ?? 0);
        // Keys the staged schedule changes: their legs compared day by day, a page of keys at a time.
        let afterKey = '';
        for (;;) {
          const { rows: keyRows } = await db.query<{ flight_key: string }>(
            `SELECT DISTINCT p.flight_key FROM ${REMOVED} AND p.flight_key > $5 ORDER BY p.flight_key LIMIT 500`,
            [...args, afterKey],
          );
          const keys = keyRows.map((k) => k.flight_key);
          if (keys.length === 0) break;
          const { rows: removed } = await db.query<PeriodRow>(
            `SELECT p.* FROM ${REMOVED} AND p.flight_key = ANY($5::text[])`,
            [...args, keys],
          );
          const { rows: added } = await db.query<PeriodRow>(
            `SELECT s.* FROM ${ADDED} AND s.flight_key = ANY($2::text[])`,
            [importId, keys],
          );
          const removedByKey = groupByKey(removed);
          const addedByKey = groupByKey(added);
          for (const key of keys)
            diffKeyLegs(removedByKey.get(key) ?? [], addedByKey.get(key) ?? [], days, counts);
          afterKey = keys[keys.length - 1] as string;
        }
      }
    }
    const decisions: RowDecision[] = [];
    for (const scope of scopes) {
      const { low, high } = scopeIdRange(scope);
      const { rows } = await db.query<FlightCabinRow & { period_leg: number }>(
        `SELECT ${FLIGHT_CABIN_COLUMNS}, f.period_leg FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
         WHERE f.carrier = $1 AND f.id >= $2 AND f.id < $3 ORDER BY f.id, c.cabin`,
        [scope.carrier, low, high],
      );
      if (rows.length === 0) continue;
      const meta = new Map(rows.map((r) => [r.id, r]));
      const flights = groupFlights(rows);
      const wanted = flights.flatMap((f) => {
        const key = flightKeyOf(f.id);
        return key ? [{ id: f.id, ...key }] : [];
      });
      const { rows: stagedRows } = await db.query<PeriodRow & { wanted_id: string }>(
        `SELECT w.id AS wanted_id, s.* FROM unnest($2::text[], $3::text[], $4::int[]) AS w(id, key, day)
         JOIN schedule_staged_periods s ON s.import_id = $1 AND s.flight_key = w.key
           AND s.first_day <= w.day AND s.last_day >= w.day`,
        [importId, wanted.map((w) => w.id), wanted.map((w) => w.key), wanted.map((w) => w.day)],
      );
      const stagedById = new Map<string, PeriodRow[]>();
      for (const row of stagedRows) {
        const list = stagedById.get(row.wanted_id);
        if (list) list.push(row);
        else stagedById.set(row.wanted_id, [row]);
      }
      for (const before of flights) {
        const row = meta.get(before.id) as FlightCabinRow & { period_leg: number };
        const key = flightKeyOf(before.id);
        const stagedPeriod = key ? periodFlying(stagedById.get(before.id) ?? [], key.day) : undefined;
        const decision = decideRow(
          before,
          row.schedule_signature,
          Number(row.period_leg) === 1,
          stagedPeriod && key ? { row: stagedPeriod, day: key.day } : undefined,
        );
        countDecision(counts, decision);
        decisions.push(decision);
      }
    }
    return { counts, decisions };
  }

  /** Applies a row decision inside the switch; a dropped row holding bookings is kept cancelled. */
  async #applyRow(
    client: pg.PoolClient,
    d: RowDecision,
    keepCancelled: ReadonlySet<string>,
    cancelled: string[],
  ): Promise<void> {
    const { before, after } = d;
    const touch = async (f: FlightRecord): Promise<void> => {
      await client.query(
        `INSERT INTO switch_touched (origin, destination, day, id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING;`,
        [f.origin, f.destination, Math.floor(f.departureUtc / DAY_MS), f.id],
      );
      await client.query(
        'INSERT INTO switch_routes (origin, destination) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [f.origin, f.destination],
      );
    };
    switch (d.action) {
      case 'keep':
        return;
      case 'mark':
        await client.query('UPDATE flights SET period_leg = 1 WHERE id = $1', [before.id]);
        return;
      case 'drop': {
        await touch(before);
        if (keepCancelled.has(before.id)) {
          const { rowCount } = await client.query(
            `UPDATE flights SET cancelled = 1, schedule_signature = '', period_leg = 0
             WHERE id = $1 AND cancelled = 0`,
            [before.id],
          );
          if (rowCount === 1) cancelled.push(before.id);
        } else await this.#deleteRow(client, before.id);
        return;
      }
      case 'delete':
        await touch(before);
        if (after) await touch(after);
        await this.#deleteRow(client, before.id);
        return;
      case 'rewrite': {
        if (!after) return;
        await touch(before);
        await touch(after);
        const [, ...values] = flightValues(after, d.afterSignature);
        await client.query(
          `UPDATE flights SET carrier = $1, flight_number = $2, origin = $3, destination = $4, departure_utc = $5,
             arrival_utc = $6, aircraft = $7, distance_km = $8, currency = $9, fare_source = $10,
             through_flight_id = $11, through_leg = $12, codeshares = $13, cancelled = $14,
             schedule_signature = $15, period_leg = 1
           WHERE id = $16`,
          [...values, before.id],
        );
        await client.query(
          'DELETE FROM flight_cabins WHERE flight_id = $1 AND NOT (cabin = ANY($2::text[]))',
          [before.id, after.cabins.map((c) => c.cabin)],
        );
        // Seats already sold stay sold (capacity − sold, never below zero): a rewrite never hands
        // out seats that bookings hold.
        for (const c of after.cabins) {
          await client.query(
            `INSERT INTO flight_cabins (flight_id, cabin, fare, taxes, seats_left, capacity)
             VALUES ($1, $2, $3, $4, $5, $5)
             ON CONFLICT (flight_id, cabin) DO UPDATE SET fare = excluded.fare, taxes = excluded.taxes,
               seats_left = GREATEST(0, excluded.capacity
                 - GREATEST(0, flight_cabins.capacity - flight_cabins.seats_left)),
               capacity = excluded.capacity`,
            [before.id, c.cabin, c.fare, c.taxes, c.capacity],
          );
        }
        return;
      }
    }
  }

  async #deleteRow(client: pg.PoolClient, id: string): Promise<void> {
    await client.query('DELETE FROM flight_cabins WHERE flight_id = $1', [id]);
    await client.query('DELETE FROM flights WHERE id = $1', [id]);
  }

  /** Confirmed bookings holding rows the switch drops or moves, and the flights among those it drops. */
  async #heldBookings(
    client: pg.PoolClient,
    decisions: readonly RowDecision[],
  ): Promise<{ bookings: BookingRecord[]; flights: string[] }> {
    const moved = decisions.filter((d) => d.moved);
    if (moved.length === 0) return { bookings: [], flights: [] };
    const dropped = new Set(moved.filter((d) => d.action === 'drop').map((d) => d.before.id));
    const { rows } = await client.query<BookingRow>(
      `SELECT * FROM bookings
       WHERE status = 'confirmed' AND (document::jsonb -> 'hold' -> 'flightIds') ?| $1::text[]`,
      [moved.map((d) => d.before.id)],
    );
    const bookings = rows.map(toBookingRecord);
    const flights = new Set<string>();
    for (const b of bookings) {
      for (const id of b.hold.kind === 'seats' ? b.hold.flightIds : []) if (dropped.has(id)) flights.add(id);
    }
    return { bookings, flights: [...flights] };
  }
}
