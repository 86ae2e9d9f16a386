import { invalidField } from '../errors.js';

export type Granularity = 'minute' | 'hour' | 'day';

export const GRANULARITY_MS: Readonly<Record<Granularity, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** Most points one time series answers. */
export const MAX_POINTS = 1_500;

/** A validated query window, epoch ms, `from` inclusive and `to` exclusive. */
export interface AnalyticsRange {
  from: number;
  to: number;
  granularity: Granularity;
}

export interface RangeQuery {
  from?: string | undefined;
  to?: string | undefined;
  granularity?: Granularity | undefined;
}

export interface RangeLimits {
  now: number;
  /** How far back minute rollups are kept (older ones are compacted to hours). */
  minuteRetentionMs: number;
  /** How far back anything is kept. */
  retentionMs: number;
}

/**
 * The window a query asks for: `to` defaults to now, `from` to an hour before `to`, the granularity
 * to minutes for windows up to six hours, hours up to fourteen days, days beyond. Refuses, naming
 * the field, an empty or reversed window, one reaching past retention, minutes older than they are
 * kept, and more than MAX_POINTS buckets.
 */
export function analyticsRange(query: RangeQuery, limits: RangeLimits): AnalyticsRange {
  const to = query.to === undefined ? limits.now : Date.parse(query.to);
  if (Number.isNaN(to)) throw invalidField('query.to', 'to must be an ISO 8601 date-time');
  const from = query.from === undefined ? to - GRANULARITY_MS.hour : Date.parse(query.from);
  if (Number.isNaN(from)) throw invalidField('query.from', 'from must be an ISO 8601 date-time');
  if (from >= to) throw invalidField('query.from', 'from must be before to');
  if (from < limits.now - limits.retentionMs)
    throw invalidField(
      'query.from',
      `analytics are kept for ${Math.round(limits.retentionMs / 86_400_000)} days; from is older`,
    );
  const span = to - from;
  const granularity =
    query.granularity ?? (span <= 6 * 3_600_000 ? 'minute' : span <= 14 * 86_400_000 ? 'hour' : 'day');
  if (granularity === 'minute' && from < limits.now - limits.minuteRetentionMs)
    throw invalidField(
      'query.granularity',
      `minute rollups are kept for ${Math.round(limits.minuteRetentionMs / 3_600_000)} h; use hour or day for older windows`,
    );
  if (Math.ceil(span / GRANULARITY_MS[granularity]) > MAX_POINTS)
    throw invalidField(
      'query.granularity',
      `the window holds more than ${MAX_POINTS} ${granularity} buckets; pick a coarser granularity or a shorter window`,
    );
  return { from, to, granularity };
}
