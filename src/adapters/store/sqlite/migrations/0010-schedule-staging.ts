import type { Migration } from './index.js';

/**
 * Schedule imports stage their legs in TEMP tables of the importing connection (schedule-store.ts:
 * no WAL writes, nothing left behind by a crashed import), so the staging table of 0006 goes.
 * Its rows were only ever an unfinished import's.
 */
export const scheduleStagingSchema: Migration = {
  id: '0010-schedule-staging',
  sql: `
    DROP TABLE IF EXISTS schedule_staging;
  `,
};
