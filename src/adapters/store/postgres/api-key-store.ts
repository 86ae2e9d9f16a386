import type pg from 'pg';
import {
  ApiKeyConflictError,
  type ApiKeyRecord,
  type ApiKeyRole,
  type ApiKeyStore,
  type DailyUsage,
  type UsageCounters,
} from '../../../ports/api-keys.js';
import type { UsagePlanOverrides } from '../../../ports/usage-plan.js';
import { guarded, sqlState, UNIQUE_VIOLATION } from './connection.js';

interface KeyRow {
  id: string;
  name: string;
  role: ApiKeyRole;
  secret_hash: string;
  plan: string;
  overrides: UsagePlanOverrides;
  created_at: number;
  revoked_at: number | null;
}

interface UsageRow {
  day: string;
  requests: number;
  searches: number;
  client_errors: number;
  server_errors: number;
  throttled: number;
}

const toRecord = (row: KeyRow): ApiKeyRecord => ({
  id: row.id,
  name: row.name,
  role: row.role,
  secretHash: row.secret_hash,
  plan: row.plan,
  overrides: row.overrides,
  createdAt: row.created_at,
  revokedAt: row.revoked_at ?? undefined,
});

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
          `INSERT INTO api_keys (id, name, role, secret_hash, plan, overrides, created_at, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)`,
          [
            record.id,
            record.name,
            record.role,
            record.secretHash,
            record.plan,
            JSON.stringify(record.overrides),
            record.createdAt,
          ],
        );
      } catch (error) {
        if (sqlState(error) === UNIQUE_VIOLATION) throw new ApiKeyConflictError(record.id);
        throw error;
      }
    }, [ApiKeyConflictError]);
  }

  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    return guarded('read API key', async () => {
      const { rows } = await this.#pool.query<KeyRow>('SELECT * FROM api_keys WHERE id = $1', [id]);
      return rows[0] === undefined ? undefined : toRecord(rows[0]);
    });
  }

  async list(): Promise<ApiKeyRecord[]> {
    return guarded('list API keys', async () => {
      const { rows } = await this.#pool.query<KeyRow>('SELECT * FROM api_keys ORDER BY created_at, id');
      return rows.map(toRecord);
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
        `SELECT day, requests, searches, client_errors, server_errors, throttled FROM api_key_usage
         WHERE key_id = $1 AND day BETWEEN $2 AND $3 ORDER BY day`,
        [keyId, from, to],
      );
      return rows.map((row) => ({
        day: row.day,
        requests: row.requests,
        searches: row.searches,
        clientErrors: row.client_errors,
        serverErrors: row.server_errors,
        throttled: row.throttled,
      }));
    });
  }
}
