import type { Cache } from '../../ports/cache.js';
import type { EventBus } from '../../ports/events.js';
import type { SupplierCircuit } from '../../ports/supplier.js';

/** Health of one dependency as /health/ready reports it. */
export type ComponentHealth = 'ok' | 'degraded' | 'down';

export interface ReadinessDependencies {
  /** Resolves when the store answers a trivial query. */
  pingStore(): Promise<unknown>;
  cache: Pick<Cache, 'health'>;
  bus: Pick<EventBus, 'health'>;
  /** Breaker state of each remote supplier. */
  circuits(): Record<string, SupplierCircuit>;
  /** Longest the probe waits for the store before calling it down. */
  storeDeadlineMs: number;
}

/**
 * The readiness policy: only a store that does not answer takes the instance out of the balancer;
 * everything else degrades it (the instance still serves, more slowly or with less).
 */
export function readinessCheck(deps: ReadinessDependencies): () => Promise<Record<string, ComponentHealth>> {
  return async () => {
    const checks: Record<string, ComponentHealth> = {};
    // A store behind a dead network path may never answer: no answer in time is "down" too.
    checks.store = await withDeadline(deps.pingStore(), deps.storeDeadlineMs).then(
      () => 'ok' as const,
      () => 'down' as const,
    );
    checks.cache = await deps.cache.health().catch(() => 'degraded' as const);
    // Degraded, not down: bookings and searches still work (events wait in the outbox), only
    // cache invalidation lags; taking every instance out of the balancer would be worse.
    checks.bus = (await deps.bus.health()).ok ? 'ok' : 'degraded';
    // A supplier whose circuit is open or probing degrades searches (its offers are missing or
    // STALE) but never takes the instance out: the other suppliers still answer.
    for (const [name, circuit] of Object.entries(deps.circuits())) {
      checks[`supplier:${name}`] = circuit === 'closed' ? 'ok' : 'degraded';
    }
    return checks;
  };
}

/** `work`, or a rejection once `ms` have passed without it settling. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
