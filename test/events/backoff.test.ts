import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../src/kernel/backoff.js';

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
});
