import type { PostgresMigration } from './index.js';

/** Analytics rollups (ports/analytics-store.ts): opaque payloads by granularity and bucket. */
export const analyticsSchema: PostgresMigration = {
  id: '0002-analytics',
  sql: `
    CREATE TABLE analytics_rollups (
      id text COLLATE "C" PRIMARY KEY,
      granularity text NOT NULL,
      bucket bigint NOT NULL,
      payload text NOT NULL
    );
    CREATE INDEX analytics_rollups_bucket ON analytics_rollups (granularity, bucket, id);
  `,
};
