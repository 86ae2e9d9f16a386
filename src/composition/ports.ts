import type { Logger } from 'pino';
import { pino } from 'pino';
import { loadAirportDirectory } from '../adapters/airports/openflights.js';
import { createCache } from '../adapters/cache/index.js';
import type { Config } from '../config.js';
import { TokenSigner } from '../core/offers/signed-token.js';
import type { AirportDirectory } from '../ports/airports.js';
import type { BookingStore } from '../ports/bookings.js';
import type { Cache } from '../ports/cache.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { EventBus } from '../ports/events.js';
import type { InventoryStore } from '../ports/store.js';
import type { StoreBackend } from '../ports/store-backend.js';
import type { Tracer } from '../ports/tracer.js';
import { createBus } from './events.js';
import { openStore, signingSecret } from './store.js';
import { createTracer, tracedPorts } from './tracing.js';

/**
 * What every concern is wired from: configuration, time, the log, and the configured ports —
 * `store`, `bookings`, `cache` and `bus` traced when tracing is on (the backend's other ports are not).
 */
export interface Wiring {
  config: Config;
  clock: Clock;
  /** True when a test injected the clock (search threads, which would not share it, stay off). */
  injectedClock: boolean;
  log: Logger;
  airports: AirportDirectory;
  backend: StoreBackend;
  store: InventoryStore;
  bookings: BookingStore;
  cache: Cache;
  bus: EventBus;
  tracer: Tracer | undefined;
  /** The secret offers, tokens and dashboard sessions are signed with. */
  secret: string;
  signer: TokenSigner;
}

/** Opens the store, the cache, the bus and the tracer configuration asks for. */
export async function openPorts(
  config: Config,
  overrides: { clock?: Clock | undefined; migrate?: boolean | undefined; tracer?: Tracer | undefined },
): Promise<Wiring> {
  const clock = overrides.clock ?? systemClock;
  const log = pino({ level: config.logLevel, name: 'travel-platform' });
  const airports = await loadAirportDirectory();
  const backend = await openStore(config, clock, overrides.migrate ?? true);
  const secret = await signingSecret(config, backend.inventory);
  // Tracing: when on, the ports the use cases call run each call in a span; when off, untouched.
  const tracer = overrides.tracer ?? (await createTracer(config));
  const untraced = {
    cache: await createCache(config),
    inventory: backend.inventory,
    bookings: backend.bookings,
    bus: await createBus(config, log),
  };
  const { cache, inventory, bookings, bus } = tracer ? tracedPorts(tracer, untraced) : untraced;
  return {
    ...{ config, clock, injectedClock: overrides.clock !== undefined, log, airports, backend },
    ...{ store: inventory, bookings, cache, bus, tracer, secret, signer: new TokenSigner(secret) },
  };
}
