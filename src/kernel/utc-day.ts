/** UTC calendar days: the unit of daily quotas and usage counters, shared by core and adapters. */

const DAY_MS = 86_400_000;

/** The UTC calendar day (`YYYY-MM-DD`) containing epoch ms `at`. */
export function utcDay(at: number): string {
  // Asked on every metered request, nearly always about the same day: the last answer is kept.
  if (at >= lastDay.from && at < lastDay.from + DAY_MS) return lastDay.day;
  const day = new Date(at).toISOString().slice(0, 10);
  if (Number.isFinite(at)) lastDay = { from: Math.floor(at / DAY_MS) * DAY_MS, day };
  return day;
}

let lastDay = { from: Number.NaN, day: '' };

/** Whole seconds (≥ 1) from `at` to the next UTC midnight, when daily quotas reset. */
export function secondsToNextUtcDay(at: number): number {
  const next = (Math.floor(at / DAY_MS) + 1) * DAY_MS;
  return Math.max(1, Math.ceil((next - at) / 1000));
}

/** True when `day` is a real `YYYY-MM-DD` calendar date. */
export function isUtcDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const parsed = Date.parse(`${day}T00:00:00Z`);
  return Number.isFinite(parsed) && utcDay(parsed) === day;
}
