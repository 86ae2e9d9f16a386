import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/ports/clock.js';
import type { FailurePolicy, RateLimiter } from '../../src/ports/rate-limiter.js';
import type { UsagePlan } from '../../src/ports/usage-plan.js';
import { ManualClock } from '../helpers/manual-clock.js';

export interface RateLimiterContractOptions {
  /** A fresh limiter; limiters made with the same `shared` token share state (one store). */
  create: (clock: Clock, shared: string) => Promise<RateLimiter>;
  /** Whether two instances share buckets and quotas (true for networked backends). */
  sharesState: boolean;
}

const plan: UsagePlan = { name: 'test', rateLimit: 5, burstLimit: 10, dailyQuota: 1_000 };
const NOON = Date.parse('2026-03-10T12:00:00.000Z');
const failures: FailurePolicy = { maxFailures: 3, windowMs: 60_000 };

/** The behaviour every RateLimiter backend must show, on an injected clock. */
export function describeRateLimiterContract(name: string, options: RateLimiterContractOptions): void {
  describe(`RateLimiter contract: ${name}`, () => {
    const open: RateLimiter[] = [];
    let counter = 0;
    const make = async (clock: Clock, shared = `s${process.pid}-${Date.now()}-${counter++}`) => {
      const limiter = await options.create(clock, shared);
      open.push(limiter);
      return limiter;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((limiter) => limiter.close()));
    });

    it('admits a full burst at once, counting remaining down exactly, then refuses with retry-after', async () => {
      const limiter = await make(new ManualClock(NOON));
      const remaining: number[] = [];
      for (let i = 0; i < 10; i++) {
        const decision = await limiter.consume('k', plan);
        expect(decision.allowed).toBe(true);
        expect(decision.limit).toBe(10);
        remaining.push(decision.remaining);
      }
      expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      const refused = await limiter.consume('k', plan);
      expect(refused).toMatchObject({ allowed: false, reason: 'rate', remaining: 0, retryAfterSeconds: 1 });
      expect(refused.resetSeconds).toBe(2);
    });

    it('consumeNow, where offered, decides exactly as consume does and shares its buckets and quotas', async () => {
      const limiter = await make(new ManualClock(NOON));
      if (limiter.consumeNow === undefined) return;
      const decisions = [];
      for (let i = 0; i < 10; i++)
        decisions.push(i % 2 === 0 ? limiter.consumeNow('k', plan) : await limiter.consume('k', plan));
      expect(decisions.map((d) => d.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      expect(limiter.consumeNow('k', plan)).toMatchObject({
        allowed: false,
        reason: 'rate',
        retryAfterSeconds: 1,
      });
      const tight = { ...plan, dailyQuota: 2 };
      expect([limiter.consumeNow('q', tight).allowed, (await limiter.consume('q', tight)).allowed]).toEqual([
        true,
        true,
      ]);
      expect(limiter.consumeNow('q', tight)).toMatchObject({ allowed: false, reason: 'quota' });
    });

    it('refills at the plan rate: one second later exactly five more pass', async () => {
      const clock = new ManualClock(NOON);
      const limiter = await make(clock);
      for (let i = 0; i < 10; i++) await limiter.consume('k', plan);
      clock.advance(1000);
      const outcomes = [];
      for (let i = 0; i < 7; i++) outcomes.push((await limiter.consume('k', plan)).allowed);
      expect(outcomes).toEqual([true, true, true, true, true, false, false]);
    });

    it('never refills above the burst limit after a long idle period', async () => {
      const clock = new ManualClock(NOON);
      const limiter = await make(clock);
      await limiter.consume('k', plan);
      clock.advance(3_600_000);
      let admitted = 0;
      for (let i = 0; i < 15; i++) if ((await limiter.consume('k', plan)).allowed) admitted++;
      expect(admitted).toBe(10);
    });

    it('keeps separate buckets per key', async () => {
      const limiter = await make(new ManualClock(NOON));
      for (let i = 0; i < 10; i++) await limiter.consume('a', plan);
      expect((await limiter.consume('a', plan)).allowed).toBe(false);
      expect((await limiter.consume('b', plan)).allowed).toBe(true);
    });

    it('refuses past the daily quota until the next UTC day, with retry-after to midnight', async () => {
      const clock = new ManualClock(Date.parse('2026-03-10T23:59:00.000Z'));
      const limiter = await make(clock);
      const small: UsagePlan = { name: 'tiny', rateLimit: 1000, burstLimit: 1000, dailyQuota: 3 };
      const first = await limiter.consume('q', small);
      expect(first).toMatchObject({ allowed: true, limit: 3, remaining: 2, resetSeconds: 60 });
      await limiter.consume('q', small);
      expect((await limiter.consume('q', small)).remaining).toBe(0);
      const refused = await limiter.consume('q', small);
      expect(refused).toMatchObject({
        allowed: false,
        reason: 'quota',
        limit: 3,
        remaining: 0,
        retryAfterSeconds: 60,
      });
      clock.set(Date.parse('2026-03-10T23:59:59.500Z'));
      expect((await limiter.consume('q', small)).reason).toBe('quota');
      clock.set(Date.parse('2026-03-11T00:00:00.000Z'));
      const nextDay = await limiter.consume('q', small);
      expect(nextDay).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 86_400 });
    });

    it('does not charge the quota for requests the bucket refused', async () => {
      const clock = new ManualClock(NOON);
      const limiter = await make(clock);
      const tight: UsagePlan = { name: 'tight', rateLimit: 1, burstLimit: 2, dailyQuota: 4 };
      for (let i = 0; i < 10; i++) await limiter.consume('t', tight);
      clock.advance(2000);
      const outcomes = [];
      for (let i = 0; i < 3; i++) outcomes.push((await limiter.consume('t', tight)).reason ?? 'ok');
      expect(outcomes).toEqual(['ok', 'ok', 'rate']);
    });

    it("counts a subject's failures in its window, with the wait once they reach maxFailures", async () => {
      const clock = new ManualClock(NOON);
      const limiter = await make(clock);
      const counts = [];
      for (let i = 0; i < 4; i++) {
        counts.push(await limiter.recordFailure('203.0.113.7', failures));
        clock.advance(10_000);
      }
      expect(counts).toEqual([
        { failures: 1, waitSeconds: 0 },
        { failures: 2, waitSeconds: 0 },
        { failures: 3, waitSeconds: 40 },
        // The window does not move with further failures: it ends 60 s after the first.
        { failures: 4, waitSeconds: 30 },
      ]);
    });

    it('opens a fresh window once the old one has passed', async () => {
      const clock = new ManualClock(NOON);
      const limiter = await make(clock);
      for (let i = 0; i < 3; i++) await limiter.recordFailure('s', failures);
      clock.advance(60_000);
      expect(await limiter.recordFailure('s', failures)).toEqual({ failures: 1, waitSeconds: 0 });
    });

    it('forgives one failure of an open window, and nothing of a passed or empty one', async () => {
      const clock = new ManualClock(NOON);
      const limiter = await make(clock);
      await limiter.forgiveFailure('f', failures);
      await limiter.recordFailure('f', failures);
      await limiter.recordFailure('f', failures);
      await limiter.forgiveFailure('f', failures);
      expect(await limiter.recordFailure('f', failures)).toEqual({ failures: 2, waitSeconds: 0 });
      clock.advance(60_000);
      await limiter.forgiveFailure('f', failures);
      expect(await limiter.recordFailure('f', failures)).toEqual({ failures: 1, waitSeconds: 0 });
    });

    it("counts each subject's failures apart, and apart from the usage buckets", async () => {
      const limiter = await make(new ManualClock(NOON));
      for (let i = 0; i < 3; i++) await limiter.recordFailure('a', failures);
      expect((await limiter.recordFailure('b', failures)).failures).toBe(1);
      expect((await limiter.consume('a', plan)).allowed).toBe(true);
    });

    if (options.sharesState) {
      it('two instances sharing the store count one failure window, concurrently', async () => {
        const clock = new ManualClock(NOON);
        const shared = `failures-${process.pid}-${Date.now()}`;
        const a = await make(clock, shared);
        const b = await make(clock, shared);
        const policy = { maxFailures: 10, windowMs: 60_000 };
        const counts = await Promise.all(
          Array.from({ length: 15 }, (_, i) => (i % 2 === 0 ? a : b).recordFailure('x', policy)),
        );
        expect(counts.map((count) => count.failures).sort((x, y) => x - y)).toEqual(
          Array.from({ length: 15 }, (_, i) => i + 1),
        );
        expect(counts.filter((count) => count.waitSeconds === 60)).toHaveLength(6);
      });

      it('two instances sharing the store admit one bucket in total, concurrently', async () => {
        const clock = new ManualClock(NOON);
        const shared = `shared-${process.pid}-${Date.now()}`;
        const a = await make(clock, shared);
        const b = await make(clock, shared);
        const decisions = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).consume('k', plan)),
        );
        expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
        const remaining = decisions.filter((d) => d.allowed).map((d) => d.remaining);
        expect([...remaining].sort((x, y) => y - x)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
      });

      it('two instances share one daily quota', async () => {
        const clock = new ManualClock(NOON);
        const shared = `quota-${process.pid}-${Date.now()}`;
        const a = await make(clock, shared);
        const b = await make(clock, shared);
        const small: UsagePlan = { name: 'tiny', rateLimit: 1000, burstLimit: 1000, dailyQuota: 5 };
        const decisions = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).consume('q', small)),
        );
        expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
        expect(decisions.filter((d) => d.reason === 'quota')).toHaveLength(7);
      });
    }
  });
}
