import { randomBytes } from 'node:crypto';
import { loadAirportDirectory } from './adapters/airports/openflights.js';
import { createCache } from './adapters/cache/index.js';
import { createMemoryCache } from './adapters/cache/memory.js';
import { openSqliteDatabase, type SqliteDatabase } from './adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from './adapters/store/sqlite/inventory-store.js';
import type { Config } from './config.js';
import { locationsCacheKey } from './core/cache/search-cache-keys.js';
import { FlightSearch } from './core/flights/flight-search.js';
import { HotelSearch } from './core/hotels/hotel-search.js';
import { LocationSearch } from './core/locations/location-search.js';
import { PriceConfirmation } from './core/offers/price-confirmation.js';
import { TokenSigner } from './core/offers/signed-token.js';
import { SearchResults } from './core/search/search-results.js';
import { createGatewayComponents, type GatewayComponents } from './gateway-components.js';
import type { ApiServices, ComponentHealth } from './http/services.js';
import type { AirportDirectory } from './ports/airports.js';
import type { Cache } from './ports/cache.js';
import { type Clock, systemClock } from './ports/clock.js';
import type { InventoryStore } from './ports/store.js';

/** Everything a running travel-platform is made of, wired from configuration. */
export interface Platform {
  config: Config;
  airports: AirportDirectory;
  store: InventoryStore;
  cache: Cache;
  services: ApiServices;
  /** API keys, usage plans, rate limits and bearer tokens. */
  gateway: GatewayComponents;
  close(): Promise<void>;
}

export interface PlatformOverrides {
  clock?: Clock;
}

const SIGNING_SECRET_SETTING = 'offer-signing-secret';

/**
 * The composition root: the one place that picks adapters by configuration and hands them to the
 * core's use cases. HTTP, CLI and Lambda entry points all start here.
 */
export async function createPlatform(config: Config, overrides: PlatformOverrides = {}): Promise<Platform> {
  const clock = overrides.clock ?? systemClock;
  const airports = await loadAirportDirectory();
  const db = openDatabase(config);
  const store = new SqliteInventoryStore(db);
  const gateway = await createGatewayComponents(config, db, clock);
  const cache = await createCache(config);
  // Paging needs the snapshot behind a cursor even when result caching is off.
  const snapshots =
    config.cacheBackend === 'none'
      ? createMemoryCache({
          maxEntries: config.cacheMaxEntries,
          maxBytes: config.cacheMaxBytes,
          keyPrefix: 'snapshots',
        })
      : cache;
  const signer = new TokenSigner(config.offerSigningSecret ?? (await signingSecret(store)));
  const offerTtlMs = config.offerTtlSeconds * 1000;
  const shared = { store, airports, clock, signer, offerTtlMs, maxResults: config.maxSearchResults };

  const services: ApiServices = {
    locations: cachedLocations(new LocationSearch(airports), cache, config.cacheTtlLocationsSeconds * 1000),
    flights: new FlightSearch(shared),
    hotels: new HotelSearch(shared),
    offers: new PriceConfirmation(shared),
    searchResults: new SearchResults({
      cache,
      snapshots,
      signer,
      clock,
      ttlMs: (kind) =>
        (kind === 'hotels' ? config.cacheTtlHotelSearchSeconds : config.cacheTtlFlightSearchSeconds) * 1000,
      graceMs: config.cacheGraceSeconds * 1000,
      snapshotTtlMs: config.searchSnapshotTtlSeconds * 1000,
    }),
    readiness: async () => {
      const checks: Record<string, ComponentHealth> = {};
      checks.store = await store.ping().then(
        () => 'ok' as const,
        () => 'down' as const,
      );
      checks.cache = await cache.health().catch(() => 'degraded' as const);
      return checks;
    },
  };

  return {
    config,
    airports,
    store,
    cache,
    services,
    gateway,
    async close() {
      await gateway.options.limiter.close();
      await gateway.options.meter.close();
      if (snapshots !== cache) await snapshots.close();
      await cache.close();
      await store.close();
    },
  };
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

/** The one SQLite connection every SQLite-backed adapter shares, so their writes can share transactions. */
function openDatabase(config: Config): SqliteDatabase {
  switch (config.storeBackend) {
    case 'sqlite':
      return openSqliteDatabase(config.sqliteFile);
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
