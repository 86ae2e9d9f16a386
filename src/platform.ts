import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Value } from '@sinclair/typebox/value';
import { pino } from 'pino';
import { loadAirportDirectory } from './adapters/airports/openflights.js';
import { createCache } from './adapters/cache/index.js';
import { createMemoryCache } from './adapters/cache/memory.js';
import { ClusterRelayedEventBus, shareOutboxAppends } from './adapters/events/cluster-relayed.js';
import { createEventBus } from './adapters/events/create-event-bus.js';
import { createStore } from './adapters/store/create-store.js';
import { type AnalyticsComponents, createAnalyticsComponents } from './analytics-components.js';
import { type Config, idempotencyLeaseMs } from './config.js';
import { BookingService } from './core/bookings/booking-service.js';
import { cacheInvalidation } from './core/cache/cache-invalidation.js';
import { InvalidationAtCommit } from './core/cache/invalidation-at-commit.js';
import { RecentInvalidations } from './core/cache/recent-invalidations.js';
import { locationsCacheKey } from './core/cache/search-cache-keys.js';
import { createDiscovery } from './core/discovery/discovery.js';
import { idempotentConsumer } from './core/events/idempotent-consumer.js';
import { OutboxRelay } from './core/events/outbox-relay.js';
import { FlightSearch } from './core/flights/flight-search.js';
import type { DayWindowTimetable } from './core/flights/timetable/day-window-timetable.js';
import type { LiveTimetable } from './core/flights/timetable/live-timetable.js';
import { timetableFirst } from './core/flights/timetable/timetable-events.js';
import { HotelSearch } from './core/hotels/hotel-search.js';
import { ImportJobs } from './core/imports/import-jobs.js';
import type { ImportKindName } from './core/imports/import-kind.js';
import { createImportKind } from './core/imports/import-registry.js';
import { InventoryAdmin } from './core/inventory/inventory-admin.js';
import type { LocationView } from './core/locations/location-search.js';
import { LocationSearch } from './core/locations/location-search.js';
import { OfferSeal } from './core/offers/offer-seal.js';
import { PriceConfirmation } from './core/offers/price-confirmation.js';
import { TokenSigner } from './core/offers/signed-token.js';
import {
  halfOfBusyPool,
  type PrewarmDependencies,
  type PrewarmPace,
  prewarmPopularSearches,
  prewarmRouteDates,
  type RouteDate,
  rememberPopularSearches,
  routeDates,
} from './core/search/prewarm.js';
import type { FlightSearchQuery as FlightQuery } from './core/search/request-rules.js';
import { SearchResults } from './core/search/search-results.js';
import { DEFAULT_WORK_LIMITS, type WorkLimits } from './core/search/work-budget.js';
import { SupplierFlightSearch } from './core/suppliers/supplier-flight-search.js';
import { SupplierOffers } from './core/suppliers/supplier-offers.js';
import { withWebhookIntake } from './core/webhooks/webhook-intake.js';
import { EVENT_SOURCE } from './event-source.js';
import { createGatewayComponents, type GatewayComponents } from './gateway-components.js';
import { FlightSearchQuery } from './http/schemas/flights.js';
import type { ApiServices, ComponentHealth } from './http/services.js';
import type { AirportDirectory } from './ports/airports.js';
import type { BookingStore } from './ports/bookings.js';
import type { Cache } from './ports/cache.js';
import { type Clock, systemClock } from './ports/clock.js';
import type { DeadLetterStore } from './ports/dead-letters.js';
import type { CloudEvent, EventBus, Subscription } from './ports/events.js';
import type { Outbox } from './ports/outbox.js';
import { PROCESSED_EVENT_RETENTION_MS, type ProcessedEvents } from './ports/processed-events.js';
import type { InventoryStore } from './ports/store.js';
import type { StoreBackend } from './ports/store-backend.js';
import type { Tracer } from './ports/tracer.js';
import type { WebhookTransport } from './ports/webhook-transport.js';
import type { SearchPool } from './search-threads/pool.js';
import { PooledFlightSearch, PooledHotelSearch } from './search-threads/pooled-searches.js';
import { startSearchPool } from './search-threads/start.js';
import { createSupplierComponents } from './supplier-components.js';
import { createDayWindowTimetable, createTimetableComponents } from './timetable-components.js';
import { createTracer, tracedPorts } from './tracing-components.js';
import { createWebhookComponents, type WebhookComponents } from './webhook-components.js';

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
  /** A tracer to use instead of the one configuration picks (tests export spans in memory). */
  tracer?: Tracer;
  /** How webhooks are sent, instead of HTTP with the SSRF rules (tests). */
  webhookTransport?: WebhookTransport;
}

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
  const secret = config.offerSigningSecret ?? (await signingSecret(backend.inventory));
  const gateway = await createGatewayComponents(config, backend, clock, secret);
  const log = pino({ level: config.logLevel, name: 'travel-platform' });
  const { outbox, deadLetters, processedEvents: processed } = backend;
  // Tracing: when on, the ports the use cases call run each call in a span; when off, untouched.
  const tracer = overrides.tracer ?? (await createTracer(config));
  const createdBus = await createEventBus(config, (error) => log.warn({ err: error }, 'event bus error'));
  // Workers of one cluster (WORKERS) without a Redis bus pass events to each other over IPC.
  const clusterBus =
    cluster.isWorker && config.eventBus === 'in-process'
      ? new ClusterRelayedEventBus(createdBus, (error) =>
          log.warn({ err: error }, 'cluster event relay error'),
        )
      : createdBus;
  const untraced = {
    cache: await createCache(config),
    inventory: backend.inventory,
    bookings: backend.bookings,
    bus: clusterBus,
  };
  const {
    cache,
    inventory: store,
    bookings: bookingStore,
    bus,
  } = tracer ? tracedPorts(tracer, untraced) : untraced;
  const webhooks = createWebhookComponents(config, {
    backend,
    bookings: bookingStore,
    clock,
    log,
    eventSource: EVENT_SOURCE,
    ...(overrides.webhookTransport ? { transport: overrides.webhookTransport } : {}),
  });
  const relay = new OutboxRelay({
    outbox,
    // Deliveries are stored before the relay marks rows published (core/webhooks/webhook-intake.ts).
    bus: withWebhookIntake(bus, webhooks.intake),
    pollMs: config.outboxPollMs,
    onError: (error) => log.warn({ err: error }, 'outbox relay round failed; retrying'),
  });
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
  const workLimits = searchWorkLimits(config.requestTimeoutMs);
  const shared = {
    store,
    fares: backend.fares,
    airports,
    clock,
    signer,
    offerTtlMs,
    maxResults: config.maxSearchResults,
    workLimits,
  };
  // Threads open the SQLite file read-only beside this process's connection; other backends (and a
  // platform on an injected clock, which threads would not share) search on the event loop.
  const searchPool =
    overrides.clock || config.storeBackend !== 'sqlite'
      ? undefined
      : await startSearchPool(
          {
            sqliteFile: config.sqliteFile,
            signingSecret: secret,
            offerTtlMs,
            maxResults: config.maxSearchResults,
            workLimits,
            niceness: config.searchThreadNiceness,
          },
          config.searchThreads,
          (message, error) => log.warn({ err: error }, message),
        );
  const recentInvalidations = new RecentInvalidations(clock, config.requestTimeoutMs * 2);

  const analytics = createAnalyticsComponents(config, {
    backend,
    settings: backend.inventory,
    bus,
    clock,
    log,
    eventSource: EVENT_SOURCE,
    consumerName: invalidationGroup,
  });

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
    ...(config.cacheWarmMinRequests > 0
      ? { warmth: { minRequests: config.cacheWarmMinRequests, windowMs: 60_000, refreshBeforeExpiry: 0.2 } }
      : {}),
    onBackgroundError: (error) => log.warn({ err: error }, 'background search recomputation failed'),
  });
  // While the live heap is over its bound (hardening.ts), the server gives back what it can rebuild:
  // half of the cache's budget and the prepared pages, then a collection measures again.
  gateway.options.hardening.relieveMemory = () => {
    cache.shrink?.(0.5);
    if (snapshots !== cache) snapshots.shrink?.(0.5);
    searchResults.release();
  };
  const timetable = createTimetableComponents(config, {
    store,
    airports,
    clock,
    log,
    ...(searchPool ? { share: (layout) => searchPool.shareTimetable(layout) } : {}),
  });
  if (timetable) searchPool?.onTimetableStale(() => timetable.timetable.rebuildSoon());
  const dayWindows = createDayWindowTimetable(config, { store, airports, clock, log });
  const dropCached = cacheInvalidation(cache, recentInvalidations, (tags) =>
    searchResults.recomputeInvalidated(tags),
  );
  // The index takes an event in before the cached searches it affects are dropped and recomputed.
  const invalidate = timetable ? timetableFirst(timetable.timetable, dropCached) : dropCached;
  // This instance's own changes drop their cached searches at commit; their events reach the rest.
  const atCommit =
    config.cacheInvalidation === 'events'
      ? new InvalidationAtCommit(invalidate, (error, event) =>
          log.warn(
            { err: error, eventId: event.id },
            'cache invalidation at commit failed; the event retries it',
          ),
        )
      : undefined;
  const searchDeps = {
    ...shared,
    results: searchResults,
    ...(timetable ? { timetable: timetable.timetable } : dayWindows ? { timetable: dayWindows } : {}),
  };
  const flightEngine = searchPool
    ? new PooledFlightSearch(searchDeps, searchPool)
    : new FlightSearch(searchDeps);
  const supplierComponents = createSupplierComponents(config, flightEngine);
  const supplierOffers = new SupplierOffers({
    suppliers: supplierComponents.suppliers,
    signer,
    clock,
    callTimeoutMs: config.supplierTimeoutMs * (config.supplierRetries + 1),
  });
  const offers = new PriceConfirmation({ ...shared, suppliers: supplierOffers });

  const flights = new SupplierFlightSearch({
    suppliers: supplierComponents.suppliers,
    results: searchResults,
    cache,
    signer,
    clock,
    cacheKey: (request) => flightEngine.cacheKey(request),
    deadlineMs: config.supplierDeadlineMs,
    maxResults: config.maxSearchResults,
    ttlMs: config.cacheTtlFlightSearchSeconds * 1000,
    graceMs: config.cacheGraceSeconds * 1000,
  });
  const imports = (kind: ImportKindName) =>
    createImportKind(kind, {
      airports,
      backend,
      clock,
      eventSource: EVENT_SOURCE,
      ...(atCommit ? { afterCommit: atCommit.committed } : {}),
    });
  const services: ApiServices = {
    locations: cachedLocations(new LocationSearch(airports), cache, config.cacheTtlLocationsSeconds * 1000),
    flights,
    supplierCircuits: () => supplierComponents.circuits(),
    hotels: searchPool ? new PooledHotelSearch(searchDeps, searchPool) : new HotelSearch(searchDeps),
    discovery: createDiscovery({
      store,
      fares: backend.fares,
      airports,
      cache,
      clock,
      recent: recentInvalidations,
      ttlMs: config.cacheTtlFlightSearchSeconds * 1000,
      graceMs: config.cacheGraceSeconds * 1000,
      search: async (query) => (await flights.page(query, config.maxSearchResults)).data,
    }),
    offers,
    offerSeal: new OfferSeal(secret),
    bookings: new BookingService({
      store: bookingStore,
      offers,
      suppliers: supplierOffers,
      clock,
      eventSource: EVENT_SOURCE,
      idempotencyLeaseMs: idempotencyLeaseMs(config),
      requestTimeoutMs: config.requestTimeoutMs,
      idempotencyRetentionMs: config.idempotencyKeyTtlHours * 3_600_000,
      afterCommit: atCommit?.committed,
    }),
    inventoryAdmin: new InventoryAdmin({
      store,
      updates: backend.inventoryUpdates,
      clock,
      eventSource: EVENT_SOURCE,
      afterCommit: atCommit?.committed,
    }),
    imports,
    importJobs: new ImportJobs({
      imports,
      settings: store,
      clock,
      maxBytes: config.importMaxBytes,
      onError: (error, jobId) => log.warn({ err: error, jobId }, 'could not record the state of an import'),
    }),
    searchResults,
    analytics: analytics?.service,
    webhooks: webhooks.endpoints,
    tracer,
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
      // A supplier whose circuit is open or probing degrades searches (its offers are missing or
      // STALE) but never takes the instance out: the other suppliers still answer.
      for (const [name, circuit] of Object.entries(supplierComponents.circuits())) {
        checks[`supplier:${name}`] = circuit === 'closed' ? 'ok' : 'degraded';
      }
      return checks;
    },
  };

  let subscription: Subscription | undefined;
  let stopSharingAppends: (() => void) | undefined;
  let stopSignalling: (() => Promise<void>) | undefined;
  let pruneTimer: NodeJS.Timeout | undefined;
  let started: Promise<void> | undefined;
  const start = async (): Promise<void> => {
    // Subscribed before the relay runs, so this instance's group sees everything relayed after start.
    if (config.cacheInvalidation === 'events')
      subscription = await bus.subscribe(
        invalidationGroup,
        idempotentConsumer({
          name: invalidationGroup,
          handle: atCommit?.delivered ?? invalidate,
          // Dropping entries twice is harmless; a store read before each would delay every one.
          repeatable: true,
          processed,
          deadLetters,
          maxAttempts: config.eventMaxAttempts,
          retryBaseMs: config.eventRetryBaseMs,
          onRetry: (event, attempt, error) =>
            log.warn({ err: error, eventId: event.id, attempt }, 'cache invalidation failed; retrying'),
          onParked: (letter) => log.error({ deadLetter: letter.id }, 'cache invalidation parked an event'),
        }),
      );
    timetable?.start();
    await analytics?.start();
    relay.start();
    if (config.webhooks === 'on') webhooks.dispatcher.start();
    stopSharingAppends = shareOutboxAppends(outbox, relay);
    // Processes sharing a Redis bus (and the store) wake each other's relay the same way.
    if (config.eventBus === 'redis') {
      const { shareOutboxAppendsOverRedis } = await import('./adapters/events/redis-append-signal.js');
      stopSignalling = await shareOutboxAppendsOverRedis(
        config.redisUrl,
        `${config.eventStreamKey}:appended`,
        outbox,
        relay,
      );
    }
    pruneTimer = setInterval(() => {
      processed.prune(clock.now() - PROCESSED_EVENT_RETENTION_MS).catch((error: unknown) => {
        log.warn({ err: error }, 'pruning processed events failed');
      });
    }, PRUNE_PROCESSED_EVERY_MS);
    pruneTimer.unref();
    startPrewarm();
  };

  // Popular searches survive a restart: remembered every minute and at stop, warmed after start.
  let stopping = false;
  let rememberTimer: NodeJS.Timeout | undefined;
  const prewarmDeps: PrewarmDependencies = {
    searchResults,
    flights: services.flights,
    hotels: services.hotels,
    settings: store,
  };
  const remember = () =>
    rememberPopularSearches(prewarmDeps, config.prewarmSearches).catch((error: unknown) =>
      log.warn({ err: error }, 'remembering popular searches failed'),
    );
  // A configured route-date is searched as a client's bare request for it would be, schema defaults
  // included, so it lands on the cache key that request reads.
  const searchRouteDate = (routeDate: RouteDate) =>
    services.flights.page(Value.Default(FlightSearchQuery, { ...routeDate }) as FlightQuery, 1);
  const pace: PrewarmPace = {
    shouldStop: () => stopping,
    mayStart: searchPool ? halfOfBusyPool(() => searchPool.stats()) : undefined,
  };
  const prewarm = async (): Promise<void> => {
    if (config.prewarmSearches > 0) {
      const warmed = await prewarmPopularSearches(prewarmDeps, pace);
      if (warmed > 0) log.info({ warmed }, 'prewarmed popular searches');
    }
    if (config.prewarmRoutes.length > 0) {
      const today = new Date(clock.now()).toISOString().slice(0, 10);
      const list = routeDates(config.prewarmRoutes, today, config.prewarmRouteDays);
      const warmed = await prewarmRouteDates(searchRouteDate, list, pace);
      log.info({ warmed, of: list.length }, 'prewarmed configured route-dates');
    }
  };
  const startPrewarm = (): void => {
    void prewarm().catch((error: unknown) => log.warn({ err: error }, 'prewarming failed'));
    if (config.prewarmSearches === 0) return;
    rememberTimer = setInterval(remember, 60_000);
    rememberTimer.unref();
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
    searchPool,
    timetable: timetable?.timetable,
    timetableDays: dayWindows,
    analytics,
    tracer,
    webhooks,
    start() {
      started ??= start();
      return started;
    },
    async close() {
      stopping = true;
      clearInterval(pruneTimer);
      // Flushed first, while the bus and the store are still open.
      await analytics?.close();
      if (rememberTimer) {
        clearInterval(rememberTimer);
        await remember();
      }
      await searchResults.settled();
      await timetable?.stop();
      await dayWindows?.close();
      stopSharingAppends?.();
      await stopSignalling?.();
      supplierComponents.close();
      await relay.stop();
      await webhooks.dispatcher.stop();
      await subscription?.close();
      await bus.close();
      await gateway.options.limiter.close();
      await gateway.options.meter.close();
      await searchPool?.close();
      if (snapshots !== cache) await snapshots.close();
      await cache.close();
      await backend.close();
      await tracer?.close();
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
    peek(query, limit) {
      return cache.peek?.<LocationView[]>(locationsCacheKey(query, limit))?.entry.value;
    },
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
  // Processes starting together on an empty store each propose a secret; the first one stored wins
  // for all of them, so offers one signs are accepted by the others.
  return store.setSettingIfAbsent(SIGNING_SECRET_SETTING, randomBytes(32).toString('base64url'));
}

/** `work`, or a rejection once `ms` have passed without it settling. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
