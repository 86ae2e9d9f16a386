import { describe, expect, it } from 'vitest';
import { DayWindowTimetable } from '../../src/core/flights/timetable/day-window-timetable.js';
import type { SearchWindow } from '../../src/core/flights/timetable/live-timetable.js';
import { buildTimetable } from '../../src/core/flights/timetable/timetable-builder.js';
import type { InventoryStore } from '../../src/ports/store.js';
import { ManualClock } from '../helpers/manual-clock.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2030, 0, 10);
/** A store with no routes: each build is an empty layout covering exactly the window asked. */
const empty = { listRoutes: async () => [], findFlightsOnLegs: async () => [] } as unknown as InventoryStore;

function timetable(clock: ManualClock, builds: SearchWindow[]) {
  return new DayWindowTimetable({
    position: () => undefined,
    maxDays: 8,
    maxAgeMs: 60_000,
    clock,
    build: async (window) => {
      builds.push(window);
      return buildTimetable(empty, window);
    },
  });
}

describe('DayWindowTimetable (SEARCH_INDEX=days)', () => {
  it('reads the days of a window on their second search, in the background, then serves them', async () => {
    const builds: SearchWindow[] = [];
    const days = timetable(new ManualClock(T0), builds);
    // The first search of some days reads nothing: a cold start's first request pays no read.
    expect(days.current({ from: T0 + 3_600_000, to: T0 + 3 * DAY })).toBeUndefined();
    await days.settled();
    expect(builds).toEqual([]);
    expect(days.current({ from: T0 + 3_600_000, to: T0 + 3 * DAY })).toBeUndefined();
    await days.settled();
    expect(builds).toEqual([{ from: T0, to: T0 + 3 * DAY }]);
    expect(days.current({ from: T0, to: T0 + 2 * DAY })).toBeDefined();
    expect(builds).toHaveLength(1);
  });

  it('holds at most maxDays days, dropping the least recently searched window first', async () => {
    const builds: SearchWindow[] = [];
    const days = timetable(new ManualClock(T0), builds);
    for (const start of [0, 10, 20]) {
      days.current({ from: T0 + start * DAY, to: T0 + (start + 4) * DAY });
      days.current({ from: T0 + start * DAY, to: T0 + (start + 4) * DAY });
      await days.settled();
    }
    expect(days.held().map((w) => (w.from - T0) / DAY)).toEqual([10, 20]);
  });

  it('reads a window again once it is older than maxAgeMs (no events reach a Lambda sandbox)', async () => {
    const clock = new ManualClock(T0);
    const builds: SearchWindow[] = [];
    const days = timetable(clock, builds);
    const window = { from: T0, to: T0 + 4 * DAY };
    days.current(window);
    days.current(window);
    await days.settled();
    clock.advance(61_000);
    expect(days.current(window)).toBeUndefined();
    days.current(window);
    await days.settled();
    expect(builds).toHaveLength(2);
    expect(days.current(window)).toBeDefined();
  });

  it('caps a window spanning more than maxDays (a far return date reads the store)', async () => {
    const builds: SearchWindow[] = [];
    const days = timetable(new ManualClock(T0), builds);
    days.current({ from: T0, to: T0 + 30 * DAY });
    days.current({ from: T0, to: T0 + 30 * DAY });
    await days.settled();
    expect(builds).toEqual([{ from: T0, to: T0 + 8 * DAY }]);
  });
});
