import type { PostgresMigration } from './index.js';

/**
 * Imported schedules kept as leg periods (docs/adr/0025-schedule-periods.md): one row per leg
 * record's period with constant UTC times; dated legs are derived from them when read, and get a
 * `flights` row only when something dated happens to one (a booking, an admin change): then
 * `period_leg` = 1 says the row stands for a live period's leg. Staging holds periods too (UNLOGGED,
 * as before: only unfinished imports live there), so the dated-leg staging tables of 0007 go.
 */
export const schedulePeriodsSchema: PostgresMigration = {
  id: '0008-schedule-periods',
  sql: `
    DROP TABLE schedule_staged_legs, schedule_staged_templates, schedule_staged_cabins;

    CREATE TABLE schedule_periods (
      id bigserial PRIMARY KEY,
      carrier text COLLATE "C" NOT NULL,
      flight_key text COLLATE "C" NOT NULL,
      through_key text COLLATE "C" NOT NULL,
      through_leg integer NOT NULL,
      flight_number integer NOT NULL,
      origin text COLLATE "C" NOT NULL,
      destination text COLLATE "C" NOT NULL,
      aircraft text NOT NULL,
      distance_km double precision NOT NULL,
      currency text NOT NULL,
      fare_source text NOT NULL,
      codeshares text NOT NULL,
      cabins text NOT NULL,
      first_day integer NOT NULL,
      last_day integer NOT NULL,
      days integer NOT NULL,
      weeks integer NOT NULL,
      anchor_day integer NOT NULL,
      departure_ms bigint NOT NULL,
      arrival_ms bigint NOT NULL,
      signature text NOT NULL,
      legs integer NOT NULL,
      line integer NOT NULL
    );
    CREATE INDEX schedule_periods_flight ON schedule_periods (flight_key, first_day);
    CREATE INDEX schedule_periods_route ON schedule_periods (origin, destination);
    CREATE INDEX schedule_periods_carrier ON schedule_periods (carrier, last_day);

    CREATE UNLOGGED TABLE schedule_staged_periods (
      import_id text COLLATE "C" NOT NULL,
      seq integer NOT NULL,
      carrier text COLLATE "C" NOT NULL,
      flight_key text COLLATE "C" NOT NULL,
      through_key text COLLATE "C" NOT NULL,
      through_leg integer NOT NULL,
      flight_number integer NOT NULL,
      origin text COLLATE "C" NOT NULL,
      destination text COLLATE "C" NOT NULL,
      aircraft text NOT NULL,
      distance_km double precision NOT NULL,
      currency text NOT NULL,
      fare_source text NOT NULL,
      codeshares text NOT NULL,
      cabins text NOT NULL,
      first_day integer NOT NULL,
      last_day integer NOT NULL,
      days integer NOT NULL,
      weeks integer NOT NULL,
      anchor_day integer NOT NULL,
      departure_ms bigint NOT NULL,
      arrival_ms bigint NOT NULL,
      signature text NOT NULL,
      legs integer NOT NULL,
      line integer NOT NULL,
      PRIMARY KEY (import_id, seq)
    );
    CREATE INDEX schedule_staged_periods_flight ON schedule_staged_periods (import_id, flight_key, first_day);

    ALTER TABLE flights ADD COLUMN period_leg integer NOT NULL DEFAULT 0;
  `,
};
