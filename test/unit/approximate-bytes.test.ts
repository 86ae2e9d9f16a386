import { describe, expect, it } from 'vitest';
import { approximateBytes } from '../../src/adapters/cache/local-tier.js';

/**
 * The in-process cache tier bounds its bytes by this estimate of the V8 heap a value holds; how close
 * it is to the real heap is measured through real searches in test/search/cache-heap.test.ts.
 */
describe('approximateBytes', () => {
  it('grows with the value: a field, an element, a character', () => {
    const base = approximateBytes({ a: 'text', list: [1] });
    expect(approximateBytes({ a: 'text', list: [1], b: 2 })).toBeGreaterThan(base);
    expect(approximateBytes({ a: 'text', list: [1, 2] })).toBeGreaterThan(base);
    expect(approximateBytes({ a: 'text but longer', list: [1] })).toBeGreaterThan(base);
  });

  it('counts a value JSON cannot encode (a cycle) as too large to keep', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(approximateBytes(cyclic)).toBe(Number.MAX_SAFE_INTEGER);
    expect(approximateBytes({ big: 1n })).toBe(Number.MAX_SAFE_INTEGER);
  });
});
