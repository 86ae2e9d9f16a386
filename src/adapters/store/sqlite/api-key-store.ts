import type { ApiKeyRecord, ApiKeyStore, DailyUsage, UsageCounters } from '../../../ports/api-keys.js';
import { ApiKeyConflictError } from '../../../ports/api-keys.js';
import { StoreUnavailableError } from '../../../ports/store.js';
import type { UsagePlanOverrides } from '../../../ports/usage-plan.js';
import {
  type ApiKeyRow,
  NEW_API_KEY_COLUMNS,
  newApiKeyValues,
  toApiKeyRecord,
  toDailyUsage,
  USAGE_COLUMNS,
  type UsageRow,
} from '../relational-api-key-rows.js';
import type { SqliteDatabase } from './database.js';

/** SQLite keeps the overrides as JSON text. */
const toRecord = (row: ApiKeyRow<string>): ApiKeyRecord =>
  toApiKeyRecord({ ...row, overrides: JSON.parse(row.overrides) as UsagePlanOverrides });

/** API keys and their daily usage in the shared SQLite database (tables from 0002-api-keys). */
export class SqliteApiKeyStore implements ApiKeyStore {
  readonly #insert;
  readonly #byId;
  readonly #all;
  readonly #revoke;
  readonly #addUsage;
  readonly #usage;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare(`INSERT INTO api_keys (${NEW_API_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.#byId = db.prepare<[string], ApiKeyRow<string>>('SELECT * FROM api_keys WHERE id = ?');
    this.#all = db.prepare<[], ApiKeyRow<string>>('SELECT * FROM api_keys ORDER BY created_at, id');
    // COALESCE keeps the first revocation time when a key is revoked twice.
    this.#revoke = db.prepare('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?');
    this.#addUsage = db.prepare(
      `INSERT INTO api_key_usage (key_id, day, requests, searches, client_errors, server_errors, throttled)
       VALUES (@keyId, @day, @requests, @searches, @clientErrors, @serverErrors, @throttled)
       ON CONFLICT (key_id, day) DO UPDATE SET
         requests = requests + excluded.requests,
         searches = searches + excluded.searches,
         client_errors = client_errors + excluded.client_errors,
         server_errors = server_errors + excluded.server_errors,
         throttled = throttled + excluded.throttled`,
    );
    this.#usage = db.prepare<[string, string, string], UsageRow>(
      `SELECT ${USAGE_COLUMNS} FROM api_key_usage
       WHERE key_id = ? AND day BETWEEN ? AND ? ORDER BY day`,
    );
  }

  async create(record: ApiKeyRecord): Promise<void> {
    try {
      this.#insert.run(...newApiKeyValues(record));
    } catch (error) {
      if (isConstraintError(error, 'SQLITE_CONSTRAINT_PRIMARYKEY')) throw new ApiKeyConflictError(record.id);
      throw unavailable('cannot store API key', error);
    }
  }

  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    const row = guard('cannot read API key', () => this.#byId.get(id));
    return row === undefined ? undefined : toRecord(row);
  }

  async list(): Promise<ApiKeyRecord[]> {
    return guard('cannot list API keys', () => this.#all.all()).map(toRecord);
  }

  async revoke(id: string, at: number): Promise<boolean> {
    return guard('cannot revoke API key', () => this.#revoke.run(at, id).changes > 0);
  }

  async recordUsage(keyId: string, day: string, counters: UsageCounters): Promise<void> {
    guard('cannot record API key usage', () => this.#addUsage.run({ keyId, day, ...counters }));
  }

  async usage(keyId: string, from: string, to: string): Promise<DailyUsage[]> {
    return guard('cannot read API key usage', () => this.#usage.all(keyId, from, to)).map(toDailyUsage);
  }
}

function isConstraintError(error: unknown, code: string): boolean {
  return error instanceof Error && (error as Error & { code?: unknown }).code === code;
}

function unavailable(message: string, cause: unknown): StoreUnavailableError {
  return new StoreUnavailableError(message, { cause });
}

function guard<T>(message: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw unavailable(message, error);
  }
}
