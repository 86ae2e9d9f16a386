import type { Config } from '../config.js';
import { RecentInvalidations } from '../core/cache/recent-invalidations.js';
import type { OutboxRelay } from '../core/events/outbox-relay.js';
import type { DayWindowTimetable } from '../core/flights/timetable/day-window-timetable.js';
import type { LiveTimetable } from '../core/flights/timetable/live-timetable.js';
import type { ApiServices } from '../http/services.js';
import type { AirportDirectory } from '../ports/airports.js';
import type { BookingStore } from '../ports/bookings.js';
import type { Cache } from '../ports/cache.js';
import type { Clock } from '../ports/clock.js';
import type { DeadLetterStore } from '../ports/dead-letters.js';
import type { CloudEvent, EventBus } from '../ports/events.js';
import type { Outbox } from '../ports/outbox.js';
import type { ProcessedEvents } from '../ports/processed-events.js';
import type { InventoryStore } from '../ports/store.js';
import type { StoreBackend } from '../ports/store-backend.js';
import type { Tracer } from '../ports/tracer.js';
import type { WebhookTransport } from '../ports/webhook-transport.js';
import type { SearchPool } from '../search-threads/pool.js';
import { type AnalyticsComponents, createAnalyticsComponents } from './analytics.js';
import { createCacheInvalidation, relieveMemory, withSnapshots } from './cache.js';
import { EVENT_SOURCE } from './event-source.js';
import { createRelay, invalidationGroupOf } from './events.js';
import { createGatewayComponents, type GatewayComponents } from './gateway.js';
import { prewarm, pruneProcessedEvents } from './housekeeping.js';
import { Lifecycle } from './lifecycle.js';
import { openPorts } from './ports.js';
import { createSearches, createSearchResults, startSearchThreads } from './search.js';
import { createServices } from './services.js';
import { createDayWindowTimetable, createTimetableComponents } from './timetable.js';
import { createWebhookComponents, type WebhookComponents } from './webhooks.js';

/** Everything a running travel-platform is made of, wired from configuration. */
export interface Platform {
  config: Config;
  airports: AirportDirectory;
  /** Every store-backed port of the configured backend (STORE). */
  backend: StoreBackend;
  store: InventoryStore;
  cache: Cache;
  services: ApiServices;
  /** API keys, usage plans, rate limits and bearer tokens. */
  gateway: GatewayComponents;
  bookings: BookingStore;
  /** The outbox, the bus it is relayed to, and what consumers need to be idempotent. */
  events: PlatformEvents;
  /** Threads running origin searches off the event loop; undefined when searches run on it. */
  searchPool: SearchPool | undefined;
  /** The in-memory timetable flight searches read (SEARCH_INDEX=memory); undefined with the store. */
  timetable: LiveTimetable | undefined;
  /** The index of only the days searches ask for (SEARCH_INDEX=days, Lambda); undefined otherwise. */
  timetableDays: DayWindowTimetable | undefined;
  /** Request and event analytics; undefined with ANALYTICS=off. */
  analytics: AnalyticsComponents | undefined;
  /** Spans of this instance; undefined when tracing is off. */
  tracer: Tracer | undefined;
  /** Webhook intake, dispatcher and endpoints API. */
  webhooks: WebhookComponents;
  /**
   * Starts the background work of a serving instance in the lifecycle's order (createPlatform):
   * this instance's cache-invalidation consumer before the outbox relay, prewarming last. CLI
   * commands that only read or write the store skip it.
   */
  start(): Promise<void>;
  /** Stops the background work and closes every connection, in the reverse of that order. */
  close(): Promise<void>;
}

/** The event side of the platform (docs/ARCHITECTURE.md, "Events"). */
export interface PlatformEvents {
  bus: EventBus;
  outbox: Outbox;
  relay: OutboxRelay;
  deadLetters: DeadLetterStore;
  processed: ProcessedEvents;
  /** Consumer group (and processed-marks name) of this instance's cache invalidation. */
  invalidationGroup: string;
  /** The work of cache invalidation for one event, for consumers the bus does not drive (Lambda). */
  invalidate: (event: CloudEvent) => Promise<void>;
}

export interface PlatformOverrides {
  clock?: Clock;
  /**
   * Whether start brings the store's schema up to date (default true). False where something else
   * owns the schema — the AWS stack owns the DynamoDB table — so a Lambda cold start does not pay
   * a DescribeTable round trip each time.
   */
  migrate?: boolean;
  /** A tracer to use instead of the one configuration picks (tests export spans in memory). */
  tracer?: Tracer;
  /** How webhooks are sent, instead of HTTP with the SSRF rules (tests). */
  webhookTransport?: WebhookTransport;
}

/**
 * The composition root: the one place that picks adapters by configuration and hands them to the
 * core's use cases. HTTP, CLI and Lambda entry points all start here. Each concern is wired by its
 * own function in this folder; the lifecycle list at the end is the start order (close: reversed).
 */
export async function createPlatform(config: Config, overrides: PlatformOverrides = {}): Promise<Platform> {
  const w = await openPorts(config, overrides);
  const { backend, clock, bus } = w;
  const gateway = await createGatewayComponents(config, backend, clock, w.secret);
  const caches = withSnapshots(w);
  const transport = overrides.webhookTransport;
  const webhooks = createWebhookComponents(config, {
    ...w,
    eventSource: EVENT_SOURCE,
    ...(transport ? { transport } : {}),
  });
  const relay = createRelay(w, webhooks);
  const group = invalidationGroupOf(config);
  const pool = await startSearchThreads(w);
  const recent = new RecentInvalidations(clock, config.requestTimeoutMs * 2);
  const analytics = createAnalyticsComponents(config, {
    ...w,
    settings: backend.inventory,
    eventSource: EVENT_SOURCE,
    consumerName: group,
  });
  const results = createSearchResults(w, { caches, recent });
  gateway.options.hardening.relieveMemory = relieveMemory(caches, results);
  const timetable = createTimetableComponents(config, {
    ...w,
    ...(pool ? { share: (layout) => pool.shareTimetable(layout) } : {}),
  });
  const timetableDays = createDayWindowTimetable(config, w);
  const searches = createSearches(w, { caches, results, recent, pool, timetable, timetableDays });
  const index = timetable?.timetable;
  const invalidation = createCacheInvalidation(w, {
    recent,
    searchResults: results,
    timetable: index,
    group,
  });
  const services = createServices(w, {
    searches,
    results,
    afterCommit: invalidation.afterCommit,
    analytics: analytics?.service,
    webhooks,
  });
  // Started in this order, closed in reverse (lifecycle.ts): each part relies on those before it.
  const lifecycle = new Lifecycle([
    { close: () => w.tracer?.close() },
    { close: () => backend.close() },
    caches,
    pool,
    gateway,
    { close: () => bus.close() },
    invalidation,
    timetable && { start: () => timetable.start(), close: () => timetable.stop() },
    timetableDays && { close: () => timetableDays.close() },
    analytics,
    {
      start: () => config.webhooks === 'on' && webhooks.dispatcher.start(),
      close: () => webhooks.dispatcher.stop(),
    },
    relay.running,
    relay.wakeUps,
    searches.suppliers,
    searches.settling,
    pruneProcessedEvents(w),
    prewarm(w, { searches, results, pool }),
  ]);
  const { outbox, deadLetters, processedEvents: processed } = backend;
  return {
    ...{ config, airports: w.airports, backend, store: w.store, cache: w.cache, bookings: w.bookings },
    ...{ services, gateway, searchPool: pool, timetable: index, timetableDays, analytics, webhooks },
    tracer: w.tracer,
    events: {
      bus,
      outbox,
      relay: relay.relay,
      deadLetters,
      processed,
      invalidationGroup: group,
      invalidate: invalidation.invalidate,
    },
    start: () => lifecycle.start(),
    close: () => lifecycle.close(),
  };
}
