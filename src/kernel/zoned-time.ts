/**
 * Wall-clock ↔ instant conversion in IANA time zones with the runtime's ICU data (no library:
 * Intl gives exact offsets including DST), and calendar-date arithmetic. Part of the kernel: the
 * core's schedules and the suppliers' local times are read with the same rules.
 */

const MINUTE_MS = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Zone offsets change only on quarter-hour UTC boundaries, so one lookup serves a whole quarter hour. */
const QUARTER_HOUR_MS = 15 * MINUTE_MS;
const DAY_MS = 86_400_000;
/**
 * Offsets by zone, then by UTC day: the offset in force all day, or MIXED for a day on which the
 * zone changes its offset (then looked up by quarter hour). A zone changes at most a few times a
 * year and never twice within a day, so the offsets at a day's first and last instant tell whether
 * it changed; a search renders hundreds of local times, almost all on days without a change, and
 * each would otherwise cost an Intl look-up per quarter hour. No key string is built per look-up.
 */
const dayOffsets = new Map<string, Map<number, number>>();
const MIXED = Number.NaN;
/** Offsets by zone, then by quarter hour, for the days of a change. */
const offsetCache = new Map<string, Map<number, number>>();
let offsetsCached = 0;
const OFFSET_CACHE_LIMIT = 200_000;

/** Offset of `timeZone` from UTC at the instant `epochMs`, in minutes (e.g. -300 for New York in winter). */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  const day = Math.floor(epochMs / DAY_MS);
  let days = dayOffsets.get(timeZone);
  let offset = days?.get(day);
  if (offset === undefined) {
    const first = quarterOffset(day * DAY_MS, timeZone);
    offset = quarterOffset(day * DAY_MS + DAY_MS - 1, timeZone) === first ? first : MIXED;
    if (days === undefined) {
      days = new Map();
      dayOffsets.set(timeZone, days);
    }
    days.set(day, offset);
  }
  return Number.isNaN(offset) ? quarterOffset(epochMs, timeZone) : offset;
}

function quarterOffset(epochMs: number, timeZone: string): number {
  const quarter = Math.floor(epochMs / QUARTER_HOUR_MS);
  let zone = offsetCache.get(timeZone);
  let offset = zone?.get(quarter);
  if (offset === undefined) {
    offset = computeOffsetMinutes(epochMs, timeZone);
    if (offsetsCached >= OFFSET_CACHE_LIMIT) {
      offsetCache.clear();
      dayOffsets.clear();
      offsetsCached = 0;
      zone = undefined;
    }
    if (zone === undefined) {
      zone = new Map();
      offsetCache.set(timeZone, zone);
    }
    zone.set(quarter, offset);
    offsetsCached += 1;
  }
  return offset;
}

function computeOffsetMinutes(epochMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(epochMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / MINUTE_MS);
}

/**
 * The instant at which clocks in `timeZone` show `date` (YYYY-MM-DD) plus `minuteOfDay`.
 * In a DST gap the result is shifted forward by the gap, as airlines do.
 */
export function zonedToEpoch(date: string, minuteOfDay: number, timeZone: string): number {
  const wallAsUtc = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * MINUTE_MS;
  // The offset in force is one of those just before and after the wall time; try both.
  const candidates = [
    offsetMinutes(wallAsUtc - 86_400_000, timeZone),
    offsetMinutes(wallAsUtc + 86_400_000, timeZone),
  ]
    .map((offset) => wallAsUtc - offset * MINUTE_MS)
    .filter((instant) => instant + offsetMinutes(instant, timeZone) * MINUTE_MS === wallAsUtc);
  if (candidates.length > 0) return Math.min(...candidates);
  // No instant shows this wall time (a spring-forward gap): take the standard-time reading, which lands after the gap.
  return wallAsUtc - offsetMinutes(wallAsUtc - 86_400_000, timeZone) * MINUTE_MS;
}

/**
 * The one UTC offset (minutes) that `zonedToEpoch` applies to every wall time of a date (given as
 * days since 1970-01-01), or NaN when a transition is within reach of some wall time that day.
 * `zonedToEpoch` reads offsets within [midnight − 1 day, midnight + 2 days): the same at the ends and
 * at every day boundary in between means no transition there (zones change at most twice a year).
 */
export function steadyDayOffset(day: number, timeZone: string): number {
  const midnight = day * 86_400_000;
  const offset = offsetMinutes(midnight - 86_400_000, timeZone);
  const steady =
    offsetMinutes(midnight, timeZone) === offset &&
    offsetMinutes(midnight + 86_400_000, timeZone) === offset &&
    offsetMinutes(midnight + 2 * 86_400_000 - 1, timeZone) === offset;
  return steady ? offset : Number.NaN;
}

/**
 * `zonedToEpoch` for any minute of one date in one zone, for callers converting many departures of
 * the same day (the demo seeder: ~60,000 a day): one offset for the whole day when it is steady
 * (`steadyDayOffset`, as on all but a few days a year); otherwise `zonedToEpoch` decides.
 */
export function zonedDayClock(date: string, timeZone: string): (minuteOfDay: number) => number {
  const midnight = Date.parse(`${date}T00:00:00Z`);
  const offset = steadyDayOffset(Math.round(midnight / 86_400_000), timeZone);
  if (Number.isNaN(offset)) return (minuteOfDay) => zonedToEpoch(date, minuteOfDay, timeZone);
  const base = midnight - offset * MINUTE_MS;
  return (minuteOfDay) => base + minuteOfDay * MINUTE_MS;
}

/**
 * The instant at which clocks in `timeZone` show `local` ("YYYY-MM-DDTHH:MM[:SS]", no offset), as a
 * supplier writes its local times; DST gaps as in `zonedToEpoch`.
 */
export function localToEpoch(local: string, timeZone: string): number {
  const minuteOfDay = Number(local.slice(11, 13)) * 60 + Number(local.slice(14, 16));
  const seconds = local.length >= 19 ? Number(local.slice(17, 19)) : 0;
  return zonedToEpoch(local.slice(0, 10), minuteOfDay, timeZone) + seconds * 1000;
}

/** ISO 8601 local time with offset, e.g. "2026-12-01T18:30:00-05:00". */
export function toZonedIso(epochMs: number, timeZone: string): string {
  const offset = offsetMinutes(epochMs, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${isoSeconds(epochMs + offset * MINUTE_MS)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO 8601 UTC time without milliseconds, e.g. "2026-12-01T23:30:00Z". */
export function toUtcIso(epochMs: number): string {
  return `${isoSeconds(epochMs)}Z`;
}

/** Dates (YYYY-MM-DD) by day number since the epoch, for the days being rendered. */
const isoDates = new Map<number, string>();
const ISO_DATES_KEPT = 10_000;

/**
 * `new Date(epochMs).toISOString().slice(0, 19)`, without a Date per call: the date part by day
 * (kept), the time of day by arithmetic. Search renders a few thousand times an answer.
 */
function isoSeconds(epochMs: number): string {
  const day = Math.floor(epochMs / DAY_MS);
  let date = isoDates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (date.length !== 10) return new Date(epochMs).toISOString().slice(0, 19);
    if (isoDates.size >= ISO_DATES_KEPT) isoDates.clear();
    isoDates.set(day, date);
  }
  const seconds = Math.floor((epochMs - day * DAY_MS) / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor(seconds / 60) % 60;
  return `${date}T${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds % 60]}`;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => String(n).padStart(2, '0'));

/** Calendar date (YYYY-MM-DD) in `timeZone` at the instant `epochMs`. */
export function zonedDate(epochMs: number, timeZone: string): string {
  return new Date(epochMs + offsetMinutes(epochMs, timeZone) * MINUTE_MS).toISOString().slice(0, 10);
}

/** Adds whole days to a calendar date (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(parsed) && new Date(parsed).toISOString().slice(0, 10) === value;
}

const pad = (n: number): string => String(n).padStart(2, '0');
