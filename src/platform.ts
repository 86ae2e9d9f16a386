import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { pino } from 'pino';
import { loadAirportDirectory } from './adapters/airports/openflights.js';
import { createCache } from './adapters/cache/index.js';
import { createMemoryCache } from './adapters/cache/memory.js';
import { createEventBus } from './adapters/events/create-event-bus.js';
import { createStore } from './adapters/store/create-store.js';
import type { Config } from './config.js';
import { BookingService } from './core/bookings/booking-service.js';
import { cacheInvalidation } from './core/cache/cache-invalidation.js';
import { RecentInvalidations } from './core/cache/recent-invalidations.js';
import { locationsCacheKey } from './core/cache/search-cache-keys.js';
import { idempotentConsumer } from './core/events/idempotent-consumer.js';
import { OutboxRelay } from './core/events/outbox-relay.js';
import { FlightSearch } from './core/flights/flight-search.js';
import { HotelSearch } from './core/hotels/hotel-search.js';
import { InventoryAdmin } from './core/inventory/inventory-admin.js';
import { LocationSearch } from './core/locations/location-search.js';
import { OfferSeal } from './core/offers/offer-seal.js';
import { PriceConfirmation } from './core/offers/price-confirmation.js';
import { TokenSigner } from './core/offers/signed-token.js';
import { SearchResults } from './core/search/search-results.js';
import { DEFAULT_WORK_LIMITS, type WorkLimits } from './core/search/work-budget.js';
import { createGatewayComponents, type GatewayComponents } from './gateway-components.js';
import type { ApiServices, ComponentHealth } from './http/services.js';
import type { AirportDirectory } from './ports/airports.js';
import type { BookingStore } from './ports/bookings.js';
import type { Cache } from './ports/cache.js';
import { type Clock, systemClock } from './ports/clock.js';
import type { DeadLetterStore } from './ports/dead-letters.js';
import type { CloudEvent, EventBus, Subscription } from './ports/events.js';
import type { Outbox } from './ports/outbox.js';
import type { ProcessedEvents } from './ports/processed-events.js';
import type { InventoryStore } from './ports/store.js';
import type { StoreBackend } from './ports/store-backend.js';

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
  /**
   * Starts the background work of a serving instance: subscribes this instance's cache-invalidation
   * consumer, then starts the outbox relay. CLI commands that only read or write the store skip it.
   */
  start(): Promise<void>;
  /** Stops the relay and consumers, then closes every connection. */
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
}

/** CloudEvents `source` of everything the API emits. */
const EVENT_SOURCE = '/travel-platform/api';
/** Processed-event marks older than this are forgotten; redelivery never comes that late. */
const PROCESSED_RETENTION_MS = 7 * 86_400_000;
const PRUNE_PROCESSED_EVERY_MS = 3_600_000;

const SIGNING_SECRET_SETTING = 'offer-signing-secret';
/** Longest a readiness probe waits for the store before calling it down. */
const STORE_PING_DEADLINE_MS = 2_000;

/**
 * The composition root: the one place that picks adapters by configuration and hands them to the
 * core's use cases. HTTP, CLI and Lambda entry points all start here.
 */
export async function createPlatform(config: Config, overrides: PlatformOverrides = {}): Promise<Platform> {
  const clock = overrides.clock ?? systemClock;
  const airports = await loadAirportDirectory();
  const backend = await openStore(config, clock, overrides.migrate ?? true);
  const store = backend.inventory;
  const secret = config.offerSigningSecret ?? (await signingSecret(store));
  const gateway = await createGatewayComponents(config, backend, clock, secret);
  const cache = await createCache(config);
  const log = pino({ level: config.logLevel, name: 'travel-platform' });
  const { outbox, deadLetters, processedEvents: processed } = backend;
  const bus = await createEventBus(config, (error) => log.warn({ err: error }, 'event bus error'));
  const relay = new OutboxRelay({
    outbox,
    bus,
    pollMs: config.outboxPollMs,
    onError: (error) => log.warn({ err: error }, 'outbox relay round failed; retrying'),
  });
  const bookingStore = backend.bookings;
  const invalidationGroup = `cache-invalidation.${config.instanceId || `${hostname()}-${process.pid}`}`;
  // Paging needs the snapshot behind a cursor even when result caching is off.
  const snapshots =
    config.cacheBackend === 'none'
      ? createMemoryCache({
          maxEntries: config.cacheMaxEntries,
          maxBytes: config.cacheMaxBytes,
          keyPrefix: 'snapshots',
        })
      : cache;
  const signer = new TokenSigner(secret);
  const offerTtlMs = config.offerTtlSeconds * 1000;
  const shared = {
    store,
    airports,
    clock,
    signer,
    offerTtlMs,
    maxResults: config.maxSearchResults,
    workLimits: searchWorkLimits(config.requestTimeoutMs),
  };
  const offers = new PriceConfirmation(shared);
  const recentInvalidations = new RecentInvalidations(clock, config.requestTimeoutMs * 2);

  const searchResults = new SearchResults({
    cache,
    snapshots,
    signer,
    clock,
    ttlMs: (kind) =>
      (kind === 'hotels' ? config.cacheTtlHotelSearchSeconds : config.cacheTtlFlightSearchSeconds) * 1000,
    graceMs: config.cacheGraceSeconds * 1000,
    snapshotTtlMs: config.searchSnapshotTtlSeconds * 1000,
    recentInvalidations,
  });

  const services: ApiServices = {
    locations: cachedLocations(new LocationSearch(airports), cache, config.cacheTtlLocationsSeconds * 1000),
    flights: new FlightSearch({ ...shared, results: searchResults }),
    hotels: new HotelSearch({ ...shared, results: searchResults }),
    offers,
    offerSeal: new OfferSeal(secret),
    bookings: new BookingService({
      store: bookingStore,
      offers,
      clock,
      eventSource: EVENT_SOURCE,
      // Far longer than any request may run, so only a dead process's key is ever taken over.
      idempotencyLeaseMs: Math.max(60_000, config.requestTimeoutMs * 3),
      idempotencyRetentionMs: config.idempotencyKeyTtlHours * 3_600_000,
    }),
    inventoryAdmin: new InventoryAdmin({
      store,
      updates: backend.inventoryUpdates,
      clock,
      eventSource: EVENT_SOURCE,
    }),
    searchResults,
    readiness: async () => {
      const checks: Record<string, ComponentHealth> = {};
      // A store behind a dead network path may never answer: no answer in time is "down" too.
      checks.store = await withDeadline(backend.ping(), STORE_PING_DEADLINE_MS).then(
        () => 'ok' as const,
        () => 'down' as const,
      );
      checks.cache = await cache.health().catch(() => 'degraded' as const);
      // Degraded, not down: bookings and searches still work (events wait in the outbox), only
      // cache invalidation lags; taking every instance out of the balancer would be worse.
      checks.bus = (await bus.health()).ok ? 'ok' : 'degraded';
      return checks;
    },
  };

  const invalidate = cacheInvalidation(cache, recentInvalidations);
  let subscription: Subscription | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let started: Promise<void> | undefined;
  const start = async (): Promise<void> => {
    // Subscribed before the relay runs, so this instance's group sees everything relayed after start.
    if (config.cacheInvalidation === 'events')
      subscription = await bus.subscribe(
        invalidationGroup,
        idempotentConsumer({
          name: invalidationGroup,
          handle: invalidate,
          processed,
          deadLetters,
          maxAttempts: config.eventMaxAttempts,
          retryBaseMs: config.eventRetryBaseMs,
          onRetry: (event, attempt, error) =>
            log.warn({ err: error, eventId: event.id, attempt }, 'cache invalidation failed; retrying'),
          onParked: (letter) => log.error({ deadLetter: letter.id }, 'cache invalidation parked an event'),
        }),
      );
    relay.start();
    pruneTimer = setInterval(() => {
      processed.prune(clock.now() - PROCESSED_RETENTION_MS).catch((error: unknown) => {
        log.warn({ err: error }, 'pruning processed events failed');
      });
    }, PRUNE_PROCESSED_EVERY_MS);
    pruneTimer.unref();
  };

  return {
    config,
    airports,
    backend,
    store,
    cache,
    services,
    gateway,
    bookings: bookingStore,
    events: { bus, outbox, relay, deadLetters, processed, invalidationGroup, invalidate },
    start() {
      started ??= start();
      return started;
    },
    async close() {
      clearInterval(pruneTimer);
      await relay.stop();
      await subscription?.close();
      await bus.close();
      await gateway.options.limiter.close();
      await gateway.options.meter.close();
      if (snapshots !== cache) await snapshots.close();
      await cache.close();
      await backend.close();
    },
  };
}

/**
 * The work budget of one search: its deadline leaves a fifth of the request timeout to price, sign
 * and send what it found, so a search at its budget still answers within the timeout.
 */
function searchWorkLimits(requestTimeoutMs: number): WorkLimits {
  return { ...DEFAULT_WORK_LIMITS, timeMs: Math.floor(requestTimeoutMs * 0.8) };
}

/** Location lookups through the cache: the answer depends only on the query and the bundled data. */
function cachedLocations(locations: LocationSearch, cache: Cache, ttlMs: number): ApiServices['locations'] {
  return {
    async search(query, limit) {
      const result = await cache.getOrSet(
        locationsCacheKey(query, limit),
        async () => locations.search(query, limit),
        {
          ttlMs,
        },
      );
      return { data: result.entry.value, cache: result.outcome };
    },
  };
}

/** The configured store backend with its schema brought up to date; closed again when that fails. */
async function openStore(config: Config, clock: Clock, migrate: boolean): Promise<StoreBackend> {
  const backend = await createStore(config, clock);
  try {
    if (migrate) await backend.migrate();
    return backend;
  } catch (error) {
    await backend.close();
    throw error;
  }
}

/** The signing secret kept in the store, so offer ids stay valid across restarts and processes. */
async function signingSecret(store: InventoryStore): Promise<string> {
  const known = await store.getSetting(SIGNING_SECRET_SETTING);
  if (known) return known;
  const secret = randomBytes(32).toString('base64url');
  await store.setSetting(SIGNING_SECRET_SETTING, secret);
  return (await store.getSetting(SIGNING_SECRET_SETTING)) ?? secret;
}

/** `work`, or a rejection once `ms` have passed without it settling. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
