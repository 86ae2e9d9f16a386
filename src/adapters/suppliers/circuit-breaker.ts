import CircuitBreaker from 'opossum';
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
 * Puts every call to `supplier` behind one opossum circuit breaker: a timeout per call, an error
 * share that opens the circuit, an open window during which calls fail at once without reaching the
 * supplier, then one half-open probe whose outcome closes or reopens it. Idempotent calls are
 * retried with jittered backoff while the circuit lets them through.
 */
export function withCircuitBreaker(
  supplier: RemoteSupplier,
  options: BreakerOptions,
): RemoteSupplier & { circuit(): SupplierCircuit; shutdown(): void } {
  const breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
    name: supplier.name,
    timeout: options.timeoutMs,
    errorThresholdPercentage: options.errorThresholdPercent,
    volumeThreshold: options.volumeThreshold,
    resetTimeout: options.openMs,
    errorFilter: isAnswer,
  });

  const once = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return (await breaker.fire(call)) as T;
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER')
        throw new SupplierUnavailableError(supplier.name);
      throw error;
    }
  };

  const retried = async <T>(call: () => Promise<T>, signal: AbortSignal): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await once(call);
      } catch (error) {
        const last = attempt >= options.retries || breaker.opened || signal.aborted;
        if (last || isAnswer(error) || error instanceof SupplierUnavailableError) throw error;
        await jitteredDelay(options.retryBaseMs * 2 ** attempt, signal);
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
    circuit: () => (breaker.opened ? 'open' : breaker.halfOpen ? 'half-open' : 'closed'),
    shutdown: () => breaker.shutdown(),
  };
}

/** Waits a random time up to `capMs` (full jitter), or until `signal` aborts. */
function jitteredDelay(capMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.random() * capMs);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
