import type { Config } from '../../../config.js';
import { type Clock, systemClock } from '../../../ports/clock.js';
import type { FareFilings } from '../../../ports/fare-filings.js';
import type { InventoryStore } from '../../../ports/store.js';
import type { StoreBackend } from '../../../ports/store-backend.js';
import { SqliteAnalyticsStore } from './analytics-store.js';
import { SqliteApiKeyStore } from './api-key-store.js';
import { SqliteBookingStore } from './booking-store.js';
import { applyMigrations, openSqliteDatabase, type SqliteDatabase } from './database.js';
import { SqliteDeadLetterStore } from './dead-letter-store.js';
import { SqliteFareFilings } from './fare-filings.js';
import { guarded } from './guard.js';
import { SqliteHotelImports } from './hotel-imports.js';
import { SqliteInventoryStore } from './inventory-store.js';
import { SqliteInventoryUpdates } from './inventory-updates.js';
import { SqliteIssuerKeyStorage } from './issuer-key-storage.js';
import { SqliteOutbox } from './outbox.js';
import { SqliteProcessedEvents } from './processed-events.js';
import { openSqliteReadOnly } from './read-only-database.js';
import { SqliteScheduleStore } from './schedule-store.js';
import { SqliteWebhookDeadLetterStore } from './webhook-dead-letter-store.js';
import { SqliteWebhookDeliveryStore } from './webhook-delivery-store.js';
import { SqliteWebhookEndpointStore } from './webhook-endpoint-store.js';

/** The SQLite backend, with what only SQLite tests and tools need: the connection and the outbox's extras. */
export interface SqliteStore extends StoreBackend {
  readonly name: 'sqlite';
  readonly db: SqliteDatabase;
  readonly outbox: SqliteOutbox;
  readonly deadLetters: SqliteDeadLetterStore;
  readonly processedEvents: SqliteProcessedEvents;
}

export type SqliteStoreConfig = Pick<Config, 'sqliteFile'>;

/**
 * The embedded backend: every port on one better-sqlite3 connection to one file, so a booking, an
 * inventory update or a dead-letter replay and its outbox rows commit in one SQLite transaction.
 * Several processes may share the file (WAL, busy timeout); SQLite serialises their writers.
 * Opening applies pending migrations, as the adapters prepare statements against the tables;
 * `migrate` applies any that appeared since (none, in practice) and is safe to repeat.
 * Rejects with StoreUnavailableError when the file cannot be opened.
 */
export async function openSqliteStore(
  config: SqliteStoreConfig,
  clock: Clock = systemClock,
): Promise<SqliteStore> {
  const db = openSqliteDatabase(config.sqliteFile);
  return sqliteStoreOn(db, clock);
}

/**
 * The inventory and the fare filings of an existing SQLite file on a read-only connection of its own,
 * for searches run beside the process's main connection (search threads): WAL lets readers run while
 * it writes, and each read sees the last commit. Throws StoreUnavailableError when the file cannot be
 * opened.
 */
export function openSqliteReadOnlySearchStores(file: string): {
  inventory: InventoryStore;
  fares: FareFilings;
} {
  const db = openSqliteReadOnly(file);
  return { inventory: new SqliteInventoryStore(db), fares: new SqliteFareFilings(db) };
}

/** The backend on an open, migrated connection (tests that need two handles on one file use it). */
export function sqliteStoreOn(db: SqliteDatabase, clock: Clock = systemClock): SqliteStore {
  const outbox = new SqliteOutbox(db, clock);
  const inventory = new SqliteInventoryStore(db);
  return {
    name: 'sqlite',
    db,
    inventory,
    inventoryUpdates: new SqliteInventoryUpdates(db, outbox),
    fares: new SqliteFareFilings(db, outbox),
    hotelImports: new SqliteHotelImports(db, outbox),
    bookings: new SqliteBookingStore(db, outbox),
    apiKeys: new SqliteApiKeyStore(db),
    outbox,
    deadLetters: new SqliteDeadLetterStore(db, outbox, clock),
    processedEvents: new SqliteProcessedEvents(db, clock),
    issuerKeys: new SqliteIssuerKeyStorage(db),
    analytics: new SqliteAnalyticsStore(db),
    webhookEndpoints: new SqliteWebhookEndpointStore(db),
    webhookDeliveries: new SqliteWebhookDeliveryStore(db),
    webhookDeadLetters: new SqliteWebhookDeadLetterStore(db),
    schedules: new SqliteScheduleStore(db, outbox),
    async migrate() {
      guarded('migrate the SQLite schema', () => applyMigrations(db));
    },
    ping: () => inventory.ping(),
    async close() {
      if (db.open) db.close();
    },
  };
}
