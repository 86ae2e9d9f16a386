import type { CloudEvent } from '../../../ports/events.js';
import type {
  HotelImportScope,
  HotelImports,
  NightComparison,
  StagedNight,
} from '../../../ports/hotel-imports.js';
import { type NightComparisonRow, scopesJson, toNightComparison } from '../hotel-import-rows.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';
import type { SqliteOutbox } from './outbox.js';

/** The stored nights a scope replaces: in its range, or of a room type its hotel no longer has. */
const REPLACED = `SELECT n.* FROM room_nights n
  JOIN (SELECT json_extract(value, '$.h') AS hotel_id, json_extract(value, '$.f') AS first,
               json_extract(value, '$.l') AS last, json_extract(value, '$.t') AS types
        FROM json_each(@scopes)) s ON n.hotel_id = s.hotel_id
  WHERE (s.first IS NOT NULL AND n.date BETWEEN s.first AND s.last)
     OR n.room_type NOT IN (SELECT value FROM json_each(s.types))`;

/**
 * HotelImports on the shared SQLite connection: nights are staged in `hotel_import_nights`; `replace`
 * upserts the hotels, swaps the nights and appends the events in one IMMEDIATE transaction, so a
 * search sees the hotels before or after the file, never between.
 */
export class SqliteHotelImports implements HotelImports {
  readonly #db: SqliteDatabase;
  readonly #outbox: SqliteOutbox;

  constructor(db: SqliteDatabase, outbox: SqliteOutbox) {
    this.#db = db;
    this.#outbox = outbox;
  }

  async stageNights(importId: string, nights: readonly StagedNight[]): Promise<number[]> {
    return guarded('stage room nights', () => {
      const insert = this.#db.prepare(
        `INSERT OR IGNORE INTO hotel_import_nights (import_id, hotel_id, room_type, date, rate, currency, rooms_left, line)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      return this.#db
        .transaction(() => {
          const duplicates: number[] = [];
          for (const { line, night: n } of nights) {
            if (
              insert.run(importId, n.hotelId, n.roomType, n.date, n.rate, n.currency, n.roomsLeft, line)
                .changes === 0
            )
              duplicates.push(line);
          }
          return duplicates;
        })
        .immediate();
    });
  }

  async compareNights(importId: string, scopes: readonly HotelImportScope[]): Promise<NightComparison> {
    return guarded('compare room nights', () => {
      const rows = this.#db
        .prepare(
          `SELECT st.hotel_id, st.date,
                  CASE WHEN l.hotel_id IS NULL THEN 'created'
                       WHEN l.rate = st.rate AND l.currency = st.currency AND l.rooms_left = st.rooms_left THEN 'unchanged'
                       ELSE 'changed' END AS status,
                  COUNT(*) AS count
           FROM hotel_import_nights st
           LEFT JOIN room_nights l ON l.hotel_id = st.hotel_id AND l.date = st.date AND l.room_type = st.room_type
           WHERE st.import_id = @importId
           GROUP BY 1, 2, 3
           UNION ALL
           SELECT r.hotel_id, r.date, 'removed', COUNT(*) FROM (${REPLACED}) r
           WHERE NOT EXISTS (SELECT 1 FROM hotel_import_nights st WHERE st.import_id = @importId
                 AND st.hotel_id = r.hotel_id AND st.date = r.date AND st.room_type = r.room_type)
           GROUP BY 1, 2`,
        )
        .all({ importId, scopes: scopesJson(scopes) }) as NightComparisonRow[];
      return toNightComparison(rows);
    });
  }

  async replace(
    importId: string,
    scopes: readonly HotelImportScope[],
    events: readonly CloudEvent[],
  ): Promise<void> {
    guarded('import hotels', () => {
      const putHotel = this.#db.prepare(
        `INSERT INTO hotels (id, name, city_code, stars, latitude, longitude, address, amenities, room_types)
         VALUES (@id, @name, @cityCode, @stars, @latitude, @longitude, @address, @amenities, @roomTypes)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, city_code = excluded.city_code, stars = excluded.stars,
           latitude = excluded.latitude, longitude = excluded.longitude, address = excluded.address,
           amenities = excluded.amenities, room_types = excluded.room_types`,
      );
      this.#db
        .transaction(() => {
          for (const { hotel } of scopes) {
            putHotel.run({
              ...hotel,
              amenities: JSON.stringify(hotel.amenities),
              roomTypes: JSON.stringify(hotel.roomTypes),
            });
          }
          this.#db
            .prepare(
              `DELETE FROM room_nights WHERE (hotel_id, date, room_type) IN (SELECT hotel_id, date, room_type FROM (${REPLACED}))`,
            )
            .run({ scopes: scopesJson(scopes) });
          this.#db
            .prepare(
              `INSERT INTO room_nights (hotel_id, room_type, date, rate, currency, rooms_left)
               SELECT hotel_id, room_type, date, rate, currency, rooms_left FROM hotel_import_nights WHERE import_id = ?`,
            )
            .run(importId);
          this.#db.prepare('DELETE FROM hotel_import_nights WHERE import_id = ?').run(importId);
          this.#outbox.append(events);
        })
        .immediate();
    });
  }

  async discard(importId: string): Promise<void> {
    guarded('discard staged room nights', () => {
      this.#db.prepare('DELETE FROM hotel_import_nights WHERE import_id = ?').run(importId);
    });
  }
}
