import type { Migration } from './index.js';

/**
 * Schedule imports (ports/schedules.ts): the flight attributes an SSIM file carries, the signature a
 * re-import compares against, and the staging area an import fills before its atomic switch.
 * Optional attributes default to '' or 0 rather than NULL, as flight-cabin-rows.ts writes them.
 */
export const schedulesSchema: Migration = {
  id: '0006-schedules',
  sql: `
    ALTER TABLE flights ADD COLUMN fare_source TEXT NOT NULL DEFAULT 'inventory';
    ALTER TABLE flights ADD COLUMN through_flight_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE flights ADD COLUMN through_leg INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE flights ADD COLUMN codeshares TEXT NOT NULL DEFAULT '';
    ALTER TABLE flights ADD COLUMN cancelled INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE flights ADD COLUMN schedule_signature TEXT NOT NULL DEFAULT '';
    -- An import replaces one carrier's flights in a range of flight dates (ids start with the date).
    CREATE INDEX flights_carrier_id ON flights (carrier, id);

    CREATE TABLE schedule_staging (
      import_id TEXT NOT NULL,
      id TEXT NOT NULL,
      line INTEGER NOT NULL,
      signature TEXT NOT NULL,
      -- the FlightRecord as JSON
      flight TEXT NOT NULL,
      PRIMARY KEY (import_id, id)
    ) WITHOUT ROWID;
  `,
};
