import { isUtcDay } from '../../kernel/utc-day.js';
import type { FieldError } from '../errors.js';

/** Most days one usage query may span: a year, leap day included. */
export const MAX_USAGE_DAYS = 366;

/** The UTC days a usage report covers, both included. */
export interface UsageRange {
  from: string;
  to: string;
}

/**
 * The days a usage query asks for: `from` defaults to today, `to` to `from` (or today when `from`
 * is not a day). Field errors (`query.from`, `query.to`) when a day is not a calendar day, the
 * range runs backwards or spans more than MAX_USAGE_DAYS; empty when the range is served.
 */
export function usageRange(
  query: { from?: string | undefined; to?: string | undefined },
  today: string,
): UsageRange & { errors: FieldError[] } {
  const from = query.from ?? today;
  const to = query.to ?? (isUtcDay(from) ? from : today);
  const errors: FieldError[] = [
    ...(isUtcDay(from) ? [] : [{ field: 'query.from', message: 'must be a calendar day YYYY-MM-DD' }]),
    ...(isUtcDay(to) ? [] : [{ field: 'query.to', message: 'must be a calendar day YYYY-MM-DD' }]),
  ];
  if (errors.length === 0 && from > to)
    errors.push({ field: 'query.to', message: 'must not be before from' });
  if (errors.length === 0 && (Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_USAGE_DAYS) {
    errors.push({ field: 'query.to', message: `the range may span at most ${MAX_USAGE_DAYS} days` });
  }
  return { from, to, errors };
}
