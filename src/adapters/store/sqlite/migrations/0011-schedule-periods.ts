import type { Migration } from './index.js';

/**
 * Imported schedules kept as leg periods (docs/adr/0025-schedule-periods.md): one row per leg
 * record's period with constant UTC times; dated legs are derived from them when read. A dated leg
 * gets a `flights` row only when something dated happens to it (a booking, an admin change), and
 * then `period_leg` = 1 says the row stands for a live period's leg (so counts do not take it twice).
 * Optional attributes are '' or 0, as flights are written.
 */
export const schedulePeriodsSchema: Migration = {
  id: '0011-schedule-periods',
  sql: `
    CREATE TABLE schedule_periods (
      id INTEGER PRIMARY KEY,
      carrier TEXT NOT NULL,
      flight_key TEXT NOT NULL,
      through_key TEXT NOT NULL,
      through_leg INTEGER NOT NULL,
      flight_number INTEGER NOT NULL,
      origin TEXT NOT NULL,
      destination TEXT NOT NULL,
      aircraft TEXT NOT NULL,
      distance_km INTEGER NOT NULL,
      currency TEXT NOT NULL,
      fare_source TEXT NOT NULL,
      codeshares TEXT NOT NULL,
      cabins TEXT NOT NULL,
      first_day INTEGER NOT NULL,
      last_day INTEGER NOT NULL,
      days INTEGER NOT NULL,
      weeks INTEGER NOT NULL,
      anchor_day INTEGER NOT NULL,
      departure_ms INTEGER NOT NULL,
      arrival_ms INTEGER NOT NULL,
      signature TEXT NOT NULL,
      legs INTEGER NOT NULL,
      line INTEGER NOT NULL
    );
    CREATE INDEX schedule_periods_flight ON schedule_periods (flight_key, first_day);
    CREATE INDEX schedule_periods_route ON schedule_periods (origin, destination);
    CREATE INDEX schedule_periods_carrier ON schedule_periods (carrier, last_day);
    ALTER TABLE flights ADD COLUMN period_leg INTEGER NOT NULL DEFAULT 0;
  `,
};
