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
import type { BookingDocument } from '../booking-document.js';
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
import { BulkInsert } from './bulk-insert.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';
import type { SqliteOutbox } from './outbox.js';

/**
 * The staging area lives in TEMP tables of the process's connection: an import stages and switches
 * on one connection, nobody else reads it, and temp tables skip the WAL (written once, not twice)
 * and vanish with a crashed process instead of lingering in the file.
 */
const STAGING_SCHEMA = `
  CREATE TEMP TABLE IF NOT EXISTS staged_legs (
    import_id TEXT NOT NULL,
    id TEXT NOT NULL,
    line INTEGER NOT NULL,
    template INTEGER NOT NULL,
    departure_utc INTEGER NOT NULL,
    arrival_utc INTEGER NOT NULL,
    through_flight_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (import_id, id)
  ) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS staged_templates (
    import_id TEXT NOT NULL,
    template INTEGER NOT NULL,
    carrier TEXT NOT NULL,
    flight_number INTEGER NOT NULL,
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    aircraft TEXT NOT NULL,
    distance_km INTEGER NOT NULL,
    currency TEXT NOT NULL,
    fare_source TEXT NOT NULL,
    through_leg INTEGER NOT NULL,
    codeshares TEXT NOT NULL,
    PRIMARY KEY (import_id, template)
  ) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS staged_cabins (
    import_id TEXT NOT NULL,
    template INTEGER NOT NULL,
    cabin TEXT NOT NULL,
    fare INTEGER NOT NULL,
    taxes INTEGER NOT NULL,
    capacity INTEGER NOT NULL,
    PRIMARY KEY (import_id, template, cabin)
  ) WITHOUT ROWID;
  -- The route-dates one switch touches, distinct by key; emptied by every switch.
  CREATE TEMP TABLE IF NOT EXISTS switch_touched (
    origin TEXT NOT NULL,
    destination TEXT NOT NULL,
    day INTEGER NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (origin, destination, day)
  ) WITHOUT ROWID;
`;

/** A staged leg with its template (s) and the live flight of its id (f), when there is one. */
const STAGED = `staged_legs s JOIN staged_templates t ON t.import_id = s.import_id AND t.template = s.template`;
/** A staged leg the switch writes: new, changed (signature) or bringing a cancelled flight back. */
const TO_WRITE = `(f.id IS NULL OR f.schedule_signature <> s.signature OR f.cancelled = 1)`;
/** A live flight (f) of a scope the switch drops (no staged leg) or moves (times, aircraft). */
const MOVED = `((s.id IS NULL AND f.cancelled = 0)
  OR s.departure_utc <> f.departure_utc OR s.arrival_utc <> f.arrival_utc OR t.aircraft <> f.aircraft)`;
/** Live flights of one scope (parameters: import id, carrier, low, high) with their staged leg, if any. */
const LIVE_IN_SCOPE = `flights f
  LEFT JOIN staged_legs s ON s.import_id = ? AND s.id = f.id
  LEFT JOIN staged_templates t ON t.import_id = s.import_id AND t.template = s.template
  WHERE f.carrier = ? AND f.id >= ? AND f.id < ?`;

/**
 * Keys of templates made for legs staged one by one (`stage`): negative, below every line number,
 * and counted per process, as the TEMP tables are per connection.
 */
let legTemplates = 0;

interface MovedRow {
  id: string;
  departure_utc: number;
  arrival_utc: number;
  aircraft: string;
  cancelled: number;
  staged: string | null;
  staged_departure: number | null;
  staged_arrival: number | null;
  staged_aircraft: string | null;
}

/**
 * ScheduleStore on the process's SQLite connection. Legs are staged in bulk (multi-row INSERTs, one
 * transaction per batch) into TEMP tables; compare and switch are a few set-based statements. The
 * switch is one IMMEDIATE transaction, so readers on other connections (search threads, other
 * processes; WAL) see the old schedule until the commit and the new one after it, a crash or error
 * before the commit leaves the old one whole, and no booking can commit while it runs: bookings it
 * finds inside it (`bookings.held`) are all there will be until the new schedule is live.
 */
export class SqliteScheduleStore implements ScheduleStore {
  readonly #db: SqliteDatabase;
  readonly #outbox: SqliteOutbox;
  readonly #s;
  readonly #insert;

  constructor(db: SqliteDatabase, outbox: SqliteOutbox) {
    this.#db = db;
    this.#outbox = outbox;
    db.exec(STAGING_SCHEMA);
    // The staging tables' pages stay in memory up to this (64 MB, like the main cache) before they
    // spill to the temp file; SQLite's default for temp is 2 MB.
    db.pragma('temp.cache_size = -65536');
    this.#insert = {
      legs: new BulkInsert(db, 'staged_legs', STAGED_LEG_COLUMNS, 'ON CONFLICT DO NOTHING'),
      templates: new BulkInsert(db, 'staged_templates', STAGED_TEMPLATE_COLUMNS, 'ON CONFLICT DO NOTHING'),
      cabins: new BulkInsert(db, 'staged_cabins', STAGED_CABIN_COLUMNS, 'ON CONFLICT DO NOTHING'),
    };
    this.#s = {
      stagedLine: db.prepare('SELECT line FROM staged_legs WHERE import_id = ? AND id = ?'),
      stagedCount: db.prepare('SELECT COUNT(*) AS n FROM staged_legs WHERE import_id = ?'),
      matched: db.prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(s.signature = f.schedule_signature AND f.cancelled = 0), 0) AS same
         FROM staged_legs s JOIN flights f ON f.id = s.id WHERE s.import_id = ?`,
      ),
      moved: db.prepare(
        `SELECT f.id, f.departure_utc, f.arrival_utc, f.aircraft, f.cancelled, s.id AS staged,
                s.departure_utc AS staged_departure, s.arrival_utc AS staged_arrival, t.aircraft AS staged_aircraft
         FROM ${LIVE_IN_SCOPE} AND ${MOVED}`,
      ),
      // Confirmed bookings holding a flight of the scope the switch drops or moves.
      // CROSS JOIN fixes the order: bookings are few, each holds a flight or two (looked up by id).
      heldBookings: db.prepare(
        `SELECT DISTINCT b.id, j.value AS flight_id, s.id IS NULL AS dropped
         FROM bookings b CROSS JOIN json_each(b.document, '$.hold.flightIds') j CROSS JOIN flights f
           LEFT JOIN staged_legs s ON s.import_id = ? AND s.id = f.id
           LEFT JOIN staged_templates t ON t.import_id = s.import_id AND t.template = s.template
         WHERE f.id = j.value AND f.carrier = ? AND f.id >= ? AND f.id < ? AND b.status = 'confirmed'
           AND ${MOVED}`,
      ),
      booking: db.prepare('SELECT * FROM bookings WHERE id = ?'),
      clearTouched: db.prepare('DELETE FROM switch_touched'),
      // Route-dates of live flights the switch drops or rewrites (their old date).
      touchLive: db.prepare(
        `INSERT OR IGNORE INTO switch_touched (origin, destination, day, id)
         SELECT f.origin, f.destination, f.departure_utc / 86400000, f.id FROM ${LIVE_IN_SCOPE}
           AND ((s.id IS NULL AND f.cancelled = 0)
             OR (s.id IS NOT NULL AND (f.schedule_signature <> s.signature OR f.cancelled = 1)))`,
      ),
      // Route-dates of the staged legs the switch writes (their new date).
      touchStaged: db.prepare(
        `INSERT OR IGNORE INTO switch_touched (origin, destination, day, id)
         SELECT t.origin, t.destination, s.departure_utc / 86400000, s.id
         FROM ${STAGED} LEFT JOIN flights f ON f.id = s.id WHERE s.import_id = ? AND ${TO_WRITE}`,
      ),
      touchedPage: db.prepare(
        `SELECT origin, destination, day, id FROM switch_touched WHERE (origin, destination, day) > (?, ?, ?)
         ORDER BY origin, destination, day LIMIT ${ROUTE_DATES_PER_EVENT}`,
      ),
      cancel: db.prepare(
        `UPDATE flights SET cancelled = 1, schedule_signature = ''
         WHERE id IN (SELECT value FROM json_each(?)) AND cancelled = 0
           AND NOT EXISTS (SELECT 1 FROM staged_legs s WHERE s.import_id = ? AND s.id = flights.id)
         RETURNING id`,
      ),
      // Cabins go with their flight (ON DELETE CASCADE).
      deleteDropped: db.prepare(
        `DELETE FROM flights WHERE carrier = ? AND id >= ? AND id < ? AND cancelled = 0
           AND NOT EXISTS (SELECT 1 FROM staged_legs s WHERE s.import_id = ? AND s.id = flights.id)`,
      ),
      // Cabins of rewritten flights that the new schedule no longer has.
      deleteStaleCabins: db.prepare(
        `DELETE FROM flight_cabins WHERE flight_id IN (
           SELECT s.id FROM staged_legs s JOIN flights f ON f.id = s.id
           WHERE s.import_id = ? AND (f.schedule_signature <> s.signature OR f.cancelled = 1))
         AND NOT EXISTS (
           SELECT 1 FROM staged_legs s JOIN staged_cabins c ON c.import_id = s.import_id AND c.template = s.template
           WHERE s.import_id = ? AND s.id = flight_cabins.flight_id AND c.cabin = flight_cabins.cabin)`,
      ),
      // Seats already sold stay sold (capacity − sold, never below zero): a rewrite never hands out
      // seats that bookings hold. Runs before the flights are written, while TO_WRITE still tells.
      writeCabins: db.prepare(
        `INSERT INTO flight_cabins (flight_id, cabin, fare, taxes, seats_left, capacity)
         SELECT s.id, c.cabin, c.fare, c.taxes, c.capacity, c.capacity
         FROM staged_legs s JOIN staged_cabins c ON c.import_id = s.import_id AND c.template = s.template
           LEFT JOIN flights f ON f.id = s.id
         WHERE s.import_id = ? AND ${TO_WRITE}
         ON CONFLICT (flight_id, cabin) DO UPDATE SET fare = excluded.fare, taxes = excluded.taxes,
           seats_left = MAX(0, excluded.capacity - MAX(0, flight_cabins.capacity - flight_cabins.seats_left)),
           capacity = excluded.capacity`,
      ),
      writeFlights: db.prepare(
        `INSERT INTO flights (id, carrier, flight_number, origin, destination, departure_utc, arrival_utc,
           aircraft, distance_km, currency, fare_source, through_flight_id, through_leg, codeshares, cancelled,
           schedule_signature)
         SELECT s.id, t.carrier, t.flight_number, t.origin, t.destination, s.departure_utc, s.arrival_utc,
           t.aircraft, t.distance_km, t.currency, t.fare_source, s.through_flight_id, t.through_leg, t.codeshares, 0,
           s.signature
         FROM ${STAGED} WHERE s.import_id = ?
         ON CONFLICT (id) DO UPDATE SET carrier = excluded.carrier, flight_number = excluded.flight_number,
           origin = excluded.origin, destination = excluded.destination, departure_utc = excluded.departure_utc,
           arrival_utc = excluded.arrival_utc, aircraft = excluded.aircraft, distance_km = excluded.distance_km,
           currency = excluded.currency, fare_source = excluded.fare_source,
           through_flight_id = excluded.through_flight_id, through_leg = excluded.through_leg,
           codeshares = excluded.codeshares, cancelled = 0, schedule_signature = excluded.schedule_signature
         WHERE flights.schedule_signature <> excluded.schedule_signature OR flights.cancelled = 1`,
      ),
      deleteRoutes: db.prepare(
        `DELETE FROM routes WHERE (origin, destination) IN (SELECT DISTINCT origin, destination FROM switch_touched)`,
      ),
      putRoutes: db.prepare(
        `INSERT INTO routes (origin, destination, carriers)
         SELECT origin, destination, group_concat(carrier, ',') FROM (
           SELECT DISTINCT r.origin, r.destination, f.carrier
           FROM (SELECT DISTINCT origin, destination FROM switch_touched) r
           JOIN flights f ON f.origin = r.origin AND f.destination = r.destination
           WHERE f.cancelled = 0 ORDER BY r.origin, r.destination, f.carrier)
         GROUP BY origin, destination`,
      ),
      discardLegs: db.prepare('DELETE FROM staged_legs WHERE import_id = ?'),
      discardTemplates: db.prepare('DELETE FROM staged_templates WHERE import_id = ?'),
      discardCabins: db.prepare('DELETE FROM staged_cabins WHERE import_id = ?'),
      flightsAfter: db.prepare(
        `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
         WHERE f.id IN (SELECT id FROM flights WHERE id > ? ORDER BY id LIMIT ?) ORDER BY f.id, c.cabin`,
      ),
    };
  }

  async stage(importId: string, legs: readonly StagedLeg[]): Promise<DuplicateLeg[]> {
    return this.stageBatch(
      importId,
      batchOfLegs(legs, () => --legTemplates),
    );
  }

  async stageBatch(importId: string, batch: StagedBatch): Promise<DuplicateLeg[]> {
    return guarded('stage schedule legs', () =>
      this.#db
        .transaction((): DuplicateLeg[] => {
          this.#insert.templates.run(batch.templates.map((t) => stagedTemplateValues(importId, t)));
          this.#insert.cabins.run(batch.templates.flatMap((t) => stagedCabinValues(importId, t)));
          const inserted = this.#insert.legs.run(batch.legs.map((leg) => stagedLegValues(importId, leg)));
          if (inserted === batch.legs.length) return [];
          // Some id was staged already (by an earlier batch, or earlier in this one): the staged row
          // is the first line's, every other line of that id is a duplicate.
          const duplicates: DuplicateLeg[] = [];
          const kept = new Set<string>();
          for (const leg of batch.legs) {
            const previous = (this.#s.stagedLine.get(importId, leg.id) as { line: number }).line;
            if (previous === leg.line && !kept.has(leg.id)) kept.add(leg.id);
            else duplicates.push({ id: leg.id, line: leg.line, previousLine: previous });
          }
          return duplicates;
        })
        .immediate(),
    );
  }

  async compare(importId: string, scopes: readonly ScheduleScope[]): Promise<ScheduleComparison> {
    return guarded('compare a staged schedule', () => {
      const staged = (this.#s.stagedCount.get(importId) as { n: number }).n;
      const matched = this.#s.matched.get(importId) as { n: number; same: number };
      let removed = 0;
      const moved: { id: string; after?: ScheduleChange['after'] }[] = [];
      for (const scope of scopes) {
        const { low, high } = scopeIdRange(scope);
        for (const row of this.#s.moved.iterate(importId, scope.carrier, low, high) as Iterable<MovedRow>) {
          if (row.staged === null) {
            removed++;
            moved.push({ id: row.id });
          } else {
            moved.push({
              id: row.id,
              after: {
                departureUtc: row.staged_departure as number,
                arrivalUtc: row.staged_arrival as number,
                aircraft: row.staged_aircraft as string,
              },
            });
          }
        }
      }
      const before = new Map(this.#flights(moved.map((m) => m.id)).map((f) => [f.id, f]));
      return {
        created: staged - matched.n,
        changed: matched.n - matched.same,
        unchanged: matched.same,
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
    const s = this.#s;
    return guarded('switch to the imported schedule', () =>
      this.#db
        .transaction((): ScheduleSwitchResult => {
          // Cabins of new flights are written before their flights (see writeCabins): the foreign
          // key is checked at the commit instead of per row. The pragma ends with the transaction.
          this.#db.pragma('defer_foreign_keys = ON');
          const ranges = scopes.map((scope) => ({ carrier: scope.carrier, ...scopeIdRange(scope) }));
          // IMMEDIATE: no booking commits from here to the commit, so what this finds is final.
          const held = bookings ? this.#heldBookings(importId, ranges) : undefined;
          const heldEvents = held ? (bookings?.held(held.bookings) ?? []) : [];

          s.clearTouched.run();
          for (const r of ranges) s.touchLive.run(importId, r.carrier, r.low, r.high);
          s.touchStaged.run(importId);

          const cancelled = (
            s.cancel.all(JSON.stringify([...cancel, ...(held?.dropped ?? [])]), importId) as { id: string }[]
          ).map((row) => row.id);
          for (const r of ranges) s.deleteDropped.run(r.carrier, r.low, r.high, importId);
          s.deleteStaleCabins.run(importId, importId);
          s.writeCabins.run(importId);
          s.writeFlights.run(importId);
          s.deleteRoutes.run();
          s.putRoutes.run();

          const switchEvents = new SwitchEvents(touchedEvents);
          let after: [string, string, number] = ['', '', -1];
          for (;;) {
            const page = s.touchedPage.all(...after) as (TouchedRow & { day: number })[];
            if (page.length === 0) break;
            this.#outbox.append(switchEvents.page(page));
            const last = page[page.length - 1] as TouchedRow & { day: number };
            after = [last.origin, last.destination, last.day];
          }
          s.clearTouched.run();
          this.#outbox.append(events);
          this.#outbox.append(heldEvents);
          this.#discard(importId);
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
      this.#db.transaction(() => this.#discard(importId)).immediate();
    });
  }

  async listFlights(afterId: string | undefined, limit: number): Promise<FlightRecord[]> {
    return guarded('list flights', () =>
      groupFlights(this.#s.flightsAfter.all(afterId ?? '', limit) as FlightCabinRow[]),
    );
  }

  #discard(importId: string): void {
    this.#s.discardLegs.run(importId);
    this.#s.discardTemplates.run(importId);
    this.#s.discardCabins.run(importId);
  }

  /** Bookings holding flights the switch drops or moves, and the dropped flights they hold. */
  #heldBookings(
    importId: string,
    ranges: readonly { carrier: string; low: string; high: string }[],
  ): { bookings: BookingRecord[]; dropped: string[] } {
    const ids = new Set<string>();
    const dropped = new Set<string>();
    for (const r of ranges) {
      for (const row of this.#s.heldBookings.all(importId, r.carrier, r.low, r.high) as {
        id: string;
        flight_id: string;
        dropped: number;
      }[]) {
        ids.add(row.id);
        if (row.dropped === 1) dropped.add(row.flight_id);
      }
    }
    const found = [...ids].map((id) => {
      const row = this.#s.booking.get(id) as BookingRow<string>;
      return toBookingRecord({ ...row, document: JSON.parse(row.document) as BookingDocument });
    });
    return { bookings: found, dropped: [...dropped] };
  }

  #flights(ids: readonly string[]): FlightRecord[] {
    const result: FlightRecord[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      result.push(
        ...groupFlights(
          this.#db
            .prepare(
              `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
               WHERE f.id IN (${chunk.map(() => '?').join(', ')}) ORDER BY f.id`,
            )
            .all(...chunk) as FlightCabinRow[],
        ),
      );
    }
    return result;
  }
}
