import type { Migration } from './index.js';

/** Bookings and the idempotency keys of the requests that created them. */
export const bookingsSchema: Migration = {
  id: '0004-bookings',
  sql: `
    CREATE TABLE bookings (
      id TEXT PRIMARY KEY,
      reference TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
      owner_sub TEXT NOT NULL,
      owner_api_key TEXT NOT NULL,
      -- offer snapshot, price, passengers, contact and inventory hold as one JSON document
      document TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      cancelled_at INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX bookings_owner ON bookings (owner_api_key, owner_sub, created_at);

    -- One row per (API key, Idempotency-Key). While a request runs, token and lease_until say who
    -- holds it; once it booked, booking_id is set and the row lives until expires_at.
    CREATE TABLE idempotency_keys (
      scope TEXT NOT NULL,
      key TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      token TEXT NOT NULL,
      lease_until INTEGER NOT NULL,
      booking_id TEXT,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (scope, key)
    ) WITHOUT ROWID;
    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
  `,
};
