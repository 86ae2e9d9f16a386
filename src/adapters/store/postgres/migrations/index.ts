import { initialSchema } from './0001-initial.js';
import { analyticsSchema } from './0002-analytics.js';
import { schedulesSchema } from './0003-schedules.js';
import { faresSchema } from './0004-fares.js';
import { hotelImportsSchema } from './0005-hotel-imports.js';
import { webhooksSchema } from './0006-webhooks.js';
import { scheduleStagingSchema } from './0007-schedule-staging.js';
import { schedulePeriodsSchema } from './0008-schedule-periods.js';

/** A forward-only schema change, applied once in `id` order inside one transaction. */
export interface PostgresMigration {
  id: string;
  sql: string;
}

export const migrations: readonly PostgresMigration[] = [
  initialSchema,
  analyticsSchema,
  schedulesSchema,
  faresSchema,
  hotelImportsSchema,
  webhooksSchema,
  scheduleStagingSchema,
  schedulePeriodsSchema,
];
