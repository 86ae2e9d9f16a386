/**
 * Periods of operation as a schedule states them: a range of days, the weekdays flown and a
 * frequency (every week, or every other week counted from an anchor day). Days are whole days
 * since 1970-01-01 (UTC calendar dates). Part of the kernel: the SSIM importer builds periods with
 * these rules, the stores derive dated legs from them and cache consumers expand the periods a
 * schedule change names into dates, all with this one arithmetic.
 */

export const DAY_MS = 86_400_000;

/** A period of operation: the days in [firstDay, lastDay] whose weekday is in `days` and whose week is flown. */
export interface DayPeriod {
  firstDay: number;
  lastDay: number;
  /** ISO weekdays flown as bits: bit 0 Monday … bit 6 Sunday. */
  days: number;
  /** 1 every week, 2 every other week: the weeks counted from `anchorDay` alternate, the first one flown. */
  weeks: 1 | 2;
  anchorDay: number;
}

/** Every weekday. */
export const ALL_DAYS = 0b111_1111;

/** Days since 1970-01-01 of a calendar date (YYYY-MM-DD). */
export const dayOfDate = (date: string): number => Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);

/** Calendar dates of days, cached: every leg of a season names the same few hundred dates. */
const dates = new Map<number, string>();
export function dateOfDay(day: number): string {
  let date = dates.get(day);
  if (date === undefined) {
    if (dates.size >= 100_000) dates.clear();
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dates.set(day, date);
  }
  return date;
}

/** ISO weekday, 1 = Monday … 7 = Sunday, of a day since 1970-01-01 (a Thursday). */
export const isoWeekday = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

/** The `days` bits of a set of ISO weekdays. */
export function weekdayBits(weekdays: Iterable<number>): number {
  let bits = 0;
  for (const d of weekdays) bits |= 1 << (d - 1);
  return bits;
}

/** Whether the period flies on `day`. */
export function operatesOn(p: DayPeriod, day: number): boolean {
  if (day < p.firstDay || day > p.lastDay) return false;
  if ((p.days & (1 << (isoWeekday(day) - 1))) === 0) return false;
  // Fortnightly: the weeks counted from the anchor alternate, starting with one that flies.
  return p.weeks !== 2 || ((Math.floor((day - p.anchorDay) / 7) % 2) + 2) % 2 === 0;
}

/** The days the period flies within [from, to] (both clipped to the period), in order. */
export function* operatingDays(p: DayPeriod, from = p.firstDay, to = p.lastDay): Generator<number> {
  const last = Math.min(to, p.lastDay);
  for (let day = Math.max(from, p.firstDay); day <= last; day++) if (operatesOn(p, day)) yield day;
}

/** How many days the period flies; whole cycles of 14 days are counted at once. */
export function countOperatingDays(p: DayPeriod): number {
  const length = p.lastDay - p.firstDay + 1;
  if (length <= 0) return 0;
  let perCycle = 0;
  for (let day = p.firstDay; day < p.firstDay + Math.min(14, length); day++)
    if (operatesOn(p, day)) perCycle++;
  if (length <= 14) return perCycle;
  const cycles = Math.floor(length / 14);
  let count = perCycle * cycles;
  for (let day = p.firstDay + cycles * 14; day <= p.lastDay; day++) if (operatesOn(p, day)) count++;
  return count;
}

/**
 * The same days seen `shift` days later (e.g. the UTC departure dates of flights leaving a day after
 * their flight date): weekdays rotate, the anchor moves with them.
 */
export function shiftPeriod(p: DayPeriod, shift: number): DayPeriod {
  const rotate = ((shift % 7) + 7) % 7;
  const days = ((p.days << rotate) | (p.days >> (7 - rotate))) & ALL_DAYS;
  return {
    firstDay: p.firstDay + shift,
    lastDay: p.lastDay + shift,
    days,
    weeks: p.weeks,
    anchorDay: p.anchorDay + shift,
  };
}

/**
 * A dated leg's schedule signature: its period's (everything an import decides but the times) and
 * its times, so a flight kept as a row compares with the leg a new schedule derives for its id.
 */
export function datedLegSignature(signature: string, departureUtc: number, arrivalUtc: number): string {
  return `${signature}${departureUtc.toString(36)}${arrivalUtc.toString(36)}`;
}
