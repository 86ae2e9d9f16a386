import { distanceKm } from '../../../kernel/great-circle.js';
import type {
  AirlineRecord,
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
import { StoreUnavailableError } from '../../../ports/store.js';
import {
  CABIN_ROW_COLUMNS,
  cabinValues,
  FLIGHT_CABIN_COLUMNS,
  FLIGHT_ROW_COLUMNS,
  type FlightCabinRow,
  flightValues,
  groupFlights,
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
import { byDeparture } from '../schedule-periods.js';
import { BulkInsert } from './bulk-insert.js';
import type { SqliteDatabase } from './database.js';
import { SqlitePeriodLegs } from './period-legs.js';

/** SQLite keeps the hotel's lists as JSON text. */
type SqliteHotelRow = HotelRow<string, string>;

/** The inventory's tables, children first (the order a clear deletes them in). */
const INVENTORY_TABLES = [
  'flight_cabins',
  'flights',
  'schedule_periods',
  'routes',
  'room_nights',
  'hotels',
  'airlines',
] as const;

const HOTEL_COLUMNS = [
  'id',
  'name',
  'city_code',
  'stars',
  'latitude',
  'longitude',
  'address',
  'amenities',
  'room_types',
] as const;

/** A hotel's values for HOTEL_COLUMNS (its lists as JSON text). */
function hotelValues(
  h: HotelRecord,
): [string, string, string, number, number, number, string, string, string] {
  return [
    h.id,
    h.name,
    h.cityCode,
    h.stars,
    h.latitude,
    h.longitude,
    h.address,
    JSON.stringify(h.amenities),
    JSON.stringify(h.roomTypes),
  ];
}

/** SQLite parameters per statement are limited; id lists are queried in chunks of this size. */
const ID_CHUNK = 500;

/** InventoryStore on a better-sqlite3 connection. Synchronous driver calls are wrapped as promises. */
export class SqliteInventoryStore implements InventoryStore {
  readonly #db: SqliteDatabase;
  readonly #statements;
  /** Dated legs of imported schedule periods, derived when read (docs/adr/0025). */
  readonly #periods: SqlitePeriodLegs;
  /** Prepared `IN (…)` look-ups by query and padded length (see `#byIds`). */
  readonly #idStatements = new Map<string, ReturnType<SqliteDatabase['prepare']>>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#periods = new SqlitePeriodLegs(db);
    this.#statements = {
      routes: db.prepare('SELECT origin, destination, carriers FROM routes ORDER BY origin, destination'),
      flightsOnRoute: db.prepare(
        `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
         WHERE f.origin = ? AND f.destination = ? AND f.departure_utc >= ? AND f.departure_utc < ?
         ORDER BY f.departure_utc, f.id`,
      ),
      route: db.prepare('SELECT carriers FROM routes WHERE origin = ? AND destination = ?'),
      putRoute: db.prepare('INSERT OR REPLACE INTO routes (origin, destination, carriers) VALUES (?, ?, ?)'),
      // REPLACE deletes the old flight row first, and with it (ON DELETE CASCADE) every cabin it had.
      putFlight: db.prepare(
        `INSERT OR REPLACE INTO flights (${FLIGHT_ROW_COLUMNS.join(', ')})
         VALUES (${placeholders(FLIGHT_ROW_COLUMNS.length)})`,
      ),
      putCabin: db.prepare(
        `INSERT OR REPLACE INTO flight_cabins (${CABIN_ROW_COLUMNS.join(', ')})
         VALUES (${placeholders(CABIN_ROW_COLUMNS.length)})`,
      ),
      putAirline: db.prepare('INSERT OR REPLACE INTO airlines (iata, name, country) VALUES (?, ?, ?)'),
      allAirlines: db.prepare('SELECT iata, name, country FROM airlines ORDER BY iata'),
      putHotel: db.prepare(
        `INSERT OR REPLACE INTO hotels (${HOTEL_COLUMNS.join(', ')}) VALUES (${placeholders(HOTEL_COLUMNS.length)})`,
      ),
      hotelsInCity: db.prepare('SELECT * FROM hotels WHERE city_code = ? ORDER BY id'),
      hotelsInBox: db.prepare(
        'SELECT * FROM hotels WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? ORDER BY id',
      ),
      putRoomNight: db.prepare(
        `INSERT OR REPLACE INTO room_nights (hotel_id, room_type, date, rate, currency, rooms_left)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      getSetting: db.prepare('SELECT value FROM settings WHERE name = ?'),
      setSetting: db.prepare('INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)'),
      addSetting: db.prepare('INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)'),
      ping: db.prepare('SELECT 1'),
    };
  }

  async listRoutes(): Promise<RouteRecord[]> {
    return this.#run(() =>
      (this.#statements.routes.all() as { origin: string; destination: string; carriers: string }[]).map(
        (r) => ({
          origin: r.origin,
          destination: r.destination,
          carriers: r.carriers.split(','),
        }),
      ),
    );
  }

  async findFlights(query: FlightLegQuery): Promise<FlightRecord[]> {
    return (await this.findFlightsOnLegs([query]))[0] ?? [];
  }

  async findFlightsOnLegs(queries: readonly FlightLegQuery[]): Promise<FlightRecord[][]> {
    // In-process and synchronous: one prepared statement per leg costs no round trip.
    return this.#run(() =>
      queries.map((query) => {
        const rows = groupFlights(
          this.#statements.flightsOnRoute.all(
            query.origin,
            query.destination,
            query.departFrom,
            query.departTo,
          ) as FlightCabinRow[],
        );
        const derived = this.#periods.onRoute(query, new Set(rows.map((f) => f.id)));
        return derived.length === 0 ? rows : [...rows, ...derived].sort(byDeparture);
      }),
    );
  }

  async getFlights(ids: readonly string[]): Promise<FlightRecord[]> {
    return this.#run(() => {
      const rows = chunks(ids).flatMap((chunk) =>
        groupFlights(
          this.#byIds(
            'flights',
            (list) =>
              `SELECT ${FLIGHT_CABIN_COLUMNS} FROM flights f LEFT JOIN flight_cabins c ON c.flight_id = f.id
               WHERE f.id IN (${list}) ORDER BY f.departure_utc, f.id`,
            chunk,
          ) as FlightCabinRow[],
        ),
      );
      if (rows.length >= new Set(ids).size) return rows;
      // Ids without a row: dated legs of imported periods, derived.
      const found = new Set(rows.map((f) => f.id));
      const derived = this.#periods.byIds([...new Set(ids)].filter((id) => !found.has(id)));
      return derived.length === 0 ? rows : [...rows, ...derived].sort(byDeparture);
    });
  }

  async listAirlines(codes?: readonly string[]): Promise<AirlineRecord[]> {
    return this.#run(() => {
      if (!codes) return this.#statements.allAirlines.all() as AirlineRecord[];
      return chunks(codes).flatMap(
        (chunk) =>
          this.#byIds(
            'airlines',
            (list) => `SELECT iata, name, country FROM airlines WHERE iata IN (${list})`,
            chunk,
          ) as AirlineRecord[],
      );
    });
  }

  async findHotels(locator: HotelLocator): Promise<HotelRecord[]> {
    return this.#run(() => {
      if ('cityCode' in locator) {
        return (this.#statements.hotelsInCity.all(locator.cityCode) as SqliteHotelRow[]).map(toSqliteHotel);
      }
      const { latitude, longitude, radiusKm } = locator;
      const box = boxAround(latitude, longitude, radiusKm);
      const rows = this.#statements.hotelsInBox.all(
        box.minLatitude,
        box.maxLatitude,
        box.minLongitude,
        box.maxLongitude,
      ) as SqliteHotelRow[];
      return rows
        .map(toSqliteHotel)
        .filter((hotel) => distanceKm(hotel, { latitude, longitude }) <= radiusKm);
    });
  }

  async getHotels(ids: readonly string[]): Promise<HotelRecord[]> {
    return this.#run(() =>
      chunks(ids).flatMap((chunk) =>
        (
          this.#db
            .prepare(`SELECT * FROM hotels WHERE id IN (${placeholders(chunk.length)})`)
            .all(...chunk) as SqliteHotelRow[]
        ).map(toSqliteHotel),
      ),
    );
  }

  async findRoomNights(
    hotelIds: readonly string[],
    checkIn: string,
    checkOut: string,
  ): Promise<RoomNightRecord[]> {
    return this.#run(() =>
      chunks(hotelIds).flatMap((chunk) =>
        (
          this.#db
            .prepare(
              `SELECT ${ROOM_NIGHT_COLUMNS} FROM room_nights
               WHERE hotel_id IN (${placeholders(chunk.length)}) AND date >= ? AND date < ?
               ORDER BY hotel_id, room_type, date`,
            )
            .all(...chunk, checkIn, checkOut) as RoomNightRow[]
        ).map(toRoomNight),
      ),
    );
  }

  async putAirlines(airlines: readonly AirlineRecord[]): Promise<void> {
    this.#write(() => {
      for (const a of airlines) this.#statements.putAirline.run(a.iata, a.name, a.country);
    });
  }

  async putFlights(flights: readonly FlightRecord[]): Promise<void> {
    const s = this.#statements;
    this.#write(() => {
      for (const f of flights) {
        s.putFlight.run(...flightValues(f));
        for (const c of f.cabins) s.putCabin.run(...cabinValues(f.id, c));
      }
      for (const { origin, destination, carriers } of routesFlown(flights)) {
        const known = s.route.get(origin, destination) as { carriers: string } | undefined;
        for (const carrier of known?.carriers.split(',') ?? []) carriers.add(carrier);
        s.putRoute.run(origin, destination, [...carriers].sort().join(','));
      }
    });
  }

  async putHotels(hotels: readonly HotelRecord[]): Promise<void> {
    this.#write(() => {
      for (const h of hotels) this.#statements.putHotel.run(...hotelValues(h));
    });
  }

  async putRoomNights(nights: readonly RoomNightRecord[]): Promise<void> {
    this.#write(() => {
      for (const n of nights) {
        this.#statements.putRoomNight.run(n.hotelId, n.roomType, n.date, n.rate, n.currency, n.roomsLeft);
      }
    });
  }

  async clearInventory(): Promise<void> {
    this.#write(() => {
      for (const table of INVENTORY_TABLES) {
        this.#db.exec(`DELETE FROM ${table}`);
      }
    });
  }

  async replaceInventory(fill: (writer: InventoryWriter) => Promise<void>): Promise<void> {
    const db = this.#db;
    // Plain multi-row INSERTs (bulk-insert.ts: a few hundred calls into SQLite per batch, not one a
    // row): the tables are empty, so nothing is replaced (and a duplicate id fails loudly).
    const insert = (table: string, columns: readonly string[]) => new BulkInsert(db, table, columns);
    const bulk = {
      flight: insert('flights', FLIGHT_ROW_COLUMNS),
      cabin: insert('flight_cabins', CABIN_ROW_COLUMNS),
      route: insert('routes', ['origin', 'destination', 'carriers']),
      airline: insert('airlines', ['iata', 'name', 'country']),
      hotel: insert('hotels', HOTEL_COLUMNS),
      roomNight: insert('room_nights', ['hotel_id', 'room_type', 'date', 'rate', 'currency', 'rooms_left']),
    };
    const routes = new Map<string, { origin: string; destination: string; carriers: Set<string> }>();
    const writer: InventoryWriter = {
      putAirlines: async (airlines) =>
        this.#run(() => {
          bulk.airline.run(airlines.map((a) => [a.iata, a.name, a.country]));
        }),
      putFlights: async (flights) =>
        this.#run(() => {
          bulk.flight.run(flights.map((f) => flightValues(f)));
          bulk.cabin.run(flights.flatMap((f) => f.cabins.map((c) => cabinValues(f.id, c))));
          for (const flown of routesFlown(flights)) {
            const key = `${flown.origin}|${flown.destination}`;
            const known = routes.get(key);
            if (!known) routes.set(key, flown);
            else for (const carrier of flown.carriers) known.carriers.add(carrier);
          }
        }),
      putHotels: async (hotels) =>
        this.#run(() => {
          bulk.hotel.run(hotels.map(hotelValues));
        }),
      putRoomNights: async (nights) =>
        this.#run(() => {
          bulk.roomNight.run(
            nights.map((n) => [n.hotelId, n.roomType, n.date, n.rate, n.currency, n.roomsLeft]),
          );
        }),
    };
    // One transaction: readers (other connections, other processes) keep the old inventory until
    // the new one is whole, and a failure or a crash rolls back to it, dropped indexes included.
    // Foreign keys are checked per row and the pragma is ignored inside a transaction: off around
    // it (rows are written parents first). The flights' secondary indexes are dropped and built once
    // at the end: a sort of the finished table instead of an index insert per row.
    const indexes = this.#run(() => {
      db.pragma('foreign_keys = OFF');
      db.exec('BEGIN IMMEDIATE');
      for (const table of INVENTORY_TABLES) db.exec(`DELETE FROM ${table}`);
      const found = db
        .prepare(
          "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'flights' AND sql IS NOT NULL",
        )
        .all() as { name: string; sql: string }[];
      for (const index of found) db.exec(`DROP INDEX "${index.name}"`);
      return found;
    });
    try {
      await fill(writer);
      this.#run(() => {
        bulk.route.run(
          [...routes.values()]
            .sort((a, b) => (a.origin + a.destination < b.origin + b.destination ? -1 : 1))
            .map((route) => [route.origin, route.destination, [...route.carriers].sort().join(',')]),
        );
        for (const index of indexes) db.exec(index.sql);
        db.exec('COMMIT');
      });
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    } finally {
      db.pragma('foreign_keys = ON');
    }
    // The whole inventory went through the WAL: checkpointed and truncated rather than left on disk.
    this.#run(() => db.pragma('wal_checkpoint(TRUNCATE)'));
  }

  async stats(): Promise<InventoryStats> {
    return this.#run(() => {
      const count = (table: string): number =>
        (this.#db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
      return {
        airlines: count('airlines'),
        // Rows standing for a live period's leg are counted with their period.
        flights: count('flights WHERE period_leg = 0') + this.#periods.count(),
        routes: count('routes'),
        hotels: count('hotels'),
        roomNights: count('room_nights'),
      };
    });
  }

  async getSetting(name: string): Promise<string | undefined> {
    return this.#run(() => (this.#statements.getSetting.get(name) as { value: string } | undefined)?.value);
  }

  async setSetting(name: string, value: string): Promise<void> {
    this.#write(() => {
      this.#statements.setSetting.run(name, value);
    });
  }

  async setSettingIfAbsent(name: string, value: string): Promise<string> {
    // One immediate transaction: another process on the same file cannot write between the two statements.
    return this.#run(() =>
      this.#db
        .transaction(() => {
          this.#statements.addSetting.run(name, value);
          return (this.#statements.getSetting.get(name) as { value: string }).value;
        })
        .immediate(),
    );
  }

  async ping(): Promise<void> {
    this.#run(() => this.#statements.ping.get());
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Rows of an `IN (…)` query over `ids` (at most ID_CHUNK). Every search re-checks its answer's
   * flights with one of these, and preparing a statement costs more than running it: the list is
   * padded (repeating its last id, which `IN` ignores) to the next power of two, so a handful of
   * statements per query serve every length and are prepared once.
   */
  #byIds(query: string, sql: (list: string) => string, ids: readonly string[]): unknown[] {
    if (ids.length === 0) return [];
    const length = Math.min(ID_CHUNK, 2 ** Math.ceil(Math.log2(ids.length)));
    const key = `${query}:${length}`;
    let statement = this.#idStatements.get(key);
    if (statement === undefined) {
      statement = this.#db.prepare(sql(placeholders(length)));
      this.#idStatements.set(key, statement);
    }
    const padded: string[] = [...ids];
    while (padded.length < length) padded.push(ids[ids.length - 1] as string);
    return statement.all(padded);
  }

  #run<T>(operation: () => T): T {
    try {
      return operation();
    } catch (cause) {
      throw new StoreUnavailableError('SQLite inventory store failed', { cause });
    }
  }

  #write(operation: () => void): void {
    this.#run(() => this.#db.transaction(operation).immediate());
  }
}

function toSqliteHotel(row: SqliteHotelRow): HotelRecord {
  return toHotel({
    ...row,
    amenities: JSON.parse(row.amenities) as string[],
    room_types: JSON.parse(row.room_types) as HotelRecord['roomTypes'],
  });
}

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += ID_CHUNK) result.push(items.slice(i, i + ID_CHUNK));
  return result;
}
