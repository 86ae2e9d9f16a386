import type { Migration } from './index.js';

/** Transactional outbox, relay lease, dead letters and processed-event marks (docs/adr/0007-events-outbox.md). */
export const eventsSchema: Migration = {
  id: '0003-events',
  sql: `
    -- AUTOINCREMENT so a seq is never reused after published rows are pruned; SQLite serialises
    -- writers, so seq order is commit order and the relay never skips a late-committing row.
    CREATE TABLE outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL,
      type TEXT NOT NULL,
      event TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      published_at INTEGER
    );
    CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;
    CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

    -- One row: the relay allowed to drain the outbox until expires_at.
    CREATE TABLE outbox_lease (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      owner TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    );

    CREATE TABLE dead_letters (
      id TEXT PRIMARY KEY,
      consumer TEXT NOT NULL,
      event_id TEXT NOT NULL,
      type TEXT NOT NULL,
      event TEXT NOT NULL,
      error TEXT NOT NULL,
      attempts INTEGER NOT NULL,
      parked_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX dead_letters_parked ON dead_letters (parked_at, id);

    CREATE TABLE processed_events (
      consumer TEXT NOT NULL,
      event_id TEXT NOT NULL,
      processed_at INTEGER NOT NULL,
      PRIMARY KEY (consumer, event_id)
    ) WITHOUT ROWID;
    CREATE INDEX processed_events_age ON processed_events (processed_at);
  `,
};
