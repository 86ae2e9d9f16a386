import { describe, expect, it } from 'vitest';
import { firstRequestBound } from '../../bench/first-requests.js';

describe("the bench's first-request bound", () => {
  const paths = ['/a', '/b', '/a', '/c', '/b', '/d'];

  it('counts as reachable only the requests whose path was asked before, in the warm-up or the window', () => {
    // Warm-up sent /a /b; the window /a /c /b /d: /a and /b were asked before, /c and /d are firsts.
    expect(firstRequestBound(paths, [{ start: 0, sent: 2 }], { start: 2, sent: 4 })).toBe(0.5);
    // Without the warm-up, /a /c /b /d are all firsts.
    expect(firstRequestBound(paths, [], { start: 2, sent: 4 })).toBe(0);
  });

  it('follows wrk around the end of the paths file', () => {
    // Lines 6, 1, 2, 3: /d /a /b /a — the second /a repeats the first.
    expect(firstRequestBound(paths, [], { start: 5, sent: 4 })).toBe(0.25);
  });

  it('has nothing to say about a window that sent nothing', () => {
    expect(firstRequestBound(paths, [], { start: 0, sent: 0 })).toBeUndefined();
  });
});
