import { describe, expect, it } from 'vitest';
import { isoDuration, isoDurationBetween } from '../../src/kernel/iso-duration.js';
import {
  addDays,
  daysBetween,
  isCalendarDate,
  localToEpoch,
  offsetMinutes,
  toUtcIso,
  toZonedIso,
  zonedDate,
  zonedDayClock,
  zonedToEpoch,
} from '../../src/kernel/zoned-time.js';

describe('zoned time', () => {
  it('converts any minute of a day as zonedToEpoch does, in every zone, on every day of a year (DST days included)', () => {
    const mismatches: string[] = [];
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      for (let day = 0; day < 365; day++) {
        const date = addDays('2026-01-01', day);
        const clock = zonedDayClock(date, zone);
        // Midnight, inside a spring-forward gap or fall-back overlap in most zones, and the day's end.
        for (const minute of [0, 150, 1439]) {
          if (clock(minute) !== zonedToEpoch(date, minute, zone))
            mismatches.push(`${zone} ${date} ${minute}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('converts a New York wall-clock time to UTC in winter and in summer (DST)', () => {
    expect(toUtcIso(zonedToEpoch('2026-01-15', 18 * 60 + 30, 'America/New_York'))).toBe(
      '2026-01-15T23:30:00Z',
    );
    expect(toUtcIso(zonedToEpoch('2026-07-15', 18 * 60 + 30, 'America/New_York'))).toBe(
      '2026-07-15T22:30:00Z',
    );
  });

  it('handles half-hour and date-line zones', () => {
    expect(toZonedIso(Date.parse('2026-03-01T00:00:00Z'), 'Asia/Kolkata')).toBe('2026-03-01T05:30:00+05:30');
    expect(toZonedIso(Date.parse('2026-03-01T00:00:00Z'), 'Pacific/Auckland')).toBe(
      '2026-03-01T13:00:00+13:00',
    );
    expect(zonedDate(Date.parse('2026-03-01T20:00:00Z'), 'Pacific/Auckland')).toBe('2026-03-02');
  });

  it('shifts a wall-clock time inside the spring-forward gap forward', () => {
    // 02:30 does not exist in New York on 2026-03-08; it is 03:30 EDT = 07:30Z.
    const epoch = zonedToEpoch('2026-03-08', 2 * 60 + 30, 'America/New_York');
    expect(toZonedIso(epoch, 'America/New_York')).toBe('2026-03-08T03:30:00-04:00');
  });

  it('reports offsets in minutes, negative west of Greenwich', () => {
    expect(offsetMinutes(Date.parse('2026-01-01T12:00:00Z'), 'America/Los_Angeles')).toBe(-480);
    expect(offsetMinutes(Date.parse('2026-01-01T12:00:00Z'), 'Asia/Kathmandu')).toBe(345);
    expect(offsetMinutes(Date.parse('2026-01-01T12:00:00Z'), 'UTC')).toBe(0);
  });

  it('writes ISO 8601 durations', () => {
    expect(isoDuration(425)).toBe('PT7H5M');
    expect(isoDuration(420)).toBe('PT7H');
    expect(isoDuration(45)).toBe('PT45M');
    expect(isoDuration(0)).toBe('PT0M');
    // A supplier's itinerary is written the same way as the inventory's (never "PT7H0M").
    expect(isoDurationBetween('2026-12-01T10:00:00Z', '2026-12-01T17:00:00Z')).toBe('PT7H');
  });

  it("reads a supplier's local time (with seconds) at a place as an instant", () => {
    expect(toUtcIso(localToEpoch('2026-07-15T18:30:05', 'America/New_York'))).toBe('2026-07-15T22:30:05Z');
    expect(toUtcIso(localToEpoch('2026-01-15T18:30', 'Europe/Paris'))).toBe('2026-01-15T17:30:00Z');
  });

  it('does calendar arithmetic and rejects impossible dates', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3);
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-2-3')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
  });
});
