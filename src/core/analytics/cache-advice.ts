import type { KeyAccess } from './key-stream.js';

/** One piece of cache-efficiency advice, with the rule that produced it. */
export interface CacheAdvice {
  rule: string;
  dataType: string;
  advice: string;
  evidence: Record<string, number | string>;
}

export interface CacheReport {
  /** Accesses replayed (the recorded stream, bounded). */
  accesses: number;
  byType: {
    dataType: string;
    accesses: number;
    hitRatio: number;
    replayed: { ttlSeconds: number; hitRatio: number }[];
  }[];
  /** Routes with the most misses, most first. */
  missingRoutes: { route: string; accesses: number; misses: number }[];
  advice: CacheAdvice[];
}

/** Gain in replayed hit ratio a doubled TTL must bring before it is advised. */
const TTL_GAIN = 0.05;
const TTL_FACTORS = [1, 2, 4];
const MIN_ROUTE_ACCESSES = 5;

/**
 * Replays the recorded key stream under longer TTLs: an access is a hit when the same key was
 * filled less than a TTL before (a miss fills it). Invalidations by inventory events are not in
 * the stream, so the replay is an upper bound of what a longer TTL would give.
 */
export function cacheReport(
  stream: readonly KeyAccess[],
  ttlSeconds: Readonly<Record<string, number>>,
): CacheReport {
  const types = [...new Set(stream.map((a) => a.type))].sort();
  const byType = types.map((dataType) => {
    const accesses = stream.filter((a) => a.type === dataType);
    const hits = accesses.filter((a) => a.outcome === 'hit').length;
    const ttl = ttlSeconds[dataType] ?? 300;
    return {
      dataType,
      accesses: accesses.length,
      hitRatio: ratio(hits, accesses.length),
      replayed: TTL_FACTORS.map((factor) => ({
        ttlSeconds: ttl * factor,
        hitRatio: replay(accesses, ttl * factor * 1000),
      })),
    };
  });
  const routes = new Map<string, { accesses: number; misses: number }>();
  for (const access of stream) {
    const entry = routes.get(access.route) ?? { accesses: 0, misses: 0 };
    entry.accesses += 1;
    if (access.outcome !== 'hit') entry.misses += 1;
    routes.set(access.route, entry);
  }
  const missingRoutes = [...routes]
    .map(([route, counts]) => ({ route, ...counts }))
    .filter((r) => r.misses > 0)
    .sort((a, b) => b.misses - a.misses || a.route.localeCompare(b.route))
    .slice(0, 10);
  const advice: CacheAdvice[] = [];
  for (const type of byType) {
    const [now, doubled] = type.replayed;
    if (now && doubled && doubled.hitRatio - now.hitRatio >= TTL_GAIN)
      advice.push({
        rule: `longer-ttl: a doubled TTL raises the replayed hit ratio by at least ${TTL_GAIN * 100} points`,
        dataType: type.dataType,
        advice: `raise the ${type.dataType} TTL from ${now.ttlSeconds} s to ${doubled.ttlSeconds} s: replayed hit ratio ${pct(now.hitRatio)} → ${pct(doubled.hitRatio)}`,
        evidence: { accesses: type.accesses, replayedNow: now.hitRatio, replayedDoubled: doubled.hitRatio },
      });
  }
  for (const route of missingRoutes.filter(
    (r) => r.accesses >= MIN_ROUTE_ACCESSES && r.misses / r.accesses > 0.5,
  ))
    advice.push({
      rule: `cold-route: more than half of at least ${MIN_ROUTE_ACCESSES} recorded accesses missed`,
      dataType: route.route.split(':')[0] ?? route.route,
      advice: `${route.route} misses ${route.misses} of ${route.accesses}: its searches vary too much to repeat within the TTL (pre-warm its common dates, or widen the TTL for it)`,
      evidence: { accesses: route.accesses, misses: route.misses },
    });
  return { accesses: stream.length, byType, missingRoutes, advice };
}

function replay(accesses: readonly KeyAccess[], ttlMs: number): number {
  const filled = new Map<string, number>();
  let hits = 0;
  for (const access of accesses) {
    const at = filled.get(access.key);
    if (at !== undefined && access.at - at < ttlMs) hits += 1;
    else filled.set(access.key, access.at);
  }
  return ratio(hits, accesses.length);
}

const ratio = (part: number, whole: number): number =>
  whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000;
const pct = (value: number): string => `${Math.round(value * 1000) / 10}%`;
