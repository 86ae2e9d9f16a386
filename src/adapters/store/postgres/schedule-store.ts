import type pg from 'pg';
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
import type { CabinInventory, FlightRecord } from '../../../ports/store.js';
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
import { type BulkTable, writeRows } from './bulk-rows.js';
import { type AppendEvents, guarded, inBulkTransaction, inTransaction } from './connection.js';

/** Staged rows switched per round trip. */
const PAGE = 5_000;

const SIGNED_FLIGHTS: BulkTable<{ flight: FlightRecord; signature: string }> = {
  name: 'flights',
  columns: FLIGHT_ROW_COLUMNS,
  key: ['id'],
  row: ({ flight, signature }) => flightValues(flight, signature),
};

const CABINS: BulkTable<{ flightId: string; cabin: CabinInventory }> = {
  name: 'flight_cabins',
  columns: CABIN_ROW_COLUMNS,
  key: ['flight_id', 'cabin'],
  row: ({ flightId, cabin }) => cabinValues(flightId, cabin),
};

const STAGING: BulkTable<{ importId: string; leg: StagedLeg }> = {
  name: 'schedule_staging',
  columns: ['import_id', 'id', 'line', 'signature', 'flight'],
  key: ['import_id', 'id'],
  row: ({ importId, leg }) => [importId, leg.flight.id, leg.line, leg.signature, JSON.stringify(leg.flight)],
};

interface LiveRow {
  id: string;
  origin: string;
  destination: string;
  departure_utc: string | number;
  arrival_utc: string | number;
  aircraft: string;
  cancelled: number;
}

/**
 * ScheduleStore on PostgreSQL. Staging rows are COPYed into `schedule_staging`; the switch is one
 * transaction (READ COMMITTED: searches on other connections read the old rows until the COMMIT, the
 * new ones after), which deletes, cancels and rewrites the carrier's flights page by page and appends
 * the events; a failure or a lost connection rolls it all back, leaving the old schedule.
 */
export class PostgresScheduleStore implements ScheduleStore {
  readonly #pool: pg.Pool;
  readonly #appendEvents: AppendEvents;

  constructor(pool: pg.Pool, appendEvents: AppendEvents) {
    this.#pool = pool;
    this.#appendEvents = appendEvents;
  }

  async stage(importId: string, legs: readonly StagedLeg[]): Promise<DuplicateLeg[]> {
    if (legs.length === 0) return [];
    return guarded('stage schedule legs', () =>
      inBulkTransaction(this.#pool, async (client) => {
        const ids = legs.map((l) => l.flight.id);
        // Ids staged by earlier batches, and ids repeated within this batch, are duplicates.
        const { rows } = await client.query<{ id: string; line: number }>(
          'SELECT id, line FROM schedule_staging WHERE import_id = $1 AND id = ANY($2::text[])',
          [importId, ids],
        );
        const previous = new Map(rows.map((r) => [r.id, r.line]));
        const duplicates: DuplicateLeg[] = [];
        const fresh: StagedLeg[] = [];
        for (const leg of legs) {
          const line = previous.get(leg.flight.id);
          if (line !== undefined) {
            duplicates.push({ id: leg.flight.id, line: leg.line, previousLine: line });
            continue;
          }
          previous.set(leg.flight.id, leg.line);
          fresh.push(leg);
        }
        await writeRows(
          client,
          STAGING,
          fresh.map((leg) => ({ importId, leg })),
        );
        return duplicates;
      }),
    );
  }

  async compare(importId: string, scopes: readonly ScheduleScope[]): Promise<ScheduleComparison> {
    return guarded('compare a staged schedule', async () => {
      const staged = await this.#pool.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM schedule_staging WHERE import_id = $1',
        [importId],
      );
      const matched = await this.#pool.query<{ n: string; same: string }>(
        `SELECT COUNT(*) AS n,
                COUNT(*) FILTER (WHERE s.signature = f.schedule_signature AND f.cancelled = 0) AS same
         FROM schedule_staging s JOIN flights f ON f.id = s.id WHERE s.import_id = $1`,
        [importId],
      );
      let removed = 0;
      const moved: { id: string; after?: ScheduleChange['after'] }[] = [];
      for (const scope of scopes) {
        const { low, high } = scopeIdRange(scope);
        const { rows } = await this.#pool.query<LiveRow & { staged: string | null }>(
          `SELECT f.id, f.origin, f.destination, f.departure_utc, f.arrival_utc, f.aircraft, f.cancelled, s.flight AS staged
           FROM flights f LEFT JOIN schedule_staging s ON s.import_id = $1 AND s.id = f.id
           WHERE f.carrier = $2 AND f.id >= $3 AND f.id < $4 AND (s.id IS NULL OR s.signature <> f.schedule_signature)`,
          [importId, scope.carrier, low, high],
        );
        for (const row of rows) {
          if (row.staged === null) {
            // A flight cancelled by an earlier import stays as it is: nothing moves again.
            if (Number(row.cancelled) === 1) continue;
            removed++;
            moved.push({ id: row.id });
            continue;
          }
          const after = stagedFlight(row.staged);
          if (
            after.departureUtc !== Number(row.departure_utc) ||
            after.arrivalUtc !== Number(row.arrival_utc) ||
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
      const before = new Map(
        (
          await this.#flights(
            this.#pool,
            moved.map((m) => m.id),
          )
        ).map((f) => [f.id, f]),
      );
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
  ): Promise<ScheduleSwitchResult> {
    const cancelled = new Set(cancel);
    return guarded('switch to the imported schedule', () =>
      inTransaction(this.#pool, async (client) => {
        const touched = new TouchedRouteDates(touchedEvents);
        for (const scope of scopes) {
          const { low, high } = scopeIdRange(scope);
          const { rows } = await client.query<LiveRow>(
            `SELECT f.id, f.origin, f.destination, f.departure_utc, f.cancelled FROM flights f
             WHERE f.carrier = $1 AND f.id >= $2 AND f.id < $3 AND f.cancelled = 0
               AND NOT EXISTS (SELECT 1 FROM schedule_staging s WHERE s.import_id = $4 AND s.id = f.id)`,
            [scope.carrier, low, high, importId],
          );
          const toDelete: string[] = [];
          const toCancel: string[] = [];
          for (const row of rows) {
            touched.add({ ...row, departureUtc: Number(row.departure_utc) });
            (cancelled.has(row.id) ? toCancel : toDelete).push(row.id);
          }
          await client.query('DELETE FROM flight_cabins WHERE flight_id = ANY($1::text[])', [toDelete]);
          await client.query('DELETE FROM flights WHERE id = ANY($1::text[])', [toDelete]);
          await client.query(
            "UPDATE flights SET cancelled = 1, schedule_signature = '' WHERE id = ANY($1::text[])",
            [toCancel],
          );
        }
        let after = '';
        for (;;) {
          const { rows: page } = await client.query<{ id: string; signature: string; flight: string }>(
            `SELECT s.id, s.signature, s.flight FROM schedule_staging s LEFT JOIN flights f ON f.id = s.id
             WHERE s.import_id = $1 AND s.id > $2
               AND (f.id IS NULL OR f.schedule_signature <> s.signature OR f.cancelled = 1)
             ORDER BY s.id LIMIT ${PAGE}`,
            [importId, after],
          );
          if (page.length === 0) break;
          const ids = page.map((r) => r.id);
          const live = await client.query<LiveRow>(
            'SELECT id, origin, destination, departure_utc FROM flights WHERE id = ANY($1::text[])',
            [ids],
          );
          for (const row of live.rows) touched.add({ ...row, departureUtc: Number(row.departure_utc) });
          const liveCabins = await client.query<{
            flight_id: string;
            cabin: string;
            capacity: number;
            seats_left: number;
          }>(
            'SELECT flight_id, cabin, capacity, seats_left FROM flight_cabins WHERE flight_id = ANY($1::text[])',
            [ids],
          );
          const cabinsOf = new Map<string, { cabin: string; capacity: number; seats_left: number }[]>();
          for (const c of liveCabins.rows)
            cabinsOf.set(c.flight_id, [...(cabinsOf.get(c.flight_id) ?? []), c]);
          const flights = page.map((r) => ({ flight: stagedFlight(r.flight), signature: r.signature }));
          for (const { flight } of flights) touched.add(flight);
          await client.query('DELETE FROM flight_cabins WHERE flight_id = ANY($1::text[])', [ids]);
          await writeRows(client, SIGNED_FLIGHTS, flights);
          await writeRows(
            client,
            CABINS,
            flights.flatMap(({ flight }) =>
              cabinsKeepingSales(flight.cabins, cabinsOf.get(flight.id) ?? [])
                .sort((a, b) => (a.cabin < b.cabin ? -1 : 1))
                .map((cabin) => ({ flightId: flight.id, cabin })),
            ),
          );
          after = ids[ids.length - 1] as string;
        }
        touched.flush();
        const routes = [...touched.routes].map((r) => r.split('|') as [string, string]);
        const origins = routes.map((r) => r[0]);
        const destinations = routes.map((r) => r[1]);
        await client.query(
          `DELETE FROM routes r USING unnest($1::text[], $2::text[]) AS u(o, d)
           WHERE r.origin = u.o AND r.destination = u.d`,
          [origins, destinations],
        );
        await client.query(
          `INSERT INTO routes (origin, destination, carriers)
           SELECT f.origin, f.destination, array_agg(DISTINCT f.carrier ORDER BY f.carrier)
           FROM flights f JOIN unnest($1::text[], $2::text[]) AS u(o, d) ON f.origin = u.o AND f.destination = u.d
           WHERE f.cancelled = 0
           GROUP BY f.origin, f.destination
           ORDER BY f.origin, f.destination`,
          [origins, destinations],
        );
        const all = [...events, ...touched.events];
        await this.#appendEvents(client, all);
        await client.query('DELETE FROM schedule_staging WHERE import_id = $1', [importId]);
        return { events: all };
      }),
    );
  }

  async discard(importId: string): Promise<void> {
    await guarded('discard a staged schedule', () =>
      this.#pool.query('DELETE FROM schedule_staging WHERE import_id = $1', [importId]),
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

  async #flights(pool: pg.Pool, ids: readonly string[]): Promise<FlightRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await pool.query<FlightCabinRow>(
      `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
       WHERE f.id = ANY($1::text[]) ORDER BY f.id`,
      [ids],
    );
    return groupFlights(rows);
  }
}
