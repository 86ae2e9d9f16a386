import type { ApiKeyStore, UsageCounters } from '../../ports/api-keys.js';

/** What one response adds to its key's daily counters. */
export type UsageIncrement = Partial<UsageCounters>;

export interface UsageMeterOptions {
  store: ApiKeyStore;
  /** How often (ms) buffered counts are written to the store. */
  flushIntervalMs?: number;
  /** Receives flush failures; the counts are kept and retried on the next flush. */
  onError?: (error: unknown) => void;
}

const zero = (): UsageCounters => ({
  requests: 0,
  searches: 0,
  clientErrors: 0,
  serverErrors: 0,
  throttled: 0,
});

/**
 * Counts requests per key per UTC day. Counts are buffered in memory and written in one batch
 * per interval, so metering costs a map update per request rather than a store write; a crash
 * loses at most one interval of counts, which usage reporting tolerates (quotas do not depend
 * on these counters: the rate limiter enforces them).
 */
export class UsageMeter {
  readonly #store: ApiKeyStore;
  readonly #onError: (error: unknown) => void;
  readonly #timer: NodeJS.Timeout;
  #pending = new Map<string, { keyId: string; day: string; counters: UsageCounters }>();
  #flushing: Promise<void> = Promise.resolve();

  constructor(options: UsageMeterOptions) {
    this.#store = options.store;
    this.#onError = options.onError ?? (() => {});
    this.#timer = setInterval(() => {
      this.flush().catch(this.#onError);
    }, options.flushIntervalMs ?? 1000);
    this.#timer.unref();
  }

  /** Adds `increment` to the counts of `keyId` on `day` (UTC `YYYY-MM-DD`). */
  record(keyId: string, day: string, increment: UsageIncrement): void {
    const slot = `${keyId}\u0000${day}`;
    let entry = this.#pending.get(slot);
    if (entry === undefined) {
      entry = { keyId, day, counters: zero() };
      this.#pending.set(slot, entry);
    }
    const counters = entry.counters;
    counters.requests += increment.requests ?? 0;
    counters.searches += increment.searches ?? 0;
    counters.clientErrors += increment.clientErrors ?? 0;
    counters.serverErrors += increment.serverErrors ?? 0;
    counters.throttled += increment.throttled ?? 0;
  }

  /** Writes buffered counts to the store; resolves once everything recorded so far is stored. */
  flush(): Promise<void> {
    // Flushes run one after another so a slow write cannot be overtaken and counted twice.
    this.#flushing = this.#flushing.then(() => this.#writePending());
    return this.#flushing;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #writePending(): Promise<void> {
    const batch = this.#pending;
    this.#pending = new Map();
    const failed: typeof batch = new Map();
    for (const [slot, entry] of batch) {
      try {
        await this.#store.recordUsage(entry.keyId, entry.day, entry.counters);
      } catch (error) {
        failed.set(slot, entry);
        this.#onError(error);
      }
    }
    // Put failed counts back so the next flush retries them.
    for (const entry of failed.values()) this.record(entry.keyId, entry.day, entry.counters);
  }
}
