import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Clock } from '../../ports/clock.js';
import { RateLimiterUnavailableError } from '../../ports/rate-limiter.js';
import type { UsagePlan } from '../../ports/usage-plan.js';
import { BucketAndQuotaLimiter, QUOTA_COUNTER_TTL_SECONDS, type TokenTaken } from './bucket-and-quota.js';
import { type BucketState, refill } from './token-bucket.js';

export interface MemoryRateLimiterOptions {
  clock?: Clock;
}

/**
 * In-process buckets and quotas for a single API process (the embedded default). Buckets are
 * plain arithmetic on a map (JavaScript runs one request's update at a time, so no lock is
 * needed); daily quotas are rate-limiter-flexible fixed-window counters keyed by the UTC day.
 */
export class MemoryRateLimiter extends BucketAndQuotaLimiter {
  readonly #buckets = new Map<string, BucketState>();
  // Points are unbounded because plans differ per key: the counter only counts, and the
  // comparison with each key's own quota happens in BucketAndQuotaLimiter.
  readonly #quota = new RateLimiterMemory({
    keyPrefix: 'quota',
    points: Number.MAX_SAFE_INTEGER,
    duration: QUOTA_COUNTER_TTL_SECONDS,
  });
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: MemoryRateLimiterOptions = {}) {
    super(options.clock);
    // Full buckets carry no information; dropping them bounds the map by active keys.
    this.#sweeper = setInterval(() => this.#sweep(), 60_000);
    this.#sweeper.unref();
  }

  protected async takeToken(keyId: string, plan: UsagePlan, now: number): Promise<TokenTaken> {
    const state = refill(this.#buckets.get(keyId), now, plan.rateLimit, plan.burstLimit);
    const allowed = state.tokens >= 1;
    if (allowed) state.tokens -= 1;
    this.#buckets.set(keyId, state);
    return { allowed, tokens: state.tokens };
  }

  protected async countRequest(keyId: string, day: string): Promise<number> {
    try {
      return (await this.#quota.consume(`${keyId}:${day}`, 1)).consumedPoints;
    } catch (error) {
      if (error instanceof RateLimiterRes) return error.consumedPoints;
      throw new RateLimiterUnavailableError('in-memory quota counter failed', { cause: error });
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
  }

  #sweep(): void {
    // Without a plan at hand, a bucket untouched for an hour is assumed refilled.
    const cutoff = this.clock.now() - 3_600_000;
    for (const [keyId, state] of this.#buckets) if (state.updatedAt < cutoff) this.#buckets.delete(keyId);
  }
}
