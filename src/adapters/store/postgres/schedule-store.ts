import type pg from 'pg';
import type { BookingRecord } from '../../../ports/bookings.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { TouchedFlight } from '../../../ports/inventory-updates.js';
import type {
  DuplicateLeg,
  ScheduleChange,
  ScheduleComparison,
  ScheduleScope,
  ScheduleStore,
  ScheduleSwitchResult,
  StagedBatch,
  StagedLeg,
  SwitchBookings,
} from '../../../ports/schedules.js';
import type { FlightRecord } from '../../../ports/store.js';
import { FLIGHT_CABIN_COLUMNS, type FlightCabinRow, groupFlights } from '../flight-cabin-rows.js';
import { type BookingRow, toBookingRecord } from '../relational-booking-rows.js';
import {
  batchOfLegs,
  ROUTE_DATES_PER_EVENT,
  STAGED_CABIN_COLUMNS,
  STAGED_LEG_COLUMNS,
  STAGED_TEMPLATE_COLUMNS,
  SwitchEvents,
  scopeIdRange,
  stagedCabinValues,
  stagedLegValues,
  stagedTemplateValues,
  type TouchedRow,
} from '../schedule-rows.js';
import { copyRows } from './bulk-rows.js';
import {
  type AppendEvents,
  guarded,
  inBulkTransaction,
  inTransaction,
  sqlState,
  UNIQUE_VIOLATION,
} from './connection.js';

/** A staged leg with its template. */
const STAGED = `schedule_staged_legs s
  JOIN schedule_staged_templates t ON t.import_id = s.import_id AND t.template = s.template`;
/** A staged leg the switch writes: new, changed (signature) or bringing a cancelled flight back. */
const TO_WRITE = `(f.id IS NULL OR f.schedule_signature <> s.signature OR f.cancelled = 1)`;
/** A live flight (f) of a scope the switch drops (no staged leg) or moves (times, aircraft). */
const MOVED = `((s.id IS NULL AND f.cancelled = 0)
  OR s.departure_utc <> f.departure_utc OR s.arrival_utc <> f.arrival_utc OR t.aircraft <> f.aircraft)`;
/** Live flights of one scope ($1 import id, $2 carrier, [$3, $4) ids) with their staged leg, if any. */
const LIVE_IN_SCOPE = `flights f
  LEFT JOIN schedule_staged_legs s ON s.import_id = $1 AND s.id = f.id
  LEFT JOIN schedule_staged_templates t ON t.import_id = s.import_id AND t.template = s.template
  WHERE f.carrier = $2 AND f.id >= $3 AND f.id < $4`;
/** A live flight of a scope ($2–$4) that import $1 did not stage. */
const DROPPED = `f.carrier = $2 AND f.id >= $3 AND f.id < $4 AND f.cancelled = 0
  AND NOT EXISTS (SELECT 1 FROM schedule_staged_legs s WHERE s.import_id = $1 AND s.id = f.id)`;

interface MovedRow {
  id: string;
  staged: string | null;
  staged_departure: string | null;
  staged_arrival: string | null;
  staged_aircraft: string | null;
}

/**
 * Keys of templates made for legs staged one by one (`stage`): negative, below every line number.
 * Each import stages from one process, and keys are per import.
 */
let legTemplates = 0;

/**
 * ScheduleStore on PostgreSQL. Legs are COPYed into UNLOGGED staging tables (a leg, its template, the
 * template's cabins); compare and switch are a few set-based statements. The switch is one
 * transaction (READ COMMITTED: searches on other connections read the old rows until the COMMIT, the
 * new ones after); a failure or a lost connection rolls it all back, leaving the old schedule.
 *
 * Bookings and the switch (`bookings.held`): a booking takes seats with one conditional UPDATE of
 * `flight_cabins` rows (booking-store.ts), so the switch first locks the cabin rows of every flight
 * it drops or moves, then looks the bookings up:
 *
 *   switch                                        booking of a flight F the switch drops
 *   ────────────────────────────────────────────  ─────────────────────────────────────────
 *                                                 BEGIN; UPDATE flight_cabins (F) …
 *   SELECT … FOR UPDATE of F's cabins → waits
 *                                                 INSERT INTO bookings …; COMMIT
 *   (lock granted) SELECT bookings → sees it,
 *   F is cancelled, not deleted
 *   …                                             a later booking of F: UPDATE waits for the
 *   COMMIT                                        switch, then finds F's seats gone → sold out
 */
export class PostgresScheduleStore implements ScheduleStore {
  readonly #pool: pg.Pool;
  readonly #appendEvents: AppendEvents;

  constructor(pool: pg.Pool, appendEvents: AppendEvents) {
    this.#pool = pool;
    this.#appendEvents = appendEvents;
  }

  async stage(importId: string, legs: readonly StagedLeg[]): Promise<DuplicateLeg[]> {
    return this.stageBatch(
      importId,
      batchOfLegs(legs, () => --legTemplates),
    );
  }

  async stageBatch(importId: string, batch: StagedBatch): Promise<DuplicateLeg[]> {
    if (batch.legs.length === 0) return [];
    return guarded('stage schedule legs', () =>
      inBulkTransaction(this.#pool, async (client) => {
        await copyRows(
          client,
          `COPY schedule_staged_templates (${STAGED_TEMPLATE_COLUMNS.join(', ')}) FROM STDIN`,
          batch.templates.map((t) => stagedTemplateValues(importId, t)),
        );
        await copyRows(
          client,
          `COPY schedule_staged_cabins (${STAGED_CABIN_COLUMNS.join(', ')}) FROM STDIN`,
          batch.templates.flatMap((t) => stagedCabinValues(importId, t)),
        );
        const rows = batch.legs.map((leg) => stagedLegValues(importId, leg));
        const copyLegs = `COPY schedule_staged_legs (${STAGED_LEG_COLUMNS.join(', ')}) FROM STDIN`;
        await client.query('SAVEPOINT staged_legs');
        try {
          await copyRows(client, copyLegs, rows);
          return [];
        } catch (error) {
          if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
          await client.query('ROLLBACK TO SAVEPOINT staged_legs');
        }
        // Some id was staged already (overlapping periods: an error in the file, so rare): the
        // first line of an id is staged, every other one is a duplicate.
        const { rows: staged } = await client.query<{ id: string; line: number }>(
          'SELECT id, line FROM schedule_staged_legs WHERE import_id = $1 AND id = ANY($2::text[])',
          [importId, batch.legs.map((l) => l.id)],
        );
        const previous = new Map(staged.map((r) => [r.id, r.line]));
        const duplicates: DuplicateLeg[] = [];
        const fresh: (typeof rows)[number][] = [];
        for (const [i, leg] of batch.legs.entries()) {
          const line = previous.get(leg.id);
          if (line !== undefined) {
            duplicates.push({ id: leg.id, line: leg.line, previousLine: line });
            continue;
          }
          previous.set(leg.id, leg.line);
          fresh.push(rows[i] as (typeof rows)[number]);
        }
        await copyRows(client, copyLegs, fresh);
        return duplicates;
      }),
    );
  }

  async compare(importId: string, scopes: readonly ScheduleScope[]): Promise<ScheduleComparison> {
    return guarded('compare a staged schedule', async () => {
      // Freshly filled: without statistics the planner would guess the staging tables are empty.
      await this.#pool.query(
        'ANALYZE schedule_staged_legs, schedule_staged_templates, schedule_staged_cabins',
      );
      const staged = await this.#pool.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM schedule_staged_legs WHERE import_id = $1',
        [importId],
      );
      const matched = await this.#pool.query<{ n: string; same: string }>(
        `SELECT COUNT(*) AS n,
                COUNT(*) FILTER (WHERE s.signature = f.schedule_signature AND f.cancelled = 0) AS same
         FROM schedule_staged_legs s JOIN flights f ON f.id = s.id WHERE s.import_id = $1`,
        [importId],
      );
      let removed = 0;
      const moved: { id: string; after?: ScheduleChange['after'] }[] = [];
      for (const scope of scopes) {
        const { low, high } = scopeIdRange(scope);
        const { rows } = await this.#pool.query<MovedRow>(
          `SELECT f.id, s.id AS staged, s.departure_utc AS staged_departure, s.arrival_utc AS staged_arrival,
                  t.aircraft AS staged_aircraft
           FROM ${LIVE_IN_SCOPE} AND ${MOVED}`,
          [importId, scope.carrier, low, high],
        );
        for (const row of rows) {
          if (row.staged === null) {
            removed++;
            moved.push({ id: row.id });
          } else {
            moved.push({
              id: row.id,
              after: {
                departureUtc: Number(row.staged_departure),
                arrivalUtc: Number(row.staged_arrival),
                aircraft: row.staged_aircraft as string,
              },
            });
          }
        }
      }
      const before = new Map((await this.#flights(moved.map((m) => m.id))).map((f) => [f.id, f]));
      const n = Number(matched.rows[0]?.n ?? 0);
      const same = Number(matched.rows[0]?.same ?? 0);
      return {
        created: Number(staged.rows[0]?.n ?? 0) - n,
        changed: n - same,
        unchanged: same,
        removed,
        moves: moved.map((m) => ({
          before: before.get(m.id) as FlightRecord,
          ...(m.after === undefined ? {} : { after: m.after }),
        })),
      };
    });
  }

  async switchTo(
    importId: string,
    scopes: readonly ScheduleScope[],
    cancel: readonly string[],
    events: readonly CloudEvent[],
    touchedEvents: (touched: TouchedFlight[]) => readonly CloudEvent[],
    bookings?: SwitchBookings,
  ): Promise<ScheduleSwitchResult> {
    const ranges = scopes.map((scope) => {
      const { low, high } = scopeIdRange(scope);
      return [importId, scope.carrier, low, high] as const;
    });
    return guarded('switch to the imported schedule', () =>
      inTransaction(this.#pool, async (client) => {
        const held = bookings ? await this.#heldBookings(client, ranges) : undefined;
        const heldEvents = held ? (bookings?.held(held.bookings) ?? []) : [];

        await client.query(
          `CREATE TEMPORARY TABLE switch_touched (
             origin text COLLATE "C" NOT NULL, destination text COLLATE "C" NOT NULL, day bigint NOT NULL,
             id text COLLATE "C" NOT NULL, PRIMARY KEY (origin, destination, day)) ON COMMIT DROP`,
        );
        // Route-dates of the live flights the switch drops or rewrites (their old date)…
        for (const params of ranges) {
          await client.query(
            `INSERT INTO switch_touched (origin, destination, day, id)
             SELECT f.origin, f.destination, f.departure_utc / 86400000, min(f.id) FROM ${LIVE_IN_SCOPE}
               AND ((s.id IS NULL AND f.cancelled = 0)
                 OR (s.id IS NOT NULL AND (f.schedule_signature <> s.signature OR f.cancelled = 1)))
             GROUP BY 1, 2, 3
             ON CONFLICT DO NOTHING`,
            [...params],
          );
        }
        // …and of the staged legs it writes (their new date).
        await client.query(
          `INSERT INTO switch_touched (origin, destination, day, id)
           SELECT t.origin, t.destination, s.departure_utc / 86400000, min(s.id)
           FROM ${STAGED} LEFT JOIN flights f ON f.id = s.id WHERE s.import_id = $1 AND ${TO_WRITE}
           GROUP BY 1, 2, 3
           ON CONFLICT DO NOTHING`,
          [importId],
        );

        const { rows: cancelledRows } = await client.query<{ id: string }>(
          `UPDATE flights f SET cancelled = 1, schedule_signature = ''
           WHERE f.id = ANY($2::text[]) AND f.cancelled = 0
             AND NOT EXISTS (SELECT 1 FROM schedule_staged_legs s WHERE s.import_id = $1 AND s.id = f.id)
           RETURNING f.id`,
          [importId, [...cancel, ...(held?.dropped ?? [])]],
        );
        for (const params of ranges) {
          await client.query(
            `DELETE FROM flight_cabins c USING flights f WHERE c.flight_id = f.id AND ${DROPPED}`,
            [...params],
          );
          await client.query(`DELETE FROM flights f WHERE ${DROPPED}`, [...params]);
        }
        // Cabins of rewritten flights that the new schedule no longer has.
        await client.query(
          `DELETE FROM flight_cabins o USING schedule_staged_legs s, flights f
           WHERE s.import_id = $1 AND f.id = s.id AND o.flight_id = s.id
             AND (f.schedule_signature <> s.signature OR f.cancelled = 1)
             AND NOT EXISTS (SELECT 1 FROM schedule_staged_cabins c
                             WHERE c.import_id = s.import_id AND c.template = s.template AND c.cabin = o.cabin)`,
          [importId],
        );
        // Flights written again first (UPDATE … FROM), then new ones (plain INSERT: cheaper than an
        // upsert's speculative insertion); cabins before flights, while TO_WRITE still tells. Seats
        // already sold stay sold (capacity − sold, never below zero): a rewrite never hands out seats
        // that bookings hold. Key order throughout, as bookings take their row locks.
        await client.query(
          `UPDATE flight_cabins o SET fare = c.fare, taxes = c.taxes,
             seats_left = GREATEST(0, c.capacity - GREATEST(0, o.capacity - o.seats_left)), capacity = c.capacity
           FROM schedule_staged_legs s
             JOIN schedule_staged_cabins c ON c.import_id = s.import_id AND c.template = s.template
             JOIN flights f ON f.id = s.id
           WHERE s.import_id = $1 AND o.flight_id = s.id AND o.cabin = c.cabin
             AND (f.schedule_signature <> s.signature OR f.cancelled = 1)`,
          [importId],
        );
        await client.query(
          `INSERT INTO flight_cabins (flight_id, cabin, fare, taxes, seats_left, capacity)
           SELECT s.id, c.cabin, c.fare, c.taxes, c.capacity, c.capacity
           FROM schedule_staged_legs s
             JOIN schedule_staged_cabins c ON c.import_id = s.import_id AND c.template = s.template
             LEFT JOIN flights f ON f.id = s.id
           WHERE s.import_id = $1 AND ${TO_WRITE}
             AND NOT EXISTS (SELECT 1 FROM flight_cabins o WHERE o.flight_id = s.id AND o.cabin = c.cabin)
           ORDER BY s.id, c.cabin`,
          [importId],
        );
        await client.query(
          `UPDATE flights o SET carrier = t.carrier, flight_number = t.flight_number, origin = t.origin,
             destination = t.destination, departure_utc = s.departure_utc, arrival_utc = s.arrival_utc,
             aircraft = t.aircraft, distance_km = t.distance_km, currency = t.currency, fare_source = t.fare_source,
             through_flight_id = s.through_flight_id, through_leg = t.through_leg, codeshares = t.codeshares,
             cancelled = 0, schedule_signature = s.signature
           FROM ${STAGED}
           WHERE s.import_id = $1 AND o.id = s.id AND (o.schedule_signature <> s.signature OR o.cancelled = 1)`,
          [importId],
        );
        await client.query(
          `INSERT INTO flights (id, carrier, flight_number, origin, destination, departure_utc, arrival_utc,
             aircraft, distance_km, currency, fare_source, through_flight_id, through_leg, codeshares, cancelled,
             schedule_signature)
           SELECT s.id, t.carrier, t.flight_number, t.origin, t.destination, s.departure_utc, s.arrival_utc,
             t.aircraft, t.distance_km, t.currency, t.fare_source, s.through_flight_id, t.through_leg,
             t.codeshares, 0, s.signature
           FROM ${STAGED}
           WHERE s.import_id = $1 AND NOT EXISTS (SELECT 1 FROM flights f WHERE f.id = s.id)
           ORDER BY s.id`,
          [importId],
        );
        await client.query(
          `DELETE FROM routes r USING (SELECT DISTINCT origin, destination FROM switch_touched) u
           WHERE r.origin = u.origin AND r.destination = u.destination`,
        );
        await client.query(
          `INSERT INTO routes (origin, destination, carriers)
           SELECT f.origin, f.destination, array_agg(DISTINCT f.carrier ORDER BY f.carrier)
           FROM flights f JOIN (SELECT DISTINCT origin, destination FROM switch_touched) u
             ON f.origin = u.origin AND f.destination = u.destination
           WHERE f.cancelled = 0
           GROUP BY f.origin, f.destination
           ORDER BY f.origin, f.destination`,
        );

        // The route-date events, a page at a time, appended as they are made.
        const switchEvents = new SwitchEvents(touchedEvents);
        let after: [string, string, number] = ['', '', -1];
        for (;;) {
          const { rows: page } = await client.query<TouchedRow & { day: string }>(
            `SELECT origin, destination, day, id FROM switch_touched WHERE (origin, destination, day) > ($1, $2, $3)
             ORDER BY origin, destination, day LIMIT ${ROUTE_DATES_PER_EVENT}`,
            after,
          );
          if (page.length === 0) break;
          await this.#appendEvents(client, switchEvents.page(page));
          const last = page[page.length - 1] as TouchedRow & { day: string };
          after = [last.origin, last.destination, Number(last.day)];
        }
        await this.#appendEvents(client, [...events, ...heldEvents]);
        await this.#discard(client, importId);
        return {
          events: [...events, ...heldEvents, ...switchEvents.kept],
          ...(switchEvents.leftOut > 0 ? { eventsLeftOut: switchEvents.leftOut } : {}),
          ...(held ? { cancelled: cancelledRows.map((r) => r.id) } : {}),
        };
      }),
    );
  }

  async discard(importId: string): Promise<void> {
    await guarded('discard a staged schedule', () =>
      inTransaction(this.#pool, (client) => this.#discard(client, importId)),
    );
  }

  async listFlights(afterId: string | undefined, limit: number): Promise<FlightRecord[]> {
    return guarded('list flights', async () => {
      const { rows } = await this.#pool.query<FlightCabinRow>(
        `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
         WHERE f.id IN (SELECT id FROM flights WHERE id > $1 ORDER BY id LIMIT $2) ORDER BY f.id, c.cabin`,
        [afterId ?? '', limit],
      );
      return groupFlights(rows);
    });
  }

  async #discard(client: pg.PoolClient, importId: string): Promise<void> {
    for (const table of ['schedule_staged_legs', 'schedule_staged_templates', 'schedule_staged_cabins']) {
      await client.query(`DELETE FROM ${table} WHERE import_id = $1`, [importId]);
    }
  }

  /**
   * Locks the cabin rows of the flights the switch drops or moves (waiting for bookings taking seats
   * on them to commit), then answers the bookings holding those flights and the dropped ones they hold.
   */
  async #heldBookings(
    client: pg.PoolClient,
    ranges: readonly (readonly [string, string, string, string])[],
  ): Promise<{ bookings: BookingRecord[]; dropped: string[] }> {
    const ids = new Set<string>();
    const dropped = new Set<string>();
    for (const params of ranges) {
      await client.query(
        `WITH locked AS (
           SELECT c.flight_id FROM flight_cabins c, ${LIVE_IN_SCOPE} AND f.id = c.flight_id AND ${MOVED}
           FOR UPDATE OF c)
         SELECT count(*) FROM locked`,
        [...params],
      );
      const { rows } = await client.query<{ id: string; flight_id: string; dropped: boolean }>(
        `SELECT DISTINCT b.id, j.flight_id, s.id IS NULL AS dropped
         FROM bookings b
           CROSS JOIN LATERAL jsonb_array_elements_text(b.document::jsonb -> 'hold' -> 'flightIds') AS j(flight_id),
           ${LIVE_IN_SCOPE} AND f.id = j.flight_id AND b.status = 'confirmed' AND ${MOVED}`,
        [...params],
      );
      for (const row of rows) {
        ids.add(row.id);
        if (row.dropped) dropped.add(row.flight_id);
      }
    }
    if (ids.size === 0) return { bookings: [], dropped: [] };
    const { rows } = await client.query<BookingRow>('SELECT * FROM bookings WHERE id = ANY($1::text[])', [
      [...ids],
    ]);
    return { bookings: rows.map(toBookingRecord), dropped: [...dropped] };
  }

  async #flights(ids: readonly string[]): Promise<FlightRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.#pool.query<FlightCabinRow>(
      `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
       WHERE f.id = ANY($1::text[]) ORDER BY f.id`,
      [ids],
    );
    return groupFlights(rows);
  }
}
