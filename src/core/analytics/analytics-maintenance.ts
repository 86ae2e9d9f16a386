import { createHash } from 'node:crypto';
import type { AnalyticsStore, RollupKey } from '../../ports/analytics-store.js';
import { decodeRollup, emptyRollup, encodeRollup, mergeRollup, type Rollup } from './rollup.js';

const HOUR_MS = 3_600_000;
/**
 * How far back each run looks: runs come every few minutes, so a week covers any outage worth
 * keeping analytics through, and every store read stays bounded.
 */
const SWEEP_MS = 7 * 86_400_000;

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
  const minutes = await store.list('minute', cutoff - SWEEP_MS, cutoff);
  const byHour = new Map<number, { records: RollupKey[]; rollup: Rollup }>();
  for (const record of minutes) {
    const hour = Math.floor(record.bucket / HOUR_MS) * HOUR_MS;
    const entry = byHour.get(hour) ?? { records: [], rollup: emptyRollup() };
    entry.records.push(record);
    mergeRollup(entry.rollup, decodeRollup(record.payload));
    byHour.set(hour, entry);
  }
  for (const [hour, { records, rollup }] of byHour) {
    const ids = records.map((r) => r.id).join('\n');
    const digest = createHash('sha256').update(ids).digest('hex').slice(0, 16);
    await store.put([
      { id: `h:${hour}:${digest}`, granularity: 'hour', bucket: hour, payload: encodeRollup(rollup) },
    ]);
    await store.remove(records);
  }
  const oldest = now - policy.retentionMs;
  await store.removeRange('minute', oldest - SWEEP_MS, oldest);
  await store.removeRange('hour', oldest - SWEEP_MS, oldest);
}
