import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';
import { lowerThreadPriority } from '../../src/search-threads/thread-priority.js';

/** Search threads lower their own priority (test/search/search-threads.test.ts checks they do). */
describe('lowerThreadPriority', () => {
  it('never lowers the main thread, whose id is the process id', () => {
    const before = getPriority();
    expect(lowerThreadPriority(10)).toBe(false);
    expect(getPriority()).toBe(before);
  });

  it('leaves the priority alone at niceness 0', () => {
    const before = getPriority();
    expect(lowerThreadPriority(0)).toBe(false);
    expect(getPriority()).toBe(before);
  });
});
