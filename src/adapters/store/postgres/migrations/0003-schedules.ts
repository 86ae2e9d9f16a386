import type { PostgresMigration } from './index.js';

/**
 * Schedule imports (ports/schedules.ts): the flight attributes an SSIM file carries, the signature a
 * re-import compares against, and the staging area an import fills before its atomic switch.
 * Optional attributes default to '' or 0 rather than NULL, as flight-cabin-rows.ts writes them (COPY).
 */
export const schedulesSchema: PostgresMigration = {
  id: '0003-schedules',
  sql: `
    ALTER TABLE flights
      ADD COLUMN fare_source text NOT NULL DEFAULT 'inventory',
      ADD COLUMN through_flight_id text COLLATE "C" NOT NULL DEFAULT '',
      ADD COLUMN through_leg integer NOT NULL DEFAULT 0,
      ADD COLUMN codeshares text NOT NULL DEFAULT '',
      ADD COLUMN cancelled integer NOT NULL DEFAULT 0,
      ADD COLUMN schedule_signature text NOT NULL DEFAULT '';
    -- An import replaces one carrier's flights in a range of flight dates (ids start with the date).
    CREATE INDEX flights_carrier_id ON flights (carrier, id);

    CREATE TABLE schedule_staging (
      import_id text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      line integer NOT NULL,
      signature text NOT NULL,
      -- the FlightRecord as JSON text
      flight text NOT NULL,
      PRIMARY KEY (import_id, id)
    );
  `,
};
