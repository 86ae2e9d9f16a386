import type { Migration } from './index.js';

export const apiKeysSchema: Migration = {
  id: '0002-api-keys',
  sql: `
    CREATE TABLE api_keys (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('client', 'admin')),
      secret_hash TEXT NOT NULL,
      plan TEXT NOT NULL,
      overrides TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      revoked_at INTEGER
    ) WITHOUT ROWID;

    CREATE TABLE api_key_usage (
      key_id TEXT NOT NULL,
      day TEXT NOT NULL,
      requests INTEGER NOT NULL DEFAULT 0,
      searches INTEGER NOT NULL DEFAULT 0,
      client_errors INTEGER NOT NULL DEFAULT 0,
      server_errors INTEGER NOT NULL DEFAULT 0,
      throttled INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (key_id, day)
    ) WITHOUT ROWID;
  `,
};
