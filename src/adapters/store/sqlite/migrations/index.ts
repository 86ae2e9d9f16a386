import { inventorySchema } from './0001-inventory.js';
import { apiKeysSchema } from './0002-api-keys.js';
import { eventsSchema } from './0003-events.js';

/** A forward-only schema change, applied once in `id` order. */
export interface Migration {
  id: string;
  sql: string;
}

export const migrations: readonly Migration[] = [inventorySchema, apiKeysSchema, eventsSchema];
