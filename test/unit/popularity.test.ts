import { describe, expect, it } from 'vitest';
import { Popularity } from '../../src/core/search/popularity.js';
import { ManualClock } from '../helpers/manual-clock.js';

describe('Popularity', () => {
  it('stays bounded under distinct keys: past 50,000 keys a window counts only keys it knows', () => {
    const clock = new ManualClock(0);
    const popularity = new Popularity(clock, 60_000);
    popularity.hit('popular');
    for (let i = 0; i < 60_000; i++) popularity.hit(`distinct-${i}`);

    expect(popularity.count('distinct-49998')).toBe(1);
    expect(popularity.count('distinct-59999')).toBe(0);
    expect(popularity.hit('popular')).toBe(2);

    // The next window starts empty: a key the full window left out is counted again.
    clock.advance(60_000);
    expect(popularity.hit('distinct-59999')).toBe(1);
    expect(popularity.hit('popular')).toBe(3);
  });
});
