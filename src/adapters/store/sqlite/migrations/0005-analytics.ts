import type { Migration } from './index.js';

/** Analytics rollups (ports/analytics-store.ts): opaque payloads by granularity and bucket. */
export const analyticsSchema: Migration = {
  id: '0005-analytics',
  sql: `
    CREATE TABLE analytics_rollups (
      id TEXT PRIMARY KEY,
      granularity TEXT NOT NULL,
      bucket INTEGER NOT NULL,
      payload TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX analytics_rollups_bucket ON analytics_rollups (granularity, bucket, id);
  `,
};
