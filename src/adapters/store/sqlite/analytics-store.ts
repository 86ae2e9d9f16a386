import type {
  AnalyticsStore,
  RollupGranularity,
  RollupKey,
  RollupRecord,
} from '../../../ports/analytics-store.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';

interface RollupRow {
  id: string;
  granularity: RollupGranularity;
  bucket: number;
  payload: string;
}

/** Analytics rollups in the shared SQLite file. */
export class SqliteAnalyticsStore implements AnalyticsStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async put(records: readonly RollupRecord[]): Promise<void> {
    guarded('write analytics rollups', () => {
      const upsert = this.#db.prepare(
        'INSERT OR REPLACE INTO analytics_rollups (id, granularity, bucket, payload) VALUES (?, ?, ?, ?)',
      );
      this.#db.transaction(() => {
        for (const r of records) upsert.run(r.id, r.granularity, r.bucket, r.payload);
      })();
    });
  }

  async list(granularity: RollupGranularity, from: number, to: number): Promise<RollupRecord[]> {
    return guarded('read analytics rollups', () =>
      (
        this.#db
          .prepare(
            'SELECT id, granularity, bucket, payload FROM analytics_rollups WHERE granularity = ? AND bucket >= ? AND bucket < ? ORDER BY bucket, id',
          )
          .all(granularity, from, to) as RollupRow[]
      ).map((row) => ({ ...row })),
    );
  }

  async remove(records: readonly RollupKey[]): Promise<void> {
    guarded('delete analytics rollups', () => {
      const remove = this.#db.prepare('DELETE FROM analytics_rollups WHERE id = ?');
      this.#db.transaction(() => {
        for (const record of records) remove.run(record.id);
      })();
    });
  }

  async removeRange(granularity: RollupGranularity, from: number, to: number): Promise<number> {
    return guarded(
      'delete old analytics rollups',
      () =>
        this.#db
          .prepare('DELETE FROM analytics_rollups WHERE granularity = ? AND bucket >= ? AND bucket < ?')
          .run(granularity, from, to).changes,
    );
  }
}
