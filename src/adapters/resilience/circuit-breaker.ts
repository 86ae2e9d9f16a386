/** Thrown instead of calling a dependency the breaker has given up on for now. */
export class CircuitOpenError extends Error {
  constructor(name: string) {
    super(`${name} is unavailable (circuit open)`);
    this.name = 'CircuitOpenError';
  }
}

export interface CircuitBreakerOptions {
  /** Named in errors and logs. */
  name: string;
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before one trial call may pass, ms. */
  retryAfterMs?: number;
  /** A call slower than this counts as failed (and its caller stops waiting), ms. */
  callTimeoutMs?: number;
  /**
   * Whether the connection is up right now (e.g. an ioredis client's status is 'ready'). While it
   * is not, calls fail at once without being tried: no waiting on a socket known to be down.
   */
  isConnected?: () => boolean;
  /** Told when the circuit opens and when it closes again. */
  onStateChange?: (state: 'open' | 'closed') => void;
}

/**
 * A circuit breaker: after `failureThreshold` consecutive failures (errors or timeouts) calls fail
 * at once with CircuitOpenError for `retryAfterMs`; then one trial call is let through, and its
 * success closes the circuit. While the connection reports itself down, calls fail at once too.
 * So an unreachable dependency costs a caller microseconds, not a timeout, and a recovered one is
 * used again within `retryAfterMs` of answering.
 */
export class CircuitBreaker {
  readonly #name: string;
  readonly #threshold: number;
  readonly #retryAfterMs: number;
  readonly #timeoutMs: number;
  readonly #isConnected: () => boolean;
  readonly #onStateChange: (state: 'open' | 'closed') => void;
  #failures = 0;
  #openUntil = 0;
  #open = false;
  #trial = false;

  constructor(options: CircuitBreakerOptions) {
    this.#name = options.name;
    this.#threshold = options.failureThreshold ?? 3;
    this.#retryAfterMs = options.retryAfterMs ?? 1000;
    this.#timeoutMs = options.callTimeoutMs ?? 250;
    this.#isConnected = options.isConnected ?? (() => true);
    this.#onStateChange = options.onStateChange ?? (() => {});
  }

  /** True while calls are being refused. */
  get isOpen(): boolean {
    return this.#open;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (!this.#isConnected()) {
      this.#failed();
      throw new CircuitOpenError(this.#name);
    }
    if (this.#open) {
      if (performance.now() < this.#openUntil || this.#trial) throw new CircuitOpenError(this.#name);
      this.#trial = true;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        call(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`${this.#name} did not answer within ${this.#timeoutMs} ms`)),
            this.#timeoutMs,
          );
        }),
      ]);
      this.#succeeded();
      return result;
    } catch (error) {
      this.#failed();
      throw error;
    } finally {
      clearTimeout(timer);
      this.#trial = false;
    }
  }

  #succeeded(): void {
    this.#failures = 0;
    if (this.#open) {
      this.#open = false;
      this.#onStateChange('closed');
    }
  }

  #failed(): void {
    this.#failures += 1;
    if (this.#open) {
      this.#openUntil = performance.now() + this.#retryAfterMs;
      return;
    }
    if (this.#failures >= this.#threshold) {
      this.#open = true;
      this.#openUntil = performance.now() + this.#retryAfterMs;
      this.#onStateChange('open');
    }
  }
}
