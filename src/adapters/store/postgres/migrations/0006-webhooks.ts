import type { PostgresMigration } from './index.js';

/** Webhook endpoints, deliveries with their attempts, and parked deliveries (docs/webhooks.md). */
export const webhooksSchema: PostgresMigration = {
  id: '0006-webhooks',
  sql: `
    CREATE TABLE webhook_endpoints (
      id text COLLATE "C" PRIMARY KEY,
      api_key_id text NOT NULL,
      url text NOT NULL,
      event_types text NOT NULL,
      enabled boolean NOT NULL,
      description text NOT NULL,
      secrets text NOT NULL,
      consecutive_failures integer NOT NULL DEFAULT 0,
      disabled_reason text,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL
    );
    CREATE INDEX webhook_endpoints_key ON webhook_endpoints (api_key_id, created_at);

    CREATE TABLE webhook_deliveries (
      id text COLLATE "C" PRIMARY KEY,
      endpoint_id text NOT NULL,
      api_key_id text NOT NULL,
      event_type text NOT NULL,
      event_id text NOT NULL,
      order_key text NOT NULL,
      sequence text COLLATE "C" NOT NULL,
      payload text NOT NULL,
      status text NOT NULL,
      attempts bigint NOT NULL,
      next_attempt_at bigint NOT NULL,
      created_at bigint NOT NULL,
      last_attempt_at bigint,
      last_status_code bigint,
      last_error text,
      last_latency_ms bigint,
      lease_owner text,
      lease_until bigint
    );
    -- The queue: pending deliveries by due time, and the head of each endpoint's order key.
    CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_order ON webhook_deliveries (endpoint_id, order_key, sequence)
      WHERE status = 'pending';
    CREATE INDEX webhook_deliveries_log ON webhook_deliveries (endpoint_id, sequence);

    CREATE TABLE webhook_attempts (
      id text COLLATE "C" NOT NULL,
      delivery_id text NOT NULL,
      at bigint NOT NULL,
      succeeded boolean NOT NULL,
      status_code bigint,
      latency_ms bigint NOT NULL,
      error text,
      PRIMARY KEY (delivery_id, id)
    );

    CREATE TABLE webhook_dead_letters (
      delivery_id text COLLATE "C" PRIMARY KEY,
      endpoint_id text NOT NULL,
      api_key_id text NOT NULL,
      event_type text NOT NULL,
      reason text NOT NULL,
      attempts bigint NOT NULL,
      parked_at bigint NOT NULL
    );
    CREATE INDEX webhook_dead_letters_parked ON webhook_dead_letters (parked_at, delivery_id);
  `,
};
