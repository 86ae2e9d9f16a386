import { idempotencyLeaseMs } from '../config.js';
import type { AnalyticsService } from '../core/analytics/analytics-service.js';
import { BookingService } from '../core/bookings/booking-service.js';
import { readinessCheck } from '../core/health/readiness.js';
import { ImportJobs } from '../core/imports/import-jobs.js';
import type { ImportKindName } from '../core/imports/import-kind.js';
import { createImportKind } from '../core/imports/import-registry.js';
import { InventoryAdmin } from '../core/inventory/inventory-admin.js';
import { OfferSeal } from '../core/offers/offer-seal.js';
import type { SearchResults } from '../core/search/search-results.js';
import type { ApiServices } from '../http/services.js';
import type { CloudEvent } from '../ports/events.js';
import { EVENT_SOURCE } from './event-source.js';
import type { Wiring } from './ports.js';
import type { Searches } from './search.js';
import type { WebhookComponents } from './webhooks.js';

/** Longest a readiness probe waits for the store before calling it down. */
const STORE_PING_DEADLINE_MS = 2_000;

/** What the use cases below are built over, beyond the ports. */
export interface ServiceParts {
  searches: Searches;
  results: SearchResults;
  /** Cache invalidation of this instance's own changes, once committed (CACHE_INVALIDATION=events). */
  afterCommit: ((events: readonly CloudEvent[]) => Promise<void>) | undefined;
  analytics: AnalyticsService | undefined;
  webhooks: WebhookComponents;
}

/** The use cases HTTP (and the CLI, and Lambda) call, over the configured parts. */
export function createServices(w: Wiring, parts: ServiceParts): ApiServices {
  const { config, backend, store, clock, log } = w;
  const { searches, afterCommit } = parts;
  const imports = (kind: ImportKindName) =>
    createImportKind(kind, {
      airports: w.airports,
      backend,
      clock,
      eventSource: EVENT_SOURCE,
      ...(afterCommit ? { afterCommit } : {}),
    });
  return {
    locations: searches.locations,
    flights: searches.flights,
    journeys: searches.journeys,
    supplierCircuits: () => searches.suppliers.circuits(),
    hotels: searches.hotels,
    discovery: searches.discovery,
    offers: searches.offers,
    offerSeal: new OfferSeal(w.secret),
    bookings: new BookingService({
      store: w.bookings,
      offers: searches.offers,
      suppliers: searches.supplierOffers,
      clock,
      eventSource: EVENT_SOURCE,
      idempotencyLeaseMs: idempotencyLeaseMs(config),
      requestTimeoutMs: config.requestTimeoutMs,
      idempotencyRetentionMs: config.idempotencyKeyTtlHours * 3_600_000,
      afterCommit,
    }),
    inventoryAdmin: new InventoryAdmin({
      store,
      updates: backend.inventoryUpdates,
      clock,
      eventSource: EVENT_SOURCE,
      afterCommit,
    }),
    imports,
    importJobs: new ImportJobs({
      imports,
      settings: store,
      clock,
      maxBytes: config.importMaxBytes,
      onError: (error, jobId) => log.warn({ err: error, jobId }, 'could not record the state of an import'),
    }),
    searchResults: parts.results,
    analytics: parts.analytics,
    webhooks: parts.webhooks.endpoints,
    tracer: w.tracer,
    clock,
    readiness: readinessCheck({
      pingStore: () => backend.ping(),
      cache: w.cache,
      bus: w.bus,
      circuits: () => searches.suppliers.circuits(),
      storeDeadlineMs: STORE_PING_DEADLINE_MS,
    }),
  };
}
