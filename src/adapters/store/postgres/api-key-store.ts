import type pg from 'pg';
import {
  ApiKeyConflictError,
  type ApiKeyRecord,
  type ApiKeyStore,
  type DailyUsage,
  type UsageCounters,
} from '../../../ports/api-keys.js';
import {
  type ApiKeyRow,
  NEW_API_KEY_COLUMNS,
  newApiKeyValues,
  toApiKeyRecord,
  toDailyUsage,
  USAGE_COLUMNS,
  type UsageRow,
} from '../relational-api-key-rows.js';
import { guarded, sqlState, UNIQUE_VIOLATION } from './connection.js';

/** API keys and their daily usage on PostgreSQL; usage is added with one upsert, so processes never lose counts. */
export class PostgresApiKeyStore implements ApiKeyStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(record: ApiKeyRecord): Promise<void> {
    await guarded('store API key', async () => {
      try {
        await this.#pool.query(
          `INSERT INTO api_keys (${NEW_API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          newApiKeyValues(record),
        );
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION) throw new ApiKeyConflictError(record.id);
        throw error;
      }
    }, [ApiKeyConflictError]);
  }

  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    return guarded('read API key', async () => {
      const { rows } = await this.#pool.query<ApiKeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
      return rows[0] === undefined ? undefined : toApiKeyRecord(rows[0]);
    });
  }

  async list(): Promise<ApiKeyRecord[]> {
    return guarded('list API keys', async () => {
      const { rows } = await this.#pool.query<ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at, id');
      return rows.map(toApiKeyRecord);
    });
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return guarded('revoke API key', async () => {
      // COALESCE keeps the first revocation time when a key is revoked twice.
      const result = await this.#pool.query(
        'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2',
        [at, id],
      );
      return (result.rowCount ?? 0) > 0;
    });
  }

  async recordUsage(keyId: string, day: string, counters: UsageCounters): Promise<void> {
    await guarded('record API key usage', () =>
      this.#pool.query(
        `INSERT INTO api_key_usage AS u (key_id, day, requests, searches, client_errors, server_errors, throttled)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (key_id, day) DO UPDATE SET
           requests = u.requests + excluded.requests,
           searches = u.searches + excluded.searches,
           client_errors = u.client_errors + excluded.client_errors,
           server_errors = u.server_errors + excluded.server_errors,
           throttled = u.throttled + excluded.throttled`,
        [
          keyId,
          day,
          counters.requests,
          counters.searches,
          counters.clientErrors,
          counters.serverErrors,
          counters.throttled,
        ],
      ),
    );
  }

  async usage(keyId: string, from: string, to: string): Promise<DailyUsage[]> {
    return guarded('read API key usage', async () => {
      const { rows } = await this.#pool.query<UsageRow>(
        `SELECT ${USAGE_COLUMNS} FROM api_key_usage
         WHERE key_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day`,
        [keyId, from, to],
      );
      return rows.map(toDailyUsage);
    });
  }
}
