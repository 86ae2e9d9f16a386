import { CircuitBreaker } from '../../kernel/circuit-breaker.js';
import { utcDay } from '../../kernel/utc-day.js';
import type {
  FailureCount,
  FailurePolicy,
  RateLimitDecision,
  RateLimiter,
} from '../../ports/rate-limiter.js';
import type { UsagePlan } from '../../ports/usage-plan.js';
import type { MemoryRateLimiter } from './memory.js';
import type { RedisRateLimiter } from './redis.js';

export interface FallbackRateLimiterOptions {
  shared: RedisRateLimiter;
  local: MemoryRateLimiter;
  /** Told when the shared limiter goes away and comes back. */
  onStateChange?: (state: 'open' | 'closed') => void;
}

/**
 * The shared (Redis) limiter behind a circuit breaker, with an in-process limiter standing in while
 * Redis is unreachable: each key gets its plan divided by the number of live instances last seen,
 * so the cluster as a whole still admits about one plan. Requests admitted meanwhile are counted
 * and added to the shared daily quota once Redis answers again.
 */
export class FallbackRateLimiter implements RateLimiter {
  readonly #shared: RedisRateLimiter;
  readonly #local: MemoryRateLimiter;
  readonly #breaker: CircuitBreaker;
  /** Requests admitted by the local limiter, by key and UTC day, not yet in the shared quota. */
  readonly #unreconciled = new Map<string, { keyId: string; day: string; requests: number }>();
  #reconciling: Promise<void> | undefined;
  /** While counts are owed, checks now and then whether Redis is back even if no request comes. */
  readonly #retry: NodeJS.Timeout;

  constructor(options: FallbackRateLimiterOptions) {
    this.#shared = options.shared;
    this.#local = options.local;
    this.#breaker = new CircuitBreaker({
      name: 'Redis rate limiter',
      isConnected: () => options.shared.isConnected(),
      onStateChange: (state) => {
        options.onStateChange?.(state);
        if (state === 'closed') this.#reconcile();
      },
    });
    this.#retry = setInterval(() => {
      if (this.#unreconciled.size > 0 && options.shared.isConnected()) this.#reconcile();
    }, RECONCILE_EVERY_MS);
    this.#retry.unref();
  }

  /** Requests admitted locally and not yet added to the shared quota (for tests and metrics). */
  unreconciled(): number {
    let total = 0;
    for (const entry of this.#unreconciled.values()) total += entry.requests;
    return total;
  }

  /** True while the in-process limiter stands in for Redis. */
  usingFallback(): boolean {
    return this.#breaker.isOpen;
  }

  /** Resolves once counts owed to the shared quota have been handed over (or the attempt failed). */
  async reconciled(): Promise<void> {
    await this.#reconciling;
  }

  async consume(keyId: string, plan: UsagePlan): Promise<RateLimitDecision> {
    try {
      return await this.#breaker.run(() => this.#shared.consume(keyId, plan));
    } catch {
      // Unavailable, circuit open or too slow: the same outage seen three ways; the local limiter
      // answers instead.
    }
    const decision = await this.#local.consume(keyId, shareOf(plan, this.#shared.liveInstances()));
    if (decision.allowed) this.#count(keyId);
    return decision;
  }

  /**
   * While Redis is away each process counts the failures it sees itself: a guesser spread over
   * N processes gets up to N allowances per window until Redis is back, never an unlimited run.
   */
  async recordFailure(subject: string, policy: FailurePolicy): Promise<FailureCount> {
    try {
      return await this.#breaker.run(() => this.#shared.recordFailure(subject, policy));
    } catch {
      return this.#local.recordFailure(subject, policy);
    }
  }

  async forgiveFailure(subject: string, policy: FailurePolicy): Promise<void> {
    try {
      await this.#breaker.run(() => this.#shared.forgiveFailure(subject, policy));
    } catch {
      await this.#local.forgiveFailure(subject, policy);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#retry);
    await this.#reconciling;
    await this.#shared.close();
    await this.#local.close();
  }

  #count(keyId: string): void {
    const day = utcDay(Date.now());
    const slot = `${keyId}\u0000${day}`;
    const entry = this.#unreconciled.get(slot);
    if (entry) entry.requests += 1;
    else this.#unreconciled.set(slot, { keyId, day, requests: 1 });
  }

  #reconcile(): void {
    if (this.#reconciling !== undefined) return;
    this.#reconciling = (async () => {
      const owed = [...this.#unreconciled.entries()];
      for (const [slot, entry] of owed) {
        const handedOver = entry.requests;
        try {
          await this.#shared.addToQuota(entry.keyId, entry.day, handedOver);
          // Only what was handed over: requests admitted meanwhile stay owed.
          entry.requests -= handedOver;
          if (entry.requests <= 0) this.#unreconciled.delete(slot);
        } catch {
          return; // Redis went away again; the next recovery hands the rest over.
        }
      }
    })().finally(() => {
      this.#reconciling = undefined;
    });
  }
}

/** How often owed counts are retried while Redis seems back but no request has closed the circuit. */
const RECONCILE_EVERY_MS = 1000;

/** A plan shared by `instances` processes: each gets its part of the rate, burst and quota. */
function shareOf(plan: UsagePlan, instances: number): UsagePlan {
  if (instances <= 1) return plan;
  return {
    ...plan,
    rateLimit: plan.rateLimit / instances,
    burstLimit: Math.max(1, Math.floor(plan.burstLimit / instances)),
    dailyQuota: Math.max(1, Math.floor(plan.dailyQuota / instances)),
  };
}
