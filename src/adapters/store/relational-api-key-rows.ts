import type { ApiKeyRecord, ApiKeyRole, DailyUsage } from '../../ports/api-keys.js';
import type { UsagePlanOverrides } from '../../ports/usage-plan.js';

/**
 * A row of `api_keys` in both relational backends (SQLite, PostgreSQL). `overrides` is as the driver
 * returns it: PostgreSQL parses json columns, SQLite hands back the text (`ApiKeyRow<string>`).
 */
export interface ApiKeyRow<Overrides = UsagePlanOverrides> {
  id: string;
  name: string;
  role: ApiKeyRole;
  secret_hash: string;
  plan: string;
  overrides: Overrides;
  created_at: number;
  revoked_at: number | null;
}

/** A row of `api_key_usage` as selected by USAGE_COLUMNS. */
export interface UsageRow {
  day: string;
  requests: number;
  searches: number;
  client_errors: number;
  server_errors: number;
  throttled: number;
}

/** Columns of a new key, in the order of `newApiKeyValues` (revoked_at starts NULL). */
export const NEW_API_KEY_COLUMNS = 'id, name, role, secret_hash, plan, overrides, created_at';

export const USAGE_COLUMNS = 'day, requests, searches, client_errors, server_errors, throttled';

/** Values of a new key's row for NEW_API_KEY_COLUMNS, the overrides as JSON text. */
export function newApiKeyValues(
  record: ApiKeyRecord,
): [string, string, string, string, string, string, number] {
  return [
    record.id,
    record.name,
    record.role,
    record.secretHash,
    record.plan,
    JSON.stringify(record.overrides),
    record.createdAt,
  ];
}

export function toApiKeyRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    secretHash: row.secret_hash,
    plan: row.plan,
    overrides: row.overrides,
    createdAt: row.created_at,
    revokedAt: row.revoked_at ?? undefined,
  };
}

export function toDailyUsage(row: UsageRow): DailyUsage {
  return {
    day: row.day,
    requests: row.requests,
    searches: row.searches,
    clientErrors: row.client_errors,
    serverErrors: row.server_errors,
    throttled: row.throttled,
  };
}
