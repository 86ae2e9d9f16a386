import { describe, expect, it } from 'vitest';
import { FlushSchedule } from '../../src/lambda/flush-schedule.js';

describe('FlushSchedule (when a Lambda invocation writes its buffered counts)', () => {
  it('writes on the first invocation, then at most once per interval', () => {
    let now = 1_000;
    const schedule = new FlushSchedule(10_000, () => now);
    const due: boolean[] = [];
    for (const at of [1_000, 2_000, 10_999, 11_000, 11_001, 25_000]) {
      now = at;
      due.push(schedule.due());
    }
    expect(due).toEqual([true, false, false, true, false, true]);
  });

  it('with an interval of 0 writes on every invocation', () => {
    const schedule = new FlushSchedule(0, () => 5);
    expect([schedule.due(), schedule.due(), schedule.due()]).toEqual([true, true, true]);
  });
});
