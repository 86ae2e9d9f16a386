import type pg from 'pg';
import { EARTH_RADIUS_KM } from '../../../kernel/great-circle.js';
import type {
  AirlineRecord,
  CabinInventory,
  FlightLegQuery,
  FlightRecord,
  HotelLocator,
  HotelRecord,
  InventoryStats,
  InventoryStore,
  InventoryWriter,
  RoomNightRecord,
  RouteRecord,
} from '../../../ports/store.js';
import {
  CABIN_ROW_COLUMNS,
  cabinValues,
  FLIGHT_CABIN_COLUMNS,
  FLIGHT_ROW_COLUMNS,
  flightValues,
  groupFlights,
  type FlightCabinRow as SharedFlightCabinRow,
} from '../flight-cabin-rows.js';
import {
  boxAround,
  type HotelRow,
  ROOM_NIGHT_COLUMNS,
  type RoomNightRow,
  routesFlown,
  toHotel,
  toRoomNight,
} from '../relational-inventory-rows.js';
import { byDeparture, derivedLegsDepartingIn } from '../schedule-periods.js';
import { type BulkTable, writeRows } from './bulk-rows.js';
import { guarded, inBulkTransaction } from './connection.js';
import { upsertHotels } from './hotel-rows.js';
import { PostgresPeriodLegs } from './period-legs.js';

interface FlightCabinRow extends SharedFlightCabinRow {
  leg?: number;
}

const FLIGHTS_TABLE: BulkTable<FlightRecord> = {
  name: 'flights',
  columns: FLIGHT_ROW_COLUMNS,
  key: ['id'],
  row: flightValues,
};

const FLIGHT_CABINS_TABLE: BulkTable<{ flightId: string; cabin: CabinInventory }> = {
  name: 'flight_cabins',
  columns: CABIN_ROW_COLUMNS,
  key: ['flight_id', 'cabin'],
  row: ({ flightId, cabin }) => cabinValues(flightId, cabin),
};

const ROOM_NIGHTS_TABLE: BulkTable<RoomNightRecord> = {
  name: 'room_nights',
  columns: ['hotel_id', 'date', 'room_type', 'rate', 'currency', 'rooms_left'],
  key: ['hotel_id', 'date', 'room_type'],
  row: (n) => [n.hotelId, n.date, n.roomType, n.rate, n.currency, n.roomsLeft],
};

/**
 * InventoryStore on a PostgreSQL pool. Reads are single statements; flights, cabins and room nights are
 * written with COPY (bulk-rows.ts), so a day of the demo schedule (thousands of flights) is one
 * stream per table instead of a round trip per row. Rows go in primary-key order: B-tree inserts in
 * key order touch few pages, which makes loading about twice as fast as in random order.
 */
export class PostgresInventoryStore implements InventoryStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async listRoutes(): Promise<RouteRecord[]> {
    return guarded('list routes', async () => {
      const { rows } = await this.#pool.query<{ origin: string; destination: string; carriers: string[] }>(
        'SELECT origin, destination, carriers FROM routes ORDER BY origin, destination',
      );
      return rows.map((r) => ({ origin: r.origin, destination: r.destination, carriers: r.carriers }));
    });
  }

  async findFlights(query: FlightLegQuery): Promise<FlightRecord[]> {
    const [flights] = await this.findFlightsOnLegs([query]);
    return flights ?? [];
  }

  async findFlightsOnLegs(queries: readonly FlightLegQuery[]): Promise<FlightRecord[][]> {
    if (queries.length === 0) return [];
    return guarded('find flights', async () => {
      // One statement for the whole hop level: the legs arrive as four parallel arrays, numbered so
      // each row says which query it answers. LATERAL pins the plan to one range scan of
      // flights_route_departure per leg and one primary-key probe of flight_cabins per flight, even
      // before statistics exist (right after a seed), when a hash join over every cabin would be chosen.
      const departFrom = queries.map((q) => epochBound(q.departFrom));
      const departTo = queries.map((q) => epochBound(q.departTo));
      // Rows and imported periods (docs/adr/0025) in parallel: two statements, one round trip each.
      // Both awaited together: a connection cut rejects both, and neither rejection may go unheard.
      const [periodsPerLeg, { rows }] = await Promise.all([
        PostgresPeriodLegs.onRoutes(this.#pool, queries, departFrom, departTo),
        this.#pool.query<FlightCabinRow>(
          `SELECT q.leg, ${FLIGHT_CABIN_COLUMNS}
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) WITH ORDINALITY
              AS q(origin, destination, depart_from, depart_to, leg)
         CROSS JOIN LATERAL (
           SELECT * FROM flights
           WHERE origin = q.origin AND destination = q.destination
             AND departure_utc >= q.depart_from AND departure_utc < q.depart_to
         ) f
         LEFT JOIN LATERAL (SELECT * FROM flight_cabins WHERE flight_id = f.id) c ON true
         ORDER BY q.leg, f.departure_utc, f.id, c.cabin`,
          [queries.map((q) => q.origin), queries.map((q) => q.destination), departFrom, departTo],
        ),
      ]);
      const perLeg: FlightCabinRow[][] = queries.map(() => []);
      for (const row of rows) perLeg[(row.leg ?? 1) - 1]?.push(row);
      return perLeg.map((legRows, i) => {
        const flights = groupFlights(legRows);
        const query = queries[i] as FlightLegQuery;
        const derived = derivedLegsDepartingIn(
          periodsPerLeg[i] ?? [],
          query.departFrom,
          query.departTo,
          new Set(flights.map((f) => f.id)),
        );
        return derived.length === 0 ? flights : [...flights, ...derived].sort(byDeparture);
      });
    });
  }

  async getFlights(ids: readonly string[]): Promise<FlightRecord[]> {
    if (ids.length === 0) return [];
    return guarded('read flights', async () => {
      const { rows } = await this.#pool.query<FlightCabinRow>(
        // Primary-key probes per id (LATERAL), whatever the statistics say: see findFlightsOnLegs.
        `SELECT ${FLIGHT_CABIN_COLUMNS} FROM unnest($1::text[]) AS wanted(id)
         CROSS JOIN LATERAL (SELECT * FROM flights WHERE id = wanted.id) f
         LEFT JOIN LATERAL (SELECT * FROM flight_cabins WHERE flight_id = f.id) c ON true
         ORDER BY f.departure_utc, f.id, c.cabin`,
        [[...new Set(ids)]],
      );
      const flights = groupFlights(rows);
      const found = new Set(flights.map((f) => f.id));
      const missing = [...new Set(ids)].filter((id) => !found.has(id));
      if (missing.length === 0) return flights;
      // Ids without a row: dated legs of imported periods, derived.
      const derived = await PostgresPeriodLegs.byIds(this.#pool, missing);
      return derived.length === 0 ? flights : [...flights, ...derived].sort(byDeparture);
    });
  }

  async listAirlines(codes?: readonly string[]): Promise<AirlineRecord[]> {
    return guarded('list airlines', async () => {
      const { rows } =
        codes === undefined
          ? await this.#pool.query<AirlineRecord>('SELECT iata, name, country FROM airlines ORDER BY iata')
          : await this.#pool.query<AirlineRecord>(
              'SELECT iata, name, country FROM airlines WHERE iata = ANY($1::text[]) ORDER BY iata',
              [codes],
            );
      return rows;
    });
  }

  async findHotels(locator: HotelLocator): Promise<HotelRecord[]> {
    return guarded('find hotels', async () => {
      if ('cityCode' in locator) {
        const { rows } = await this.#pool.query<HotelRow>(
          'SELECT * FROM hotels WHERE city_code = $1 ORDER BY id',
          [locator.cityCode],
        );
        return rows.map(toHotel);
      }
      const { latitude, longitude, radiusKm } = locator;
      const box = boxAround(latitude, longitude, radiusKm);
      // The bounding box uses hotels_position; the haversine then keeps what is really within the radius.
      const { rows } = await this.#pool.query<HotelRow>(
        `SELECT * FROM hotels
         WHERE latitude BETWEEN $1 AND $2 AND longitude BETWEEN $3 AND $4
           AND 2 * $7::float8 * asin(least(1, sqrt(
                 sin(radians(latitude - $5) / 2) ^ 2
                 + cos(radians($5)) * cos(radians(latitude)) * sin(radians(longitude - $6) / 2) ^ 2))) <= $8
         ORDER BY id`,
        [
          box.minLatitude,
          box.maxLatitude,
          box.minLongitude,
          box.maxLongitude,
          latitude,
          longitude,
          EARTH_RADIUS_KM,
          radiusKm,
        ],
      );
      return rows.map(toHotel);
    });
  }

  async getHotels(ids: readonly string[]): Promise<HotelRecord[]> {
    if (ids.length === 0) return [];
    return guarded('read hotels', async () => {
      const { rows } = await this.#pool.query<HotelRow>('SELECT * FROM hotels WHERE id = ANY($1::text[])', [
        ids,
      ]);
      return rows.map(toHotel);
    });
  }

  async findRoomNights(
    hotelIds: readonly string[],
    checkIn: string,
    checkOut: string,
  ): Promise<RoomNightRecord[]> {
    if (hotelIds.length === 0) return [];
    return guarded('find room nights', async () => {
      const { rows } = await this.#pool.query<RoomNightRow>(
        `SELECT ${ROOM_NIGHT_COLUMNS} FROM room_nights
         WHERE hotel_id = ANY($1::text[]) AND date >= $2 AND date < $3
         ORDER BY hotel_id, room_type, date`,
        [hotelIds, checkIn, checkOut],
      );
      return rows.map(toRoomNight);
    });
  }

  async putAirlines(airlines: readonly AirlineRecord[]): Promise<void> {
    const unique = lastById(airlines, (a) => a.iata);
    if (unique.length === 0) return;
    await guarded('write airlines', () =>
      inBulkTransaction(this.#pool, (client) =>
        client.query(
          `INSERT INTO airlines (iata, name, country) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
         ON CONFLICT (iata) DO UPDATE SET name = excluded.name, country = excluded.country`,
          [unique.map((a) => a.iata), unique.map((a) => a.name), unique.map((a) => a.country)],
        ),
      ),
    );
  }

  async putFlights(flights: readonly FlightRecord[]): Promise<void> {
    if (flights.length === 0) return;
    await guarded('write flights', () =>
      inBulkTransaction(this.#pool, async (client) => {
        const unique = lastById(flights, (f) => f.id);
        // A flight put again gets the cabins it now lists and no others (ports/store.ts). Only a
        // replacing load can find cabins of these flights, so a fresh load skips the DELETE.
        if (await writeRows(client, FLIGHTS_TABLE, unique)) {
          await client.query('DELETE FROM flight_cabins WHERE flight_id = ANY($1::text[])', [
            unique.map((f) => f.id),
          ]);
        }
        await writeRows(
          client,
          FLIGHT_CABINS_TABLE,
          // A flight listed twice keeps its last version, cabins included. Cabins sorted by name make
          // the rows of flights given in id order come in key order, which writeRows need not sort.
          unique.flatMap((f) => [...f.cabins].sort(byCabinName).map((cabin) => ({ flightId: f.id, cabin }))),
        );
        const routeList = routesFlown(flights);
        // A route's carriers are the union of what it had and what these flights add, sorted. A route
        // that already lists them all is filtered out before the upsert, which would otherwise lock (and
        // so write) its row for every day of a schedule; routes are only ever removed by clearInventory,
        // whose TRUNCATE waits for this transaction, so a route seen complete here stays complete.
        // Rows go in key order, so concurrent loads lock shared routes in one order and never deadlock.
        await client.query(
          `INSERT INTO routes (origin, destination, carriers)
           SELECT r.o, r.d, r.c FROM (
             SELECT o, d, string_to_array(c, ',') AS c FROM unnest($1::text[], $2::text[], $3::text[]) AS u(o, d, c)
           ) r
           WHERE NOT EXISTS (
             SELECT 1 FROM routes WHERE origin = r.o AND destination = r.d AND carriers @> r.c
           )
           ORDER BY r.o, r.d
           ON CONFLICT (origin, destination) DO UPDATE SET carriers = ARRAY(
             SELECT x FROM unnest(routes.carriers || excluded.carriers) AS x GROUP BY x ORDER BY x COLLATE "C")
           WHERE NOT routes.carriers @> excluded.carriers`,
          [
            routeList.map((r) => r.origin),
            routeList.map((r) => r.destination),
            routeList.map((r) => [...r.carriers].sort().join(',')),
          ],
        );
      }),
    );
  }

  async putHotels(hotels: readonly HotelRecord[]): Promise<void> {
    const unique = lastById(hotels, (h) => h.id);
    if (unique.length === 0) return;
    await guarded('write hotels', () =>
      inBulkTransaction(this.#pool, (client) => upsertHotels(client, unique)),
    );
  }

  async putRoomNights(nights: readonly RoomNightRecord[]): Promise<void> {
    if (nights.length === 0) return;
    await guarded('write room nights', () =>
      inBulkTransaction(this.#pool, (client) => writeRows(client, ROOM_NIGHTS_TABLE, nights)),
    );
  }

  async replaceInventory(fill: (writer: InventoryWriter) => Promise<void>): Promise<void> {
    // COPY already streams fresh rows (bulk-rows.ts): a clear and the ordinary writes are the bulk path.
    await this.clearInventory();
    await fill(this);
  }

  async clearInventory(): Promise<void> {
    await guarded('clear the inventory', () =>
      this.#pool.query(
        'TRUNCATE flight_cabins, flights, schedule_periods, routes, room_nights, hotels, airlines',
      ),
    );
  }

  async stats(): Promise<InventoryStats> {
    return guarded('count the inventory', async () => {
      const { rows } = await this.#pool.query<InventoryStats>(
        // Rows standing for a live period's leg are counted with their period (docs/adr/0025).
        `SELECT (SELECT count(*) FROM airlines) AS airlines,
                (SELECT count(*) FROM flights WHERE period_leg = 0)
                  + (SELECT COALESCE(SUM(legs), 0) FROM schedule_periods) AS flights,
                (SELECT count(*) FROM routes) AS routes, (SELECT count(*) FROM hotels) AS hotels,
                (SELECT count(*) FROM room_nights) AS "roomNights"`,
      );
      return rows[0] as InventoryStats;
    });
  }

  async getSetting(name: string): Promise<string | undefined> {
    return guarded('read a setting', async () => {
      const { rows } = await this.#pool.query<{ value: string }>(
        'SELECT value FROM settings WHERE name = $1',
        [name],
      );
      return rows[0]?.value;
    });
  }

  async setSettingIfAbsent(name: string, value: string): Promise<string> {
    return guarded('write a setting', async () => {
      // DO UPDATE (to the value it has) rather than DO NOTHING: on conflict it returns the stored row
      // even when that was committed by a concurrent transaction after this statement's snapshot,
      // which a DO NOTHING followed by a SELECT in the same statement would not see.
      const { rows } = await this.#pool.query<{ value: string }>(
        `INSERT INTO settings (name, value) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET value = settings.value RETURNING value`,
        [name, value],
      );
      return (rows[0] as { value: string }).value;
    });
  }

  async setSetting(name: string, value: string): Promise<void> {
    await guarded('write a setting', () =>
      this.#pool.query(
        'INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
        [name, value],
      ),
    );
  }
}

/**
 * A window bound as a bigint the departure index can compare with. Departures are whole
 * milliseconds, so for an integer d: d >= x ⇔ d >= ⌈x⌉ and d < x ⇔ d < ⌈x⌉ — callers may pass
 * fractional bounds (computed from durations) without changing which flights match.
 */
function epochBound(ms: number): number {
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(Number.MIN_SAFE_INTEGER, Math.ceil(ms)));
}

function byCabinName(a: CabinInventory, b: CabinInventory): number {
  return a.cabin < b.cabin ? -1 : a.cabin > b.cabin ? 1 : 0;
}

/** Keeps the last record of each key (as repeated INSERT OR REPLACE would), since one upsert may touch a row once. */
function lastById<T>(records: readonly T[], keyOf: (record: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const record of records) byKey.set(keyOf(record), record);
  return byKey.size === records.length ? [...records] : [...byKey.values()];
}
