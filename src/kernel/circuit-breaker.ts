/** Thrown instead of calling a dependency the breaker has given up on for now. */
export class CircuitOpenError extends Error {
  readonly code = 'EOPENBREAKER';
  constructor(name: string) {
    super(`${name} is unavailable (circuit open)`);
    this.name = 'CircuitOpenError';
  }
}

/** Thrown when a call outlives `callTimeoutMs`; it counts as a failure. */
export class CircuitTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(name: string, ms: number) {
    super(`${name} did not answer within ${ms} ms`);
    this.name = 'CircuitTimeoutError';
  }
}

/** A breaker's state: closed (calls flow), open (calls refused), half-open (the next call is a probe). */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * When failures open the circuit: after so many in a row, or when failures are more than a share of
 * the calls of a rolling window holding at least `volumeThreshold` calls.
 */
export type TripRule =
  | { consecutiveFailures: number }
  | { errorThresholdPercent: number; volumeThreshold: number; windowMs?: number };

export interface CircuitBreakerOptions {
  /** Named in errors. */
  name: string;
  /** When failures open the circuit; 3 in a row by default. */
  trip?: TripRule;
  /** How long an open circuit refuses calls before one probe may pass, ms (1000 by default). */
  openMs?: number;
  /** A call slower than this counts as failed (and its caller stops waiting), ms (250 by default). */
  callTimeoutMs?: number;
  /**
   * Whether the connection is up right now (e.g. an ioredis client's status is 'ready'). While it
   * is not, calls fail at once without being tried: no waiting on a socket known to be down.
   */
  isConnected?: () => boolean;
  /**
   * Errors that are the dependency's answer rather than its failure (an offer gone, a refusal):
   * passed to the caller, counted as successes.
   */
  isAnswer?: (error: unknown) => boolean;
  /** Told when the circuit opens and when it closes again. */
  onStateChange?: (state: 'open' | 'closed') => void;
  /** Monotonic milliseconds; `performance.now` by default. */
  now?: () => number;
}

/** A rolling window of 10 buckets, as long as `windowMs` in all (10 s by default). */
const BUCKETS = 10;

/**
 * The one circuit breaker of the platform (the Redis rate limiter's and every remote supplier's):
 * once failures (errors or timeouts) meet the trip rule, calls fail at once with CircuitOpenError
 * for `openMs`; then one probe is let through (half-open) while the others are still refused, and
 * its success closes the circuit, its failure opens it again. While the connection reports itself
 * down, calls fail at once too. So an unreachable dependency costs a caller microseconds, not a
 * timeout, and a recovered one is used again within `openMs` of answering. No timers: the state
 * is read from the clock, so there is nothing to stop.
 */
export class CircuitBreaker {
  readonly #name: string;
  readonly #trip: TripRule;
  readonly #openMs: number;
  readonly #timeoutMs: number;
  readonly #isConnected: () => boolean;
  readonly #isAnswer: (error: unknown) => boolean;
  readonly #onStateChange: (state: 'open' | 'closed') => void;
  readonly #now: () => number;
  #consecutive = 0;
  /** Calls and failures per bucket of the rolling window, with the bucket's start. */
  #window: { from: number; calls: number; failures: number }[] = [];
  #openUntil = 0;
  #open = false;
  #probing = false;

  constructor(options: CircuitBreakerOptions) {
    this.#name = options.name;
    this.#trip = options.trip ?? { consecutiveFailures: 3 };
    this.#openMs = options.openMs ?? 1000;
    this.#timeoutMs = options.callTimeoutMs ?? 250;
    this.#isConnected = options.isConnected ?? (() => true);
    this.#isAnswer = options.isAnswer ?? (() => false);
    this.#onStateChange = options.onStateChange ?? (() => {});
    this.#now = options.now ?? (() => performance.now());
  }

  /** True while calls are being refused (half-open included until its probe succeeds). */
  get isOpen(): boolean {
    return this.#open;
  }

  get state(): CircuitState {
    if (!this.#open) return 'closed';
    return this.#now() >= this.#openUntil ? 'half-open' : 'open';
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (!this.#isConnected()) {
      this.#failed();
      throw new CircuitOpenError(this.#name);
    }
    if (this.#open) {
      if (this.#now() < this.#openUntil || this.#probing) throw new CircuitOpenError(this.#name);
      this.#probing = true;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        call(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new CircuitTimeoutError(this.#name, this.#timeoutMs)),
            this.#timeoutMs,
          );
        }),
      ]);
      this.#succeeded();
      return result;
    } catch (error) {
      if (this.#isAnswer(error)) this.#succeeded();
      else this.#failed();
      throw error;
    } finally {
      clearTimeout(timer);
      this.#probing = false;
    }
  }

  #succeeded(): void {
    this.#consecutive = 0;
    this.#count(false);
    if (this.#open) {
      this.#open = false;
      this.#window = [];
      this.#onStateChange('closed');
    }
  }

  #failed(): void {
    this.#consecutive += 1;
    this.#count(true);
    if (this.#open) {
      this.#openUntil = this.#now() + this.#openMs;
      return;
    }
    if (this.#trips()) {
      this.#open = true;
      this.#openUntil = this.#now() + this.#openMs;
      this.#onStateChange('open');
    }
  }

  #trips(): boolean {
    if ('consecutiveFailures' in this.#trip) return this.#consecutive >= this.#trip.consecutiveFailures;
    let calls = 0;
    let failures = 0;
    for (const bucket of this.#window) {
      calls += bucket.calls;
      failures += bucket.failures;
    }
    return calls >= this.#trip.volumeThreshold && (failures / calls) * 100 > this.#trip.errorThresholdPercent;
  }

  /** Adds one call to the rolling window (kept only for a share rule), dropping buckets past it. */
  #count(failure: boolean): void {
    if ('consecutiveFailures' in this.#trip) return;
    const windowMs = this.#trip.windowMs ?? 10_000;
    const bucketMs = windowMs / BUCKETS;
    const now = this.#now();
    const from = Math.floor(now / bucketMs) * bucketMs;
    this.#window = this.#window.filter((bucket) => bucket.from > now - windowMs);
    let bucket = this.#window[this.#window.length - 1];
    if (bucket?.from !== from) {
      bucket = { from, calls: 0, failures: 0 };
      this.#window.push(bucket);
    }
    bucket.calls += 1;
    if (failure) bucket.failures += 1;
  }
}
