import type { AnalyticsStore } from './analytics-store.js';
import type { ApiKeyStore } from './api-keys.js';
import type { BookingStore } from './bookings.js';
import type { DeadLetterStore } from './dead-letters.js';
import type { FareFilings } from './fare-filings.js';
import type { HotelImports } from './hotel-imports.js';
import type { InventoryUpdates } from './inventory-updates.js';
import type { IssuerKeyStorage } from './issuer-keys.js';
import type { Outbox } from './outbox.js';
import type { ProcessedEvents } from './processed-events.js';
import type { ScheduleStore } from './schedules.js';
import type { InventoryStore } from './store.js';
import type { WebhookDeadLetterStore, WebhookDeliveryStore, WebhookEndpointStore } from './webhooks.js';

/** The store backends a deployment can pick with `STORE=`. */
export type StoreBackendName = 'sqlite' | 'postgres' | 'dynamodb';

/**
 * Every store-backed port of one backend, sharing one connection (pool, client) so that writes
 * which must commit together — a booking and its outbox events, an inventory change and its
 * events — do so inside the backend's own transactions.
 *
 * Opened by the backend's `open…Store(config)` function (one per backend folder under
 * `adapters/store/`), which the store factory loads only when configured, so the embedded default
 * never loads a PostgreSQL driver or the AWS SDK.
 */
export interface StoreBackend {
  readonly name: StoreBackendName;
  readonly inventory: InventoryStore;
  readonly inventoryUpdates: InventoryUpdates;
  /** Imported fare filings, by version (`travel-platform import fares`). */
  readonly fares: FareFilings;
  /** Hotels with their room nights, replaced from an import file (`travel-platform import hotels`). */
  readonly hotelImports: HotelImports;
  readonly bookings: BookingStore;
  readonly apiKeys: ApiKeyStore;
  readonly outbox: Outbox;
  readonly deadLetters: DeadLetterStore;
  readonly processedEvents: ProcessedEvents;
  readonly issuerKeys: IssuerKeyStorage;
  /** Analytics rollups; best effort, never part of a booking's transaction. */
  readonly analytics: AnalyticsStore;
  /** Webhook endpoints, deliveries with their attempts, and parked deliveries (ports/webhooks.ts). */
  readonly webhookEndpoints: WebhookEndpointStore;
  readonly webhookDeliveries: WebhookDeliveryStore;
  readonly webhookDeadLetters: WebhookDeadLetterStore;
  /** Schedule imports: staging and the atomic switch of a carrier's flights. */
  readonly schedules: ScheduleStore;
  /**
   * Brings the schema (tables, indices; on DynamoDB the table when allowed) up to date. Safe when
   * several processes run it at once. Rejects with StoreUnavailableError when the store is down.
   */
  migrate(): Promise<void>;
  /** Resolves when the backend answers a trivial request; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Closes every connection; the ports reject afterwards. Never rejects. */
  close(): Promise<void>;
}
