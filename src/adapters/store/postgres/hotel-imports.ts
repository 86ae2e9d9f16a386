import type pg from 'pg';
import type { CloudEvent } from '../../../ports/events.js';
import type {
  HotelImportScope,
  HotelImports,
  NightComparison,
  StagedNight,
} from '../../../ports/hotel-imports.js';
import { type NightComparisonRow, scopesJson, toNightComparison } from '../hotel-import-rows.js';
import { type AppendEvents, guarded, inTransaction } from './connection.js';
import { upsertHotels } from './hotel-rows.js';

/** The stored nights a scope replaces ($1: the scopes as JSON): in its range, or of a room type its hotel no longer has. */
const REPLACED = `SELECT n.* FROM room_nights n
  JOIN json_to_recordset($1::json) AS s(h text, f text, l text, t json) ON n.hotel_id = s.h
  WHERE (s.f IS NOT NULL AND n.date BETWEEN s.f AND s.l)
     OR NOT (n.room_type = ANY (ARRAY(SELECT json_array_elements_text(s.t))))`;

/**
 * HotelImports on PostgreSQL: nights staged in `hotel_import_nights`; `replace` upserts the hotels,
 * swaps the nights and appends the events in one transaction (readers see before or after, MVCC).
 */
export class PostgresHotelImports implements HotelImports {
  readonly #pool: pg.Pool;
  readonly #appendEvents: AppendEvents;

  constructor(pool: pg.Pool, appendEvents: AppendEvents) {
    this.#pool = pool;
    this.#appendEvents = appendEvents;
  }

  async stageNights(importId: string, nights: readonly StagedNight[]): Promise<number[]> {
    if (nights.length === 0) return [];
    const inserted = await guarded('stage room nights', () =>
      this.#pool.query<{ line: number }>(
        `INSERT INTO hotel_import_nights (import_id, hotel_id, room_type, date, rate, currency, rooms_left, line)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::int[], $8::int[])
         ON CONFLICT DO NOTHING RETURNING line`,
        [
          importId,
          nights.map((s) => s.night.hotelId),
          nights.map((s) => s.night.roomType),
          nights.map((s) => s.night.date),
          nights.map((s) => s.night.rate),
          nights.map((s) => s.night.currency),
          nights.map((s) => s.night.roomsLeft),
          nights.map((s) => s.line),
        ],
      ),
    );
    const written = new Set(inserted.rows.map((row) => row.line));
    return nights.filter((s) => !written.has(s.line)).map((s) => s.line);
  }

  async compareNights(importId: string, scopes: readonly HotelImportScope[]): Promise<NightComparison> {
    const result = await guarded('compare room nights', () =>
      this.#pool.query<NightComparisonRow>(
        `SELECT st.hotel_id, st.date,
                CASE WHEN l.hotel_id IS NULL THEN 'created'
                     WHEN l.rate = st.rate AND l.currency = st.currency AND l.rooms_left = st.rooms_left THEN 'unchanged'
                     ELSE 'changed' END AS status,
                COUNT(*)::int AS count
         FROM hotel_import_nights st
         LEFT JOIN room_nights l ON l.hotel_id = st.hotel_id AND l.date = st.date AND l.room_type = st.room_type
         WHERE st.import_id = $2
         GROUP BY 1, 2, 3
         UNION ALL
         SELECT r.hotel_id, r.date, 'removed', COUNT(*)::int FROM (${REPLACED}) r
         WHERE NOT EXISTS (SELECT 1 FROM hotel_import_nights st WHERE st.import_id = $2
               AND st.hotel_id = r.hotel_id AND st.date = r.date AND st.room_type = r.room_type)
         GROUP BY 1, 2`,
        [scopesJson(scopes), importId],
      ),
    );
    return toNightComparison(result.rows);
  }

  async replace(
    importId: string,
    scopes: readonly HotelImportScope[],
    events: readonly CloudEvent[],
  ): Promise<void> {
    const hotels = [...scopes.map((s) => s.hotel)].sort((a, b) => (a.id < b.id ? -1 : 1));
    await guarded('import hotels', () =>
      inTransaction(this.#pool, async (client) => {
        await upsertHotels(client, hotels);
        await client.query(
          `DELETE FROM room_nights d USING (${REPLACED}) r
           WHERE d.hotel_id = r.hotel_id AND d.date = r.date AND d.room_type = r.room_type`,
          [scopesJson(scopes)],
        );
        await client.query(
          `INSERT INTO room_nights (hotel_id, room_type, date, rate, currency, rooms_left)
           SELECT hotel_id, room_type, date, rate, currency, rooms_left FROM hotel_import_nights WHERE import_id = $1
           ORDER BY hotel_id, date, room_type`,
          [importId],
        );
        await client.query('DELETE FROM hotel_import_nights WHERE import_id = $1', [importId]);
        await this.#appendEvents(client, events);
      }),
    );
  }

  async discard(importId: string): Promise<void> {
    await guarded('discard staged room nights', () =>
      this.#pool.query('DELETE FROM hotel_import_nights WHERE import_id = $1', [importId]),
    );
  }
}
