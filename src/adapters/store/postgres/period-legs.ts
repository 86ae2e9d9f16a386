import type { FlightLegQuery, FlightRecord } from '../../../ports/store.js';
import { CABIN_ROW_COLUMNS, cabinValues, FLIGHT_ROW_COLUMNS, flightValues } from '../flight-cabin-rows.js';
import {
  flightKeyOf,
  legOfPeriod,
  legSignatureOf,
  operatesOnRow,
  type PeriodRow,
} from '../schedule-periods.js';
import type { Queryable } from './connection.js';

const DAY_MS = 86_400_000;

/**
 * The lock a schedule switch of a carrier takes exclusively and a materialisation of one of its
 * legs shared (transaction-scoped advisory locks): a booking's new leg row is either committed before
 * the switch looks at the scope's rows, or written after the switch committed, from the new periods.
 * Keyed by the carrier's first two characters, which a flight key also starts with (a 3-letter
 * carrier shares its lock with a 2-letter one: a wait, never a miss).
 */
export function carrierLockKey(carrierOrFlightKey: string): string {
  return `schedule:${carrierOrFlightKey.slice(0, 2)}`;
}

/**
 * The dated legs of imported schedule periods on PostgreSQL (docs/adr/0025): derived from
 * `schedule_periods` when read, written as `flights` rows (`materialise`) only when something dated
 * happens to one, inside the caller's transaction.
 */
export const PostgresPeriodLegs = {
  /** Derived legs per query (in order) departing in its window, less the ids `rows` has for it. */
  async onRoutes(
    db: Queryable,
    queries: readonly FlightLegQuery[],
    departFrom: readonly (string | number)[],
    departTo: readonly (string | number)[],
  ): Promise<PeriodRow[][]> {
    const { rows } = await db.query<PeriodRow & { leg: string }>(
      `SELECT q.leg, p.*
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) WITH ORDINALITY
            AS q(origin, destination, depart_from, depart_to, leg)
       CROSS JOIN LATERAL (
         SELECT * FROM schedule_periods
         WHERE origin = q.origin AND destination = q.destination
           AND first_day::bigint * ${DAY_MS} + departure_ms < q.depart_to
           AND last_day::bigint * ${DAY_MS} + departure_ms >= q.depart_from
       ) p`,
      [queries.map((q) => q.origin), queries.map((q) => q.destination), departFrom, departTo],
    );
    const perLeg: PeriodRow[][] = queries.map(() => []);
    for (const row of rows) perLeg[Number(row.leg) - 1]?.push(row);
    return perLeg;
  },

  /** The period row deriving each of `ids` (those no live period derives are left out), `FOR SHARE` if asked. */
  async periodsOf(
    db: Queryable,
    ids: readonly string[],
    lock = false,
  ): Promise<Map<string, { row: PeriodRow; day: number }>> {
    const wanted = ids.flatMap((id) => {
      const key = flightKeyOf(id);
      return key ? [{ id, ...key }] : [];
    });
    const found = new Map<string, { row: PeriodRow; day: number }>();
    if (wanted.length === 0) return found;
    const { rows } = await db.query<PeriodRow & { wanted_id: string; wanted_day: number }>(
      `SELECT w.id AS wanted_id, w.day AS wanted_day, p.*
       FROM unnest($1::text[], $2::text[], $3::int[]) AS w(id, key, day)
       CROSS JOIN LATERAL (
         SELECT * FROM schedule_periods WHERE flight_key = w.key AND first_day <= w.day AND last_day >= w.day
         ${lock ? 'FOR SHARE' : ''}
       ) p`,
      [wanted.map((w) => w.id), wanted.map((w) => w.key), wanted.map((w) => w.day)],
    );
    for (const row of rows) {
      const day = Number(row.wanted_day);
      if (operatesOnRow(row, day)) found.set(row.wanted_id, { row, day });
    }
    return found;
  },

  /** Derived legs of `ids`. */
  async byIds(db: Queryable, ids: readonly string[]): Promise<FlightRecord[]> {
    const found = await PostgresPeriodLegs.periodsOf(db, ids);
    return [...found.values()].map(({ row, day }) => legOfPeriod(row, day));
  },

  /**
   * Writes the `flights` and `flight_cabins` rows of the derived legs among `ids` that have none,
   * every seat unsold, in the caller's transaction — after taking the shared lock of their carriers,
   * so a switch of the carrier is waited for (or waits) and the legs come from the periods then live.
   */
  async materialise(db: Queryable, ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return;
    const { rows: existing } = await db.query<{ id: string }>(
      'SELECT id FROM flights WHERE id = ANY($1::text[])',
      [unique],
    );
    const have = new Set(existing.map((r) => r.id));
    const missing = unique.filter((id) => !have.has(id) && flightKeyOf(id) !== undefined);
    if (missing.length === 0) return;
    const locks = [...new Set(missing.map((id) => carrierLockKey(flightKeyOf(id)?.key ?? '')))].sort();
    await db.query('SELECT pg_advisory_xact_lock_shared(hashtext(k)) FROM unnest($1::text[]) AS k', [locks]);
    const found = await PostgresPeriodLegs.periodsOf(db, missing, true);
    if (found.size === 0) return;
    const flights: unknown[][] = [];
    const cabins: unknown[][] = [];
    for (const { row, day } of [...found.values()].sort((a, b) =>
      a.row.flight_key < b.row.flight_key ? -1 : 1,
    )) {
      const leg = legOfPeriod(row, day);
      flights.push([...flightValues(leg, legSignatureOf(row, day)), 1]);
      for (const c of leg.cabins) cabins.push(cabinValues(leg.id, c));
    }
    await db.query(
      `INSERT INTO flights (${FLIGHT_ROW_COLUMNS.join(', ')}, period_leg)
       VALUES ${values(flights.length, FLIGHT_ROW_COLUMNS.length + 1)} ON CONFLICT (id) DO NOTHING`,
      flights.flat(),
    );
    await db.query(
      `INSERT INTO flight_cabins (${CABIN_ROW_COLUMNS.join(', ')})
       VALUES ${values(cabins.length, CABIN_ROW_COLUMNS.length)} ON CONFLICT (flight_id, cabin) DO NOTHING`,
      cabins.flat(),
    );
  },

  /** Dated legs the live periods stand for. */
  async count(db: Queryable): Promise<number> {
    const { rows } = await db.query<{ n: string }>(
      'SELECT COALESCE(SUM(legs), 0) AS n FROM schedule_periods',
    );
    return Number(rows[0]?.n ?? 0);
  },
};

/** `($1, $2), ($3, $4)`: placeholders of `rows` rows of `width` values. */
function values(rows: number, width: number): string {
  const groups: string[] = [];
  for (let r = 0; r < rows; r++) {
    groups.push(`(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(', ')})`);
  }
  return groups.join(', ');
}
