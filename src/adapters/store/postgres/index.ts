import type { Config } from '../../../config.js';
import { type Clock, systemClock } from '../../../ports/clock.js';
import type { StoreBackend } from '../../../ports/store-backend.js';
import { PostgresAnalyticsStore } from './analytics-store.js';
import { PostgresApiKeyStore } from './api-key-store.js';
import { PostgresBookingStore } from './booking-store.js';
import { type AppendEvents, createPool, guarded, type PostgresConnectionOptions } from './connection.js';
import { PostgresDeadLetterStore } from './dead-letter-store.js';
import { PostgresFareFilings } from './fare-filings.js';
import { PostgresHotelImports } from './hotel-imports.js';
import { PostgresInventoryStore } from './inventory-store.js';
import { PostgresInventoryUpdates } from './inventory-updates.js';
import { PostgresIssuerKeyStorage } from './issuer-key-storage.js';
import { migrateSchema } from './migrate.js';
import { appendToOutbox, OutboxAppends, PostgresOutbox } from './outbox.js';
import { PostgresProcessedEvents } from './processed-events.js';
import { PostgresScheduleStore } from './schedule-store.js';

export type PostgresStoreConfig = Pick<
  Config,
  'databaseUrl' | 'pgSchema' | 'pgPoolSize' | 'pgStatementTimeoutMs' | 'pgConnectTimeoutMs'
>;

import { PostgresWebhookDeadLetterStore } from './webhook-dead-letter-store.js';
import { PostgresWebhookDeliveryStore } from './webhook-delivery-store.js';
import { PostgresWebhookEndpointStore } from './webhook-endpoint-store.js';
/** The PostgreSQL backend; `schema` is where its tables live (tests drop it afterwards). */
export interface PostgresStore extends StoreBackend {
  readonly name: 'postgres';
  readonly schema: string;
}

/**
 * The clustered backend: every port on one connection pool to one PostgreSQL database, tables in
 * the configured schema. Several API processes share it: bookings and inventory updates commit with
 * their outbox rows in one transaction, and one relay at a time (the outbox lease) publishes them,
 * woken by NOTIFY from whichever process appended. Opening connects lazily: the first query (usually
 * `migrate()` at start) rejects with StoreUnavailableError when the server cannot be reached.
 */
export async function openPostgresStore(
  config: PostgresStoreConfig,
  clock: Clock = systemClock,
): Promise<PostgresStore> {
  const connection: PostgresConnectionOptions = {
    url: config.databaseUrl,
    schema: config.pgSchema,
    poolSize: config.pgPoolSize,
    statementTimeoutMs: config.pgStatementTimeoutMs,
    connectTimeoutMs: config.pgConnectTimeoutMs,
  };
  const pool = createPool(connection);
  const schema = connection.schema;
  const inventory = new PostgresInventoryStore(pool);
  const appends = new OutboxAppends(schema);
  const outbox = new PostgresOutbox(pool, connection, clock, appends);
  const appendEvents: AppendEvents = (client, events) => appendToOutbox(client, appends, events, clock.now());
  let closed: Promise<void> | undefined;
  return {
    name: 'postgres',
    schema,
    inventory,
    inventoryUpdates: new PostgresInventoryUpdates(pool, appendEvents),
    fares: new PostgresFareFilings(pool, appendEvents),
    hotelImports: new PostgresHotelImports(pool, appendEvents),
    bookings: new PostgresBookingStore(pool, appendEvents),
    apiKeys: new PostgresApiKeyStore(pool),
    outbox,
    deadLetters: new PostgresDeadLetterStore(pool, appendEvents, clock),
    processedEvents: new PostgresProcessedEvents(pool, clock),
    issuerKeys: new PostgresIssuerKeyStorage(pool),
    analytics: new PostgresAnalyticsStore(pool),
    webhookEndpoints: new PostgresWebhookEndpointStore(pool),
    webhookDeliveries: new PostgresWebhookDeliveryStore(pool),
    webhookDeadLetters: new PostgresWebhookDeadLetterStore(pool),
    schedules: new PostgresScheduleStore(pool, appendEvents),
    migrate: () =>
      guarded(`migrate schema ${schema} of PostgreSQL at ${describeServer(config.databaseUrl)}`, () =>
        migrateSchema(pool, schema),
      ),
    async ping() {
      await guarded('reach PostgreSQL', () => pool.query('SELECT 1'));
    },
    close() {
      closed ??= (async () => {
        await outbox.close();
        await pool.end().catch(() => {});
      })();
      return closed;
    },
  };
}

/** Host, port and database of a connection URL, without credentials, for error messages. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured URL';
  }
}
