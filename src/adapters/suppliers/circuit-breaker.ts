import { backoffDelay, sleep } from '../../kernel/backoff.js';
import { CircuitBreaker, CircuitOpenError } from '../../kernel/circuit-breaker.js';
import {
  type RemoteSupplier,
  SupplierCancellationRefusedError,
  type SupplierCircuit,
  SupplierOfferGoneError,
  SupplierPriceChangedError,
  SupplierUnavailableError,
} from '../../ports/supplier.js';

export interface BreakerOptions {
  /** A call taking longer fails (and counts against the supplier), ms. */
  timeoutMs: number;
  /** Share of failed calls in the rolling window that opens the circuit, percent. */
  errorThresholdPercent: number;
  /** Calls in the rolling window before the error share is judged. */
  volumeThreshold: number;
  /** How long an open circuit refuses calls before letting one probe through (half-open), ms. */
  openMs: number;
  /** Extra attempts of idempotent calls (search, price confirmation, cancellation); never of orders. */
  retries: number;
  /** First retry delay, ms: each retry waits a random time up to base × 2^attempt (full jitter). */
  retryBaseMs: number;
}

/** The supplier's answers about an offer or an order are not its failures: they never trip the breaker. */
const isAnswer = (error: unknown): boolean =>
  error instanceof SupplierOfferGoneError ||
  error instanceof SupplierPriceChangedError ||
  error instanceof SupplierCancellationRefusedError;

/**
 * Puts every call to `supplier` behind the kernel's circuit breaker, tripped by an error share: a
 * timeout per call, an error share over a 10 s window that opens the circuit, an open window
 * during which calls fail at once without reaching the supplier, then one half-open probe whose
 * outcome closes or reopens it. Idempotent calls are retried with jittered backoff while the
 * circuit lets them through.
 */
export function withCircuitBreaker(
  supplier: RemoteSupplier,
  options: BreakerOptions,
): RemoteSupplier & { circuit(): SupplierCircuit; shutdown(): void } {
  const breaker = new CircuitBreaker({
    name: supplier.name,
    trip: { errorThresholdPercent: options.errorThresholdPercent, volumeThreshold: options.volumeThreshold },
    openMs: options.openMs,
    callTimeoutMs: options.timeoutMs,
    isAnswer,
  });
  // Someone waits for these calls: full jitter lets the first retry come soon.
  const backoff = { baseMs: options.retryBaseMs, maxMs: Number.POSITIVE_INFINITY, jitter: 'full' } as const;

  const once = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await breaker.run(call);
    } catch (error) {
      if (error instanceof CircuitOpenError) throw new SupplierUnavailableError(supplier.name);
      throw error;
    }
  };

  const retried = async <T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(call);
      } catch (error) {
        const last = attempt > options.retries || breaker.state === 'open' || signal.aborted;
        if (last || isAnswer(error) || error instanceof SupplierUnavailableError) throw error;
        await sleep(backoffDelay(attempt, backoff), signal);
      }
    }
  };

  return {
    name: supplier.name,
    kind: 'remote',
    searchFlights: (query, signal) => retried(() => supplier.searchFlights(query, signal), signal),
    priceOffer: (reference, signal) => retried(() => supplier.priceOffer(reference, signal), signal),
    ...(supplier.requiredPassengerFields
      ? { requiredPassengerFields: supplier.requiredPassengerFields }
      : {}),
    createOrder: (order, signal) => once(() => supplier.createOrder(order, signal)),
    // Safe to retry: the port's cancelOrder is idempotent.
    cancelOrder: (orderId, signal) => retried(() => supplier.cancelOrder(orderId, signal), signal),
    circuit: () => breaker.state,
    // The breaker keeps no timers; kept so the composition root's close list stays as it is.
    shutdown: () => {},
  };
}
