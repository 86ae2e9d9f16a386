import type { CloudEvent } from '../../../ports/events.js';
import type { TouchedFlight } from '../../../ports/inventory-updates.js';
import type {
  DuplicateLeg,
  ScheduleChange,
  ScheduleComparison,
  ScheduleScope,
  ScheduleStore,
  ScheduleSwitchResult,
  StagedLeg,
} from '../../../ports/schedules.js';
import type { FlightRecord } from '../../../ports/store.js';
import {
  CABIN_ROW_COLUMNS,
  cabinValues,
  FLIGHT_CABIN_COLUMNS,
  FLIGHT_ROW_COLUMNS,
  type FlightCabinRow,
  flightValues,
  groupFlights,
} from '../flight-cabin-rows.js';
import { cabinsKeepingSales, scopeIdRange, stagedFlight, TouchedRouteDates } from '../schedule-rows.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';
import type { SqliteOutbox } from './outbox.js';

/** Staged rows read per page while switching (better-sqlite3 cannot write while a statement iterates). */
const PAGE = 5_000;

interface LiveRow {
  id: string;
  origin: string;
  destination: string;
  departure_utc: number;
  arrival_utc: number;
  aircraft: string;
  cancelled: number;
}

/**
 * ScheduleStore on the process's SQLite connection. Staging rows live in `schedule_staging` (on disk,
 * not in the heap); the switch is one IMMEDIATE transaction, so readers on other connections (search
 * threads, other processes; WAL) see the old schedule until the commit and the new one after it,
 * and a crash or error before the commit leaves the old one whole.
 */
export class SqliteScheduleStore implements ScheduleStore {
  readonly #db: SqliteDatabase;
  readonly #outbox: SqliteOutbox;
  readonly #s;

  constructor(db: SqliteDatabase, outbox: SqliteOutbox) {
    this.#db = db;
    this.#outbox = outbox;
    this.#s = {
      stage: db.prepare(
        'INSERT OR IGNORE INTO schedule_staging (import_id, id, line, signature, flight) VALUES (?, ?, ?, ?, ?)',
      ),
      stagedLine: db.prepare('SELECT line FROM schedule_staging WHERE import_id = ? AND id = ?'),
      stagedCount: db.prepare('SELECT COUNT(*) AS n FROM schedule_staging WHERE import_id = ?'),
      matched: db.prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(s.signature = f.schedule_signature AND f.cancelled = 0), 0) AS same
         FROM schedule_staging s JOIN flights f ON f.id = s.id WHERE s.import_id = ?`,
      ),
      // Live flights of a scope that the staged schedule drops or changes (signature differs).
      liveDiffering: db.prepare(
        `SELECT f.id, f.origin, f.destination, f.departure_utc, f.arrival_utc, f.aircraft, f.cancelled, s.flight AS staged
         FROM flights f LEFT JOIN schedule_staging s ON s.import_id = ? AND s.id = f.id
         WHERE f.carrier = ? AND f.id >= ? AND f.id < ? AND (s.id IS NULL OR s.signature <> f.schedule_signature)`,
      ),
      liveDropped: db.prepare(
        `SELECT f.id, f.origin, f.destination, f.departure_utc, f.arrival_utc, f.aircraft, f.cancelled
         FROM flights f
         WHERE f.carrier = ? AND f.id >= ? AND f.id < ?
           AND NOT EXISTS (SELECT 1 FROM schedule_staging s WHERE s.import_id = ? AND s.id = f.id)`,
      ),
      stagedToWrite: db.prepare(
        `SELECT s.id, s.signature, s.flight FROM schedule_staging s LEFT JOIN flights f ON f.id = s.id
         WHERE s.import_id = ? AND s.id > ? AND (f.id IS NULL OR f.schedule_signature <> s.signature OR f.cancelled = 1)
         ORDER BY s.id LIMIT ${PAGE}`,
      ),
      liveFlight: db.prepare(
        'SELECT id, origin, destination, departure_utc, arrival_utc, aircraft, cancelled FROM flights WHERE id = ?',
      ),
      liveCabins: db.prepare('SELECT cabin, capacity, seats_left FROM flight_cabins WHERE flight_id = ?'),
      deleteCabins: db.prepare('DELETE FROM flight_cabins WHERE flight_id = ?'),
      deleteFlight: db.prepare('DELETE FROM flights WHERE id = ?'),
      cancelFlight: db.prepare("UPDATE flights SET cancelled = 1, schedule_signature = '' WHERE id = ?"),
      putFlight: db.prepare(
        `INSERT OR REPLACE INTO flights (${FLIGHT_ROW_COLUMNS.join(', ')})
         VALUES (${FLIGHT_ROW_COLUMNS.map(() => '?').join(', ')})`,
      ),
      putCabin: db.prepare(
        `INSERT INTO flight_cabins (${CABIN_ROW_COLUMNS.join(', ')}) VALUES (${CABIN_ROW_COLUMNS.map(() => '?').join(', ')})`,
      ),
      routeCarriers: db.prepare(
        'SELECT DISTINCT carrier FROM flights WHERE origin = ? AND destination = ? AND cancelled = 0 ORDER BY carrier',
      ),
      putRoute: db.prepare('INSERT OR REPLACE INTO routes (origin, destination, carriers) VALUES (?, ?, ?)'),
      deleteRoute: db.prepare('DELETE FROM routes WHERE origin = ? AND destination = ?'),
      discard: db.prepare('DELETE FROM schedule_staging WHERE import_id = ?'),
      flightsAfter: db.prepare(
        `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
         WHERE f.id IN (SELECT id FROM flights WHERE id > ? ORDER BY id LIMIT ?) ORDER BY f.id, c.cabin`,
      ),
    };
  }

  async stage(importId: string, legs: readonly StagedLeg[]): Promise<DuplicateLeg[]> {
    return guarded('stage schedule legs', () =>
      this.#db
        .transaction(() => {
          const duplicates: DuplicateLeg[] = [];
          for (const leg of legs) {
            const id = leg.flight.id;
            if (
              this.#s.stage.run(importId, id, leg.line, leg.signature, JSON.stringify(leg.flight)).changes ===
              0
            ) {
              const previous = this.#s.stagedLine.get(importId, id) as { line: number };
              duplicates.push({ id, line: leg.line, previousLine: previous.line });
            }
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
        for (const row of this.#s.liveDiffering.iterate(importId, scope.carrier, low, high) as Iterable<
          LiveRow & { staged: string | null }
        >) {
          if (row.staged === null) {
            // A flight cancelled by an earlier import stays as it is: nothing moves again.
            if (row.cancelled === 1) continue;
            removed++;
            moved.push({ id: row.id });
            continue;
          }
          const after = stagedFlight(row.staged);
          if (
            after.departureUtc !== row.departure_utc ||
            after.arrivalUtc !== row.arrival_utc ||
            after.aircraft !== row.aircraft
          ) {
            moved.push({
              id: row.id,
              after: {
                departureUtc: after.departureUtc,
                arrivalUtc: after.arrivalUtc,
                aircraft: after.aircraft,
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
  ): Promise<ScheduleSwitchResult> {
    const s = this.#s;
    const cancelled = new Set(cancel);
    return guarded('switch to the imported schedule', () =>
      this.#db
        .transaction((): ScheduleSwitchResult => {
          const touched = new TouchedRouteDates((t) => {
            const batch = touchedEvents(t);
            this.#outbox.append(batch);
            return batch;
          });
          for (const scope of scopes) {
            const { low, high } = scopeIdRange(scope);
            const dropped = s.liveDropped.all(scope.carrier, low, high, importId) as LiveRow[];
            for (const row of dropped) {
              if (row.cancelled === 1) continue;
              touched.add({ ...row, departureUtc: row.departure_utc });
              if (cancelled.has(row.id)) s.cancelFlight.run(row.id);
              else {
                s.deleteCabins.run(row.id);
                s.deleteFlight.run(row.id);
              }
            }
          }
          let after = '';
          for (;;) {
            const page = s.stagedToWrite.all(importId, after) as {
              id: string;
              signature: string;
              flight: string;
            }[];
            if (page.length === 0) break;
            for (const row of page) {
              const flight = stagedFlight(row.flight);
              const live = s.liveFlight.get(row.id) as LiveRow | undefined;
              if (live) touched.add({ ...live, departureUtc: live.departure_utc });
              touched.add(flight);
              const cabins = cabinsKeepingSales(
                flight.cabins,
                s.liveCabins.all(row.id) as { cabin: string; capacity: number; seats_left: number }[],
              );
              s.deleteCabins.run(row.id);
              s.putFlight.run(...flightValues(flight, row.signature));
              for (const cabin of cabins) s.putCabin.run(...cabinValues(flight.id, cabin));
            }
            after = (page[page.length - 1] as { id: string }).id;
          }
          touched.flush();
          for (const route of touched.routes) {
            const [origin, destination] = route.split('|') as [string, string];
            const carriers = (s.routeCarriers.all(origin, destination) as { carrier: string }[]).map(
              (r) => r.carrier,
            );
            if (carriers.length === 0) s.deleteRoute.run(origin, destination);
            else s.putRoute.run(origin, destination, carriers.join(','));
          }
          this.#outbox.append(events);
          s.discard.run(importId);
          return { events: [...events, ...touched.events] };
        })
        .immediate(),
    );
  }

  async discard(importId: string): Promise<void> {
    guarded('discard a staged schedule', () => {
      this.#s.discard.run(importId);
    });
  }

  async listFlights(afterId: string | undefined, limit: number): Promise<FlightRecord[]> {
    return guarded('list flights', () =>
      groupFlights(this.#s.flightsAfter.all(afterId ?? '', limit) as FlightCabinRow[]),
    );
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
