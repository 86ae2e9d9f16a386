import { utcDay } from '../../kernel/utc-day.js';
import type { Clock } from '../../ports/clock.js';
import type { RateLimitDecision } from '../../ports/rate-limiter.js';
import type { UsagePlan } from '../../ports/usage-plan.js';
import { BucketAndQuotaLimiter, decide, type TokenTaken } from './bucket-and-quota.js';
import { addFailure, type FailureWindow, removeFailure } from './failure-window.js';
import { type BucketState, refill } from './token-bucket.js';

export interface MemoryRateLimiterOptions {
  clock?: Clock;
}

/**
 * In-process buckets and quotas for a single API process (the embedded default). Both are plain
 * arithmetic on maps (JavaScript runs one request's update at a time, so no lock is needed), which
 * lets a request be decided synchronously (`consumeNow`) on the cached-search fast path.
 */
export class MemoryRateLimiter extends BucketAndQuotaLimiter {
  readonly #buckets = new Map<string, BucketState>();
  /** Requests per key and UTC day, `${keyId}:${day}`; days other than today are swept. */
  readonly #counts = new Map<string, number>();
  /** Failure windows by subject; swept once their window has passed. */
  readonly #failures = new Map<string, FailureWindow & { windowMs: number }>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: MemoryRateLimiterOptions = {}) {
    super(options.clock);
    // Full buckets carry no information; dropping them bounds the map by active keys.
    this.#sweeper = setInterval(() => this.#sweep(), 60_000);
    this.#sweeper.unref();
  }

  consumeNow(keyId: string, plan: UsagePlan): RateLimitDecision {
    const now = this.clock.now();
    const bucket = this.#takeToken(keyId, plan, now);
    return decide(plan, now, bucket, bucket.allowed ? this.#countRequest(keyId, utcDay(now)) : 0);
  }

  protected async takeToken(keyId: string, plan: UsagePlan, now: number): Promise<TokenTaken> {
    return this.#takeToken(keyId, plan, now);
  }

  protected async countRequest(keyId: string, day: string): Promise<number> {
    return this.#countRequest(keyId, day);
  }

  protected async addFailure(subject: string, windowMs: number, now: number): Promise<FailureWindow> {
    const window = addFailure(this.#failures.get(subject), now, windowMs);
    this.#failures.set(subject, { ...window, windowMs });
    return window;
  }

  protected async removeFailure(subject: string, windowMs: number, now: number): Promise<void> {
    const window = removeFailure(this.#failures.get(subject), now, windowMs);
    if (window !== undefined) this.#failures.set(subject, { ...window, windowMs });
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
  }

  #takeToken(keyId: string, plan: UsagePlan, now: number): TokenTaken {
    const state = refill(this.#buckets.get(keyId), now, plan.rateLimit, plan.burstLimit);
    const allowed = state.tokens >= 1;
    if (allowed) state.tokens -= 1;
    this.#buckets.set(keyId, state);
    return { allowed, tokens: state.tokens };
  }

  #countRequest(keyId: string, day: string): number {
    const key = `${keyId}:${day}`;
    const used = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, used);
    return used;
  }

  #sweep(): void {
    // Without a plan at hand, a bucket untouched for an hour is assumed refilled.
    const now = this.clock.now();
    const cutoff = now - 3_600_000;
    for (const [keyId, state] of this.#buckets) if (state.updatedAt < cutoff) this.#buckets.delete(keyId);
    for (const [subject, window] of this.#failures)
      if (window.openedAt + window.windowMs <= now) this.#failures.delete(subject);
    // Yesterday's counts are kept for a skewed clock near midnight; older ones count nothing.
    const today = utcDay(now);
    const yesterday = utcDay(now - 86_400_000);
    for (const key of this.#counts.keys()) {
      const day = key.slice(key.lastIndexOf(':') + 1);
      if (day !== today && day !== yesterday) this.#counts.delete(key);
    }
  }
}
