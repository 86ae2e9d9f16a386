import type { PostgresMigration } from './index.js';

/**
 * Schedule imports stage dated legs as columns, not JSON (schedule-store.ts): a leg names its
 * template (what its record's legs share), whose cabins are rows of their own, so the switch is a
 * few INSERT … SELECT statements. UNLOGGED: staging is rebuilt by running the import again, so it
 * need not pay for the WAL (a crash empties these tables, which only ever hold unfinished imports).
 */
export const scheduleStagingSchema: PostgresMigration = {
  id: '0007-schedule-staging',
  sql: `
    DROP TABLE schedule_staging;

    CREATE UNLOGGED TABLE schedule_staged_legs (
      import_id text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      line integer NOT NULL,
      template integer NOT NULL,
      departure_utc bigint NOT NULL,
      arrival_utc bigint NOT NULL,
      through_flight_id text COLLATE "C" NOT NULL,
      signature text NOT NULL,
      PRIMARY KEY (import_id, id)
    );

    CREATE UNLOGGED TABLE schedule_staged_templates (
      import_id text COLLATE "C" NOT NULL,
      template integer NOT NULL,
      carrier text COLLATE "C" NOT NULL,
      flight_number integer NOT NULL,
      origin text COLLATE "C" NOT NULL,
      destination text COLLATE "C" NOT NULL,
      aircraft text NOT NULL,
      distance_km double precision NOT NULL,
      currency text NOT NULL,
      fare_source text NOT NULL,
      through_leg integer NOT NULL,
      codeshares text NOT NULL,
      PRIMARY KEY (import_id, template)
    );

    CREATE UNLOGGED TABLE schedule_staged_cabins (
      import_id text COLLATE "C" NOT NULL,
      template integer NOT NULL,
      cabin text COLLATE "C" NOT NULL,
      fare integer NOT NULL,
      taxes integer NOT NULL,
      capacity integer NOT NULL,
      PRIMARY KEY (import_id, template, cabin)
    );
  `,
};
