import { createHash } from 'node:crypto';
import type { AnalyticsStore } from '../../ports/analytics-store.js';
import { decodeRollup, emptyRollup, encodeRollup, mergeRollup, type Rollup } from './rollup.js';

const HOUR_MS = 3_600_000;

export interface RetentionPolicy {
  /** Minute rollups older than this are merged into hourly ones. */
  minuteRetentionMs: number;
  /** Rollups older than this are deleted. */
  retentionMs: number;
}

/**
 * Compacts minute rollups older than the minute retention into one record per hour, then drops
 * everything older than the retention. An hour record's id is derived from the minute records it
 * merges, so two instances compacting the same minutes write the same record once.
 */
export async function compactAndExpire(
  store: AnalyticsStore,
  policy: RetentionPolicy,
  now: number,
): Promise<void> {
  const cutoff = Math.floor((now - policy.minuteRetentionMs) / HOUR_MS) * HOUR_MS;
  const minutes = await store.list('minute', 0, cutoff);
  const byHour = new Map<number, { ids: string[]; rollup: Rollup }>();
  for (const record of minutes) {
    const hour = Math.floor(record.bucket / HOUR_MS) * HOUR_MS;
    const entry = byHour.get(hour) ?? { ids: [], rollup: emptyRollup() };
    entry.ids.push(record.id);
    mergeRollup(entry.rollup, decodeRollup(record.payload));
    byHour.set(hour, entry);
  }
  for (const [hour, { ids, rollup }] of byHour) {
    const digest = createHash('sha256').update(ids.join('\n')).digest('hex').slice(0, 16);
    await store.put([
      { id: `h:${hour}:${digest}`, granularity: 'hour', bucket: hour, payload: encodeRollup(rollup) },
    ]);
    await store.remove(ids);
  }
  const oldest = now - policy.retentionMs;
  await store.removeBefore('minute', oldest);
  await store.removeBefore('hour', oldest);
}
