import type { Migration } from './index.js';

/** Webhook endpoints, deliveries with their attempts, and parked deliveries (docs/webhooks.md). */
export const webhooksSchema: Migration = {
  id: '0009-webhooks',
  sql: `
    CREATE TABLE webhook_endpoints (
      id TEXT PRIMARY KEY,
      api_key_id TEXT NOT NULL,
      url TEXT NOT NULL,
      event_types TEXT NOT NULL,
      enabled INTEGER NOT NULL,
      description TEXT NOT NULL,
      secrets TEXT NOT NULL,
      consecutive_failures INTEGER NOT NULL DEFAULT 0,
      disabled_reason TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX webhook_endpoints_key ON webhook_endpoints (api_key_id, created_at);

    CREATE TABLE webhook_deliveries (
      id TEXT PRIMARY KEY,
      endpoint_id TEXT NOT NULL,
      api_key_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      event_id TEXT NOT NULL,
      order_key TEXT NOT NULL,
      sequence TEXT NOT NULL,
      payload TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      next_attempt_at INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      last_attempt_at INTEGER,
      last_status_code INTEGER,
      last_error TEXT,
      last_latency_ms INTEGER,
      lease_owner TEXT,
      lease_until INTEGER
    ) WITHOUT ROWID;
    -- The queue: pending deliveries by due time, and the head of each endpoint's order key.
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, sequence) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, order_key, sequence)
      WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, sequence);

    CREATE TABLE webhook_attempts (
      id TEXT NOT NULL,
      delivery_id TEXT NOT NULL,
      at INTEGER NOT NULL,
      succeeded INTEGER NOT NULL,
      status_code INTEGER,
      latency_ms INTEGER NOT NULL,
      error TEXT,
      PRIMARY KEY (delivery_id, id)
    ) WITHOUT ROWID;

    CREATE TABLE webhook_dead_letters (
      delivery_id TEXT PRIMARY KEY,
      endpoint_id TEXT NOT NULL,
      api_key_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      reason TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      parked_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX webhook_dead_letters_parked ON webhook_dead_letters (parked_at, delivery_id);
  `,
};
