import type { UsagePlan } from './usage-plan.js';

/**
 * The outcome of one request against a key's token bucket and daily quota. `limit`,
 * `remaining` and `resetSeconds` describe whichever of the two is closer to exhaustion, as the
 * IETF RateLimit header draft asks, so they map onto the `ratelimit-*` headers one to one.
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Why the request was refused; undefined when allowed. */
  reason: 'rate' | 'quota' | undefined;
  /** Size of the limiting window: the bucket's `burstLimit` or the plan's `dailyQuota`. */
  limit: number;
  /** Requests still admitted right now in that window (0 when refused). */
  remaining: number;
  /** Whole seconds until the window is full again (bucket refilled, or the next UTC day). */
  resetSeconds: number;
  /** Whole seconds (≥ 1) a refused client should wait; 0 when allowed. */
  retryAfterSeconds: number;
}

/**
 * How many failed attempts (a wrong API key, secret or token) one subject, such as a client
 * address, may make: `maxFailures` in a window that opens at its first failure and lasts
 * `windowMs`; after that it is refused until the window ends.
 */
export interface FailurePolicy {
  maxFailures: number;
  windowMs: number;
}

/** A subject's failed attempts once one more was counted. */
export interface FailureCount {
  /** Failures in the subject's current window, this one included. */
  failures: number;
  /** Whole seconds (≥ 1) until the window ends when `failures` reached `maxFailures`, else 0. */
  waitSeconds: number;
}

/**
 * Token bucket plus daily quota per API key, and failed-attempt windows per subject. Several
 * instances of one backend sharing a store (Redis) share each key's bucket and quota and each
 * subject's failures atomically. Rejects with `RateLimiterUnavailableError` when the backend
 * cannot be reached.
 */
export interface RateLimiter {
  /** Takes one token and one unit of today's quota for `keyId` under `plan`, or refuses. */
  consume(keyId: string, plan: UsagePlan): Promise<RateLimitDecision>;
  /**
   * The same as `consume`, decided at once in process; absent on backends that must ask a remote
   * store (callers then use `consume`).
   */
  consumeNow?(keyId: string, plan: UsagePlan): RateLimitDecision;
  /**
   * Counts one failed attempt by `subject` in its window (a fresh one when none is open) and returns
   * the count. Atomic: concurrent callers each see a different count.
   */
  recordFailure(subject: string, policy: FailurePolicy): Promise<FailureCount>;
  /**
   * Takes back one failure of `subject` from its open window: an attempt counted before it was
   * checked (so concurrent attempts cannot all slip under the limit) that then succeeded. A no-op
   * when no window is open or it counts none.
   */
  forgiveFailure(subject: string, policy: FailurePolicy): Promise<void>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** The limiter's backend failed; callers decide whether to fail open or closed. */
export class RateLimiterUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RateLimiterUnavailableError';
  }
}
