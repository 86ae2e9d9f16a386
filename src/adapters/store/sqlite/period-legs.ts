import type { FlightLegQuery, FlightRecord } from '../../../ports/store.js';
import { CABIN_ROW_COLUMNS, cabinValues, FLIGHT_ROW_COLUMNS, flightValues } from '../flight-cabin-rows.js';
import {
  derivedLegsDepartingIn,
  flightKeyOf,
  legOfPeriod,
  legSignatureOf,
  type PeriodRow,
  periodFlying,
} from '../schedule-periods.js';
import type { SqliteDatabase } from './database.js';

const DAY_MS = 86_400_000;

/**
 * The dated legs of imported schedule periods on one SQLite connection (docs/adr/0025): derived
 * from `schedule_periods` when read, and written as `flights` rows (`materialise`) only when
 * something dated happens to one — inside the caller's transaction, so a booking takes its seats
 * from the row it just wrote. A `flights` row with a derived leg's id overrides the derived leg.
 */
export class SqlitePeriodLegs {
  readonly #s;

  constructor(db: SqliteDatabase) {
    this.#s = {
      // Periods whose departures (flight date + departure_ms) can fall in [from, to).
      onRoute: db.prepare(
        `SELECT * FROM schedule_periods WHERE origin = ? AND destination = ?
           AND first_day * ${DAY_MS} + departure_ms < ? AND last_day * ${DAY_MS} + departure_ms >= ?`,
      ),
      byKey: db.prepare(
        'SELECT * FROM schedule_periods WHERE flight_key = ? AND first_day <= ? AND last_day >= ?',
      ),
      hasRow: db.prepare('SELECT 1 FROM flights WHERE id = ?'),
      putFlight: db.prepare(
        `INSERT INTO flights (${FLIGHT_ROW_COLUMNS.join(', ')}, period_leg)
         VALUES (${FLIGHT_ROW_COLUMNS.map(() => '?').join(', ')}, 1)`,
      ),
      putCabin: db.prepare(
        `INSERT INTO flight_cabins (${CABIN_ROW_COLUMNS.join(', ')})
         VALUES (${CABIN_ROW_COLUMNS.map(() => '?').join(', ')})`,
      ),
      legs: db.prepare('SELECT COALESCE(SUM(legs), 0) AS n FROM schedule_periods'),
    };
  }

  /** Derived legs of a route departing in the query's window, less the ids `rows` already has. */
  onRoute(query: FlightLegQuery, rows: ReadonlySet<string>): FlightRecord[] {
    const periods = this.#s.onRoute.all(
      query.origin,
      query.destination,
      query.departTo,
      query.departFrom,
    ) as PeriodRow[];
    return derivedLegsDepartingIn(periods, query.departFrom, query.departTo, rows);
  }

  /** The period row deriving `id` and the day it flies, if a live period derives it. */
  periodOf(id: string): { row: PeriodRow; day: number } | undefined {
    const key = flightKeyOf(id);
    if (!key) return undefined;
    const row = periodFlying(this.#s.byKey.all(key.key, key.day, key.day) as PeriodRow[], key.day);
    return row ? { row, day: key.day } : undefined;
  }

  /** Derived legs of `ids` (those no live period derives are left out). */
  byIds(ids: readonly string[]): FlightRecord[] {
    const legs: FlightRecord[] = [];
    for (const id of ids) {
      const found = this.periodOf(id);
      if (found) legs.push(legOfPeriod(found.row, found.day));
    }
    return legs;
  }

  /**
   * Writes the `flights` and `flight_cabins` rows of the derived legs among `ids` that have none yet,
   * with every seat unsold: call inside the transaction that then changes them.
   */
  materialise(ids: Iterable<string>): void {
    for (const id of ids) {
      if (this.#s.hasRow.get(id) !== undefined) continue;
      const found = this.periodOf(id);
      if (!found) continue;
      const leg = legOfPeriod(found.row, found.day);
      this.#s.putFlight.run(...flightValues(leg, legSignatureOf(found.row, found.day)));
      for (const c of leg.cabins) this.#s.putCabin.run(...cabinValues(leg.id, c));
    }
  }

  /** Dated legs the live periods stand for. */
  count(): number {
    return (this.#s.legs.get() as { n: number }).n;
  }
}
