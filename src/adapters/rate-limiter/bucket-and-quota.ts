import { secondsToNextUtcDay, utcDay } from '../../kernel/utc-day.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import type {
  FailureCount,
  FailurePolicy,
  RateLimitDecision,
  RateLimiter,
} from '../../ports/rate-limiter.js';
import type { UsagePlan } from '../../ports/usage-plan.js';
import { type FailureWindow, failureWaitSeconds } from './failure-window.js';
import { msUntilFull, msUntilToken } from './token-bucket.js';

/** Quota counters outlive their UTC day by a day so a skewed clock still finds yesterday's. */
export const QUOTA_COUNTER_TTL_SECONDS = 2 * 86_400;

/** The result of taking one token from a key's bucket. */
export interface TokenTaken {
  allowed: boolean;
  /** Tokens left after the attempt (fractional). */
  tokens: number;
}

/**
 * The usage-plan policy every backend shares: the bucket is asked first, and only a request
 * the bucket admits is counted against the daily quota, so a throttled client does not burn
 * quota. Failed attempts are counted in windows (failure-window.ts). Backends implement the
 * atomic primitives; this class turns their answers into decisions and header values.
 */
export abstract class BucketAndQuotaLimiter implements RateLimiter {
  protected readonly clock: Clock;

  protected constructor(clock: Clock | undefined) {
    this.clock = clock ?? systemClock;
  }

  /** Atomically refills the bucket of `keyId` to `now` and takes one token if there is one. */
  protected abstract takeToken(keyId: string, plan: UsagePlan, now: number): Promise<TokenTaken>;

  /** Atomically adds one to the request count of `keyId` on `day` and returns the new count. */
  protected abstract countRequest(keyId: string, day: string): Promise<number>;

  /** Atomically adds one failure of `subject` at `now` (a fresh window when none is open) and returns it. */
  protected abstract addFailure(subject: string, windowMs: number, now: number): Promise<FailureWindow>;

  /** Atomically takes one failure back from the window of `subject` if it is open at `now` and counts any. */
  protected abstract removeFailure(subject: string, windowMs: number, now: number): Promise<void>;

  abstract close(): Promise<void>;

  async recordFailure(subject: string, policy: FailurePolicy): Promise<FailureCount> {
    const now = this.clock.now();
    const window = await this.addFailure(subject, policy.windowMs, now);
    return { failures: window.failures, waitSeconds: failureWaitSeconds(window, now, policy) };
  }

  async forgiveFailure(subject: string, policy: FailurePolicy): Promise<void> {
    await this.removeFailure(subject, policy.windowMs, this.clock.now());
  }

  async consume(keyId: string, plan: UsagePlan): Promise<RateLimitDecision> {
    const now = this.clock.now();
    const bucket = await this.takeToken(keyId, plan, now);
    if (!bucket.allowed) return decide(plan, now, bucket, 0);
    return decide(plan, now, bucket, await this.countRequest(keyId, utcDay(now)));
  }
}

/**
 * The decision for one request: the bucket as taken, and `used` (today's count including this
 * request) when the bucket admitted it.
 */
export function decide(plan: UsagePlan, now: number, bucket: TokenTaken, used: number): RateLimitDecision {
  const bucketReset = Math.max(
    1,
    Math.ceil(msUntilFull(bucket.tokens, plan.rateLimit, plan.burstLimit) / 1000),
  );
  if (!bucket.allowed) {
    return {
      allowed: false,
      reason: 'rate',
      limit: plan.burstLimit,
      remaining: 0,
      resetSeconds: bucketReset,
      retryAfterSeconds: Math.max(1, Math.ceil(msUntilToken(bucket.tokens, plan.rateLimit) / 1000)),
    };
  }
  const quotaReset = secondsToNextUtcDay(now);
  if (used > plan.dailyQuota) {
    return {
      allowed: false,
      reason: 'quota',
      limit: plan.dailyQuota,
      remaining: 0,
      resetSeconds: quotaReset,
      retryAfterSeconds: quotaReset,
    };
  }
  const quotaRemaining = plan.dailyQuota - used;
  const bucketRemaining = Math.floor(bucket.tokens);
  // Report whichever window runs out first, as the RateLimit header draft recommends.
  return quotaRemaining < bucketRemaining
    ? {
        allowed: true,
        reason: undefined,
        limit: plan.dailyQuota,
        remaining: quotaRemaining,
        resetSeconds: quotaReset,
        retryAfterSeconds: 0,
      }
    : {
        allowed: true,
        reason: undefined,
        limit: plan.burstLimit,
        remaining: bucketRemaining,
        resetSeconds: bucketReset,
        retryAfterSeconds: 0,
      };
}
