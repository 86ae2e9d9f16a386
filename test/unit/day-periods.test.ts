import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countOperatingDays,
  type DayPeriod,
  operatesOn,
  operatingDays,
  shiftPeriod,
} from '../../src/kernel/day-periods.js';

const period = fc
  .record({
    firstDay: fc.integer({ min: 20_000, max: 21_000 }),
    length: fc.integer({ min: 0, max: 400 }),
    days: fc.integer({ min: 1, max: 127 }),
    weeks: fc.constantFrom(1 as const, 2 as const),
    anchorShift: fc.integer({ min: -30, max: 30 }),
  })
  .map(
    ({ firstDay, length, days, weeks, anchorShift }): DayPeriod => ({
      firstDay,
      lastDay: firstDay + length,
      days,
      weeks,
      anchorDay: firstDay + anchorShift,
    }),
  );

describe('periods of operation (kernel/day-periods.ts)', () => {
  it('count the days they fly as a day-by-day walk does', () => {
    fc.assert(
      fc.property(period, (p) => {
        let walked = 0;
        for (let day = p.firstDay; day <= p.lastDay; day++) if (operatesOn(p, day)) walked++;
        expect(countOperatingDays(p)).toBe(walked);
        expect([...operatingDays(p)]).toHaveLength(walked);
      }),
    );
  });

  it('shifted by some days, fly exactly the shifted days (the UTC departure dates of a period)', () => {
    fc.assert(
      fc.property(period, fc.integer({ min: -3, max: 3 }), (p, shift) => {
        const shifted = shiftPeriod(p, shift);
        expect([...operatingDays(shifted)]).toEqual([...operatingDays(p)].map((day) => day + shift));
      }),
    );
  });
});
