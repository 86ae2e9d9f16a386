import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep } from '../../src/kernel/backoff.js';

describe('backoffDelay', () => {
  const policy = { baseMs: 100, maxMs: 1000 };

  it('doubles the nominal delay each attempt, with jitter between half and all of it', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 0))).toEqual([50, 100, 200, 400]);
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 0.999999))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap', () => {
    expect(backoffDelay(20, policy, () => 0.999999)).toBe(1000);
    expect(backoffDelay(20, policy, () => 0)).toBe(500);
  });

  it('with full jitter waits anywhere from nothing to the nominal delay', () => {
    const full = { ...policy, jitter: 'full' as const };
    expect([1, 2, 3].map((a) => backoffDelay(a, full, () => 0))).toEqual([0, 0, 0]);
    expect([1, 2, 3].map((a) => backoffDelay(a, full, () => 0.5))).toEqual([50, 100, 200]);
  });

  it('sleeps until aborted, and not at all when already aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 10);
    await sleep(60_000, controller.signal);
    await sleep(60_000, controller.signal);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
