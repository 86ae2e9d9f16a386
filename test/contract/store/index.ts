import { describeAnalyticsStoreContract } from './analytics-store.contract.js';
import { describeApiKeyStoreContract } from './api-key-store.contract.js';
import { describeStoreBackendLifecycleContract } from './backend.contract.js';
import { describeBookingStoreContract } from './booking-store.contract.js';
import { describeDeadLetterStoreContract } from './dead-letter-store.contract.js';
import { describeFareFilingsContract } from './fare-filings.contract.js';
import { describeHotelImportsContract } from './hotel-imports.contract.js';
import { describeInventoryStoreContract } from './inventory-store.contract.js';
import { describeInventoryUpdatesContract } from './inventory-updates.contract.js';
import { describeIssuerKeyStorageContract } from './issuer-key-storage.contract.js';
import { describeOutboxContract } from './outbox.contract.js';
import { describeProcessedEventsContract } from './processed-events.contract.js';
import { describeScheduleStoreContract } from './schedule-store.contract.js';
import type { StoreBackendTarget } from './target.js';
import { describeWebhookStoresContract } from './webhook-stores.contract.js';

export type { StoreBackendTarget } from './target.js';

/**
 * Every store contract suite against one backend. A backend's test file is just:
 *
 *   describeStoreContracts({ name: 'postgres', open: () => openPostgresStore(...), dispose: ... });
 */
export function describeStoreContracts(target: StoreBackendTarget): void {
  describeStoreBackendLifecycleContract(target);
  describeInventoryStoreContract(target);
  describeInventoryUpdatesContract(target);
  describeFareFilingsContract(target);
  describeHotelImportsContract(target);
  describeBookingStoreContract(target);
  describeApiKeyStoreContract(target);
  describeOutboxContract(target);
  describeDeadLetterStoreContract(target);
  describeProcessedEventsContract(target);
  describeIssuerKeyStorageContract(target);
  describeAnalyticsStoreContract(target);
  describeWebhookStoresContract(target);
  describeScheduleStoreContract(target);
}
