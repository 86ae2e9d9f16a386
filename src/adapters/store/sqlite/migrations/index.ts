import { inventorySchema } from './0001-inventory.js';
import { apiKeysSchema } from './0002-api-keys.js';
import { eventsSchema } from './0003-events.js';
import { bookingsSchema } from './0004-bookings.js';
import { analyticsSchema } from './0005-analytics.js';
import { schedulesSchema } from './0006-schedules.js';
import { faresSchema } from './0007-fares.js';
import { hotelImportsSchema } from './0008-hotel-imports.js';
import { webhooksSchema } from './0009-webhooks.js';
import { scheduleStagingSchema } from './0010-schedule-staging.js';
import { schedulePeriodsSchema } from './0011-schedule-periods.js';

/** A forward-only schema change, applied once in `id` order. */
export interface Migration {
  id: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  inventorySchema,
  apiKeysSchema,
  eventsSchema,
  bookingsSchema,
  analyticsSchema,
  schedulesSchema,
  faresSchema,
  hotelImportsSchema,
  webhooksSchema,
  scheduleStagingSchema,
  schedulePeriodsSchema,
];
