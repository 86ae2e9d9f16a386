import { type BreakerOptions, withCircuitBreaker } from '../adapters/suppliers/circuit-breaker.js';
import { createDuffelSupplier } from '../adapters/suppliers/duffel.js';
import { createGenericHttpSupplier } from '../adapters/suppliers/generic-http.js';
import { createInventorySupplier } from '../adapters/suppliers/inventory.js';
import type { Config } from '../config.js';
import type { FlightSearch } from '../core/flights/flight-search.js';
import type { RemoteSupplier, Supplier, SupplierCircuit } from '../ports/supplier.js';

type SupplierConfig = Pick<
  Config,
  | 'suppliers'
  | 'duffelUrl'
  | 'duffelToken'
  | 'duffelVersion'
  | 'supplierHttpUrl'
  | 'supplierHttpToken'
  | 'supplierTimeoutMs'
  | 'supplierErrorThresholdPercent'
  | 'supplierVolumeThreshold'
  | 'supplierOpenMs'
  | 'supplierRetries'
  | 'supplierRetryBaseMs'
>;

export interface SupplierComponents {
  /** In `SUPPLIERS` order. */
  suppliers: Supplier[];
  /** Breaker state of each remote supplier, for /metrics and /health/ready. */
  circuits(): Record<string, SupplierCircuit>;
  /** Stops the breakers' timers. */
  close(): void;
}

/**
 * The configured suppliers: the own inventory wraps the core's search engine (handed over here, so
 * the adapter imports nothing from the core); every remote one sits behind its circuit breaker.
 */
export function createSupplierComponents(config: SupplierConfig, engine: FlightSearch): SupplierComponents {
  const breaker: BreakerOptions = {
    timeoutMs: config.supplierTimeoutMs,
    errorThresholdPercent: config.supplierErrorThresholdPercent,
    volumeThreshold: config.supplierVolumeThreshold,
    openMs: config.supplierOpenMs,
    retries: config.supplierRetries,
    retryBaseMs: config.supplierRetryBaseMs,
  };
  const guarded: ReturnType<typeof withCircuitBreaker>[] = [];
  const remote = (supplier: RemoteSupplier): RemoteSupplier => {
    const wrapped = withCircuitBreaker(supplier, breaker);
    guarded.push(wrapped);
    return wrapped;
  };
  const suppliers = config.suppliers.map((name): Supplier => {
    switch (name) {
      case 'inventory':
        return inventorySupplierOf(engine);
      case 'duffel':
        return remote(
          createDuffelSupplier({
            url: config.duffelUrl ?? 'https://api.duffel.com',
            token: config.duffelToken,
            version: config.duffelVersion,
            // Duffel should give up on slow airlines before the breaker gives up on Duffel.
            supplierTimeoutMs: Math.max(1000, Math.floor(config.supplierTimeoutMs * 0.8)),
          }),
        );
      default:
        return remote(
          createGenericHttpSupplier({
            name: 'http',
            url: config.supplierHttpUrl ?? '',
            token: config.supplierHttpToken,
          }),
        );
    }
  });
  return {
    suppliers,
    circuits: () => Object.fromEntries(guarded.map((s) => [s.name, s.circuit()])),
    close: () => {
      for (const s of guarded) s.shutdown();
    },
  };
}

/** The own inventory as a supplier: the engine's answer handed over with its offer id as the reference. */
export function inventorySupplierOf(
  engine: Pick<FlightSearch, 'search'>,
): ReturnType<typeof createInventorySupplier> {
  return createInventorySupplier(async (query, signal) => {
    const run = await engine.search(query, { signal });
    return {
      offers: run.offers.map(({ id, type: _type, source: _source, ...offer }) => ({
        reference: id,
        ...offer,
      })),
      tags: run.tags,
      ...(run.partial ? { partial: run.partial } : {}),
    };
  });
}
