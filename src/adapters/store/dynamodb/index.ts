import type { Config } from '../../../config.js';
import { type Clock, systemClock } from '../../../ports/clock.js';
import type { StoreBackend } from '../../../ports/store-backend.js';
import { AppendSignal } from '../append-signal.js';
import { DynamoAnalyticsStore } from './analytics-store.js';
import { DynamoApiKeyStore } from './api-key-store.js';
import { DynamoBookingStore } from './booking-store.js';
import { DynamoDeadLetterStore } from './dead-letter-store.js';
import { DynamoTable } from './dynamo-table.js';
import { DynamoFareFilings } from './fare-filings.js';
import { DynamoHotelImports } from './hotel-imports.js';
import { DynamoInventoryStore } from './inventory-store.js';
import { DynamoInventoryUpdates } from './inventory-updates.js';
import { DynamoIssuerKeyStorage } from './issuer-key-storage.js';
import { DynamoOutbox } from './outbox.js';
import { DynamoProcessedEvents } from './processed-events.js';
import { DynamoScheduleStore } from './schedule-store.js';
import { ensureTable } from './table-schema.js';
import type { RetryPolicy } from './throttling.js';

export type DynamoDbStoreConfig = Pick<
  Config,
  'dynamodbTable' | 'dynamodbEndpoint' | 'dynamodbCreateTable' | 'dynamodbBookingWrites'
>;

import { DynamoWebhookDeadLetterStore } from './webhook-dead-letter-store.js';
import { DynamoWebhookDeliveryStore } from './webhook-delivery-store.js';
import { DynamoWebhookEndpointStore } from './webhook-endpoint-store.js';
/** The DynamoDB backend, with its table for tests and tools that look at items directly. */
export interface DynamoDbStore extends StoreBackend {
  readonly name: 'dynamodb';
  readonly table: DynamoTable;
}

/** Options a deployment does not set: tests shorten the throttling retries. */
export interface DynamoDbStoreOptions {
  retry?: RetryPolicy;
}

/**
 * The DynamoDB backend: every port on one single table (docs/adr/0013-dynamodb-single-table.md).
 * Region and credentials come from the AWS SDK's standard environment; with DYNAMODB_ENDPOINT set, a
 * local server with fixed local credentials. Opening makes no request: `migrate` checks (and, when
 * DYNAMODB_CREATE_TABLE allows, creates) the table, `ping` reads one item.
 */
export async function openDynamoDbStore(
  config: DynamoDbStoreConfig,
  clock: Clock = systemClock,
  options: DynamoDbStoreOptions = {},
): Promise<DynamoDbStore> {
  const table = new DynamoTable({
    tableName: config.dynamodbTable,
    endpoint: config.dynamodbEndpoint,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const signal = new AppendSignal();
  const mode = config.dynamodbBookingWrites;
  const inventory = new DynamoInventoryStore(table);
  const create =
    config.dynamodbCreateTable === 'true' ||
    (config.dynamodbCreateTable === 'auto' && config.dynamodbEndpoint !== undefined);
  return {
    name: 'dynamodb',
    table,
    inventory,
    inventoryUpdates: new DynamoInventoryUpdates(table, signal, mode),
    fares: new DynamoFareFilings(table, signal, mode),
    hotelImports: new DynamoHotelImports(table, signal),
    bookings: new DynamoBookingStore(table, signal, mode),
    apiKeys: new DynamoApiKeyStore(table),
    outbox: new DynamoOutbox(table, signal, clock),
    deadLetters: new DynamoDeadLetterStore(table, signal, clock),
    processedEvents: new DynamoProcessedEvents(table, clock),
    issuerKeys: new DynamoIssuerKeyStorage(table),
    analytics: new DynamoAnalyticsStore(table),
    webhookEndpoints: new DynamoWebhookEndpointStore(table),
    webhookDeliveries: new DynamoWebhookDeliveryStore(table),
    webhookDeadLetters: new DynamoWebhookDeadLetterStore(table),
    schedules: new DynamoScheduleStore(table, signal),
    migrate: () => ensureTable(table, create),
    ping: () => inventory.ping(),
    async close() {
      table.close();
    },
  };
}
