import type pg from 'pg';
import type {
  AnalyticsStore,
  RollupGranularity,
  RollupKey,
  RollupRecord,
} from '../../../ports/analytics-store.js';
import { guarded } from './connection.js';

interface RollupRow {
  id: string;
  granularity: RollupGranularity;
  bucket: string;
  payload: string;
}

/** Analytics rollups on PostgreSQL: one row per record, upserted by id. */
export class PostgresAnalyticsStore implements AnalyticsStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async put(records: readonly RollupRecord[]): Promise<void> {
    // One statement may not update a row twice: the last record of an id wins, as sequential puts would.
    const unique = [...new Map(records.map((r) => [r.id, r])).values()];
    if (unique.length === 0) return;
    await guarded('write analytics rollups', () =>
      this.#pool.query(
        `INSERT INTO analytics_rollups (id, granularity, bucket, payload)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])
         ON CONFLICT (id) DO UPDATE SET granularity = excluded.granularity, bucket = excluded.bucket, payload = excluded.payload`,
        [
          unique.map((r) => r.id),
          unique.map((r) => r.granularity),
          unique.map((r) => r.bucket),
          unique.map((r) => r.payload),
        ],
      ),
    );
  }

  async list(granularity: RollupGranularity, from: number, to: number): Promise<RollupRecord[]> {
    return guarded('read analytics rollups', async () => {
      const result = await this.#pool.query<RollupRow>(
        `SELECT id, granularity, bucket, payload FROM analytics_rollups
         WHERE granularity = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket, id`,
        [granularity, from, to],
      );
      return result.rows.map((row) => ({ ...row, bucket: Number(row.bucket) }));
    });
  }

  async remove(records: readonly RollupKey[]): Promise<void> {
    if (records.length === 0) return;
    await guarded('delete analytics rollups', () =>
      this.#pool.query('DELETE FROM analytics_rollups WHERE id = ANY($1::text[])', [
        records.map((r) => r.id),
      ]),
    );
  }

  async removeRange(granularity: RollupGranularity, from: number, to: number): Promise<number> {
    return guarded('delete old analytics rollups', async () => {
      const result = await this.#pool.query(
        'DELETE FROM analytics_rollups WHERE granularity = $1 AND bucket >= $2 AND bucket < $3',
        [granularity, from, to],
      );
      return result.rowCount ?? 0;
    });
  }
}
