import type { UsagePlanOverrides } from './usage-plan.js';

/** What a key may do: call the API, or also manage keys. */
export type ApiKeyRole = 'client' | 'admin';

/** A stored API key. The secret itself is never stored, only `secretHash`. */
export interface ApiKeyRecord {
  /** Public key id, the middle part of `tp_live_<id>_<secret>`. */
  id: string;
  /** Human label given when the key was issued. */
  name: string;
  role: ApiKeyRole;
  /** Hex SHA-256 of the whole key string. */
  secretHash: string;
  /** Named usage plan. */
  plan: string;
  /** Per-key limits replacing the named plan's values. */
  overrides: UsagePlanOverrides;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms of revocation; undefined while the key is valid. */
  revokedAt: number | undefined;
}

/** Per key per UTC day request counts. */
export interface UsageCounters {
  requests: number;
  searches: number;
  /** 4xx answers other than 429. */
  clientErrors: number;
  /** 5xx answers. */
  serverErrors: number;
  /** 429 answers, for the rate or the quota. */
  throttled: number;
}

/** Usage of one key on one UTC day (`YYYY-MM-DD`). */
export interface DailyUsage extends UsageCounters {
  day: string;
}

/**
 * Persistence of API keys and their usage. Rejects with `StoreUnavailableError` when the
 * backend cannot be reached.
 */
export interface ApiKeyStore {
  /** Stores a new key; rejects with `ApiKeyConflictError` if the id exists. */
  create(record: ApiKeyRecord): Promise<void>;
  /** The key with `id` (revoked or not), or undefined. */
  findById(id: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, oldest first, revoked ones included. */
  list(): Promise<ApiKeyRecord[]>;
  /** Marks the key revoked at `at`; false when no such key, true (idempotent) otherwise. */
  revoke(id: string, at: number): Promise<boolean>;
  /** Adds `counters` to the key's totals for `day` (UTC `YYYY-MM-DD`). */
  recordUsage(keyId: string, day: string, counters: UsageCounters): Promise<void>;
  /** Daily totals of the key from `from` to `to` inclusive (UTC days), days without traffic omitted. */
  usage(keyId: string, from: string, to: string): Promise<DailyUsage[]>;
}

/** A key with this id already exists. */
export class ApiKeyConflictError extends Error {
  constructor(readonly id: string) {
    super(`API key ${id} already exists`);
    this.name = 'ApiKeyConflictError';
  }
}
