import type { AnalyticsService } from '../core/analytics/analytics-service.js';
import type { BookingService } from '../core/bookings/booking-service.js';
import type { Discovery } from '../core/discovery/discovery.js';
import type { MultiCitySearch } from '../core/flights/multi-city-search.js';
import type { ComponentHealth } from '../core/health/readiness.js';
import type { HotelSearch } from '../core/hotels/hotel-search.js';
import type { ImportJobs } from '../core/imports/import-jobs.js';
import type { ImportKind, ImportKindName } from '../core/imports/import-kind.js';
import type { InventoryAdmin } from '../core/inventory/inventory-admin.js';
import type { CachedLocations } from '../core/locations/cached-locations.js';
import type { OfferSeal } from '../core/offers/offer-seal.js';
import type { PriceConfirmation } from '../core/offers/price-confirmation.js';
import type { SearchResults } from '../core/search/search-results.js';
import type { SupplierFlightSearch } from '../core/suppliers/supplier-flight-search.js';
import type { WebhookEndpoints } from '../core/webhooks/webhook-endpoints.js';
import type { Clock } from '../ports/clock.js';
import type { SupplierCircuit } from '../ports/supplier.js';
import type { Tracer } from '../ports/tracer.js';

export type { ComponentHealth } from '../core/health/readiness.js';
export type { LocationLookup } from '../core/locations/cached-locations.js';

/** The use cases the HTTP layer calls; built by the composition root. */
export interface ApiServices {
  locations: CachedLocations;
  /** Flight search across the configured suppliers. */
  flights: Pick<SupplierFlightSearch, 'page' | 'peek' | 'search' | 'cacheKey'>;
  /** Multi-city and open-jaw journeys, combined from the one-way searches of `flights`. */
  journeys: MultiCitySearch;
  /** Circuit-breaker state of each remote supplier (none when only the own inventory is enabled). */
  supplierCircuits(): Record<string, SupplierCircuit>;
  hotels: HotelSearch;
  /** Answers of the Amadeus discovery APIs from the inventory: routes, fare aggregates, seats, hotel look-ups. */
  discovery: Discovery;
  offers: PriceConfirmation;
  /** Seals offers that clients send back whole (the Amadeus-compatible routes). */
  offerSeal: OfferSeal;
  searchResults: SearchResults;
  /** Booking, reading and cancelling (routes registered only with the gateway: they need a bearer token). */
  bookings: BookingService;
  /** Operators' bulk fare and availability updates. */
  inventoryAdmin: InventoryAdmin;
  /** A fresh import of a kind (`travel-platform import`, `POST /v1/admin/imports`); undefined when this build lacks it. */
  imports(kind: ImportKindName): ImportKind | undefined;
  /** Imports started over HTTP, their state kept in the store for every instance to answer. */
  importJobs: ImportJobs;
  /** Analytics, cost and the dashboard's data; absent with ANALYTICS=off. */
  analytics?: AnalyticsService | undefined;
  /** Webhook endpoints, their delivery log and replay (routes registered only with the gateway). */
  webhooks?: WebhookEndpoints | undefined;
  /** Spans for each request; absent when tracing is off. */
  tracer?: Tracer | undefined;
  /** The platform's time: default dates and timestamps in answers read it, so tests can set it. */
  clock: Clock;
  /** Health of each dependency, for /health/ready. */
  readiness(): Promise<Record<string, ComponentHealth>>;
}
