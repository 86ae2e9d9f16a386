import type { AnalyticsStore } from '../../ports/analytics-store.js';
import { formatAmount } from '../money/money.js';
import { type AnalyticsRange, GRANULARITY_MS } from './analytics-range.js';
import {
  type CacheCounts,
  decodeRollup,
  emptyRollup,
  type KeyUsage,
  mergeRollup,
  overallLatency,
  type Rollup,
} from './rollup.js';

const HOUR_MS = 3_600_000;

/** Percentiles of one latency distribution, ms. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface CacheSummary extends CacheCounts {
  /** Fresh hits over all cached answers; null when there were none. */
  hitRatio: number | null;
}

export interface AnalyticsSummary {
  from: string;
  to: string;
  requests: number;
  searches: number;
  offersPriced: number;
  bookings: number;
  cancellations: number;
  priceUpdates: number;
  /** Searches per booking; null without bookings. */
  lookToBook: number | null;
  /** Fresh hits over all cached answers; null when there were none. */
  cacheHitRatio: number | null;
  cache: Record<string, CacheSummary>;
  latencyMs: LatencySummary & { byRouteGroup: Record<string, LatencySummary> };
  clientErrors: number;
  serverErrors: number;
  throttled: number;
  /** Server errors over requests; 0 without requests. */
  errorRate: number;
  /** Requests answered without a server error; 1 without requests. */
  availability: number;
  revenue: { currency: string; amount: string }[];
}

export interface TimeseriesPoint {
  time: string;
  requests: number;
  searches: number;
  bookings: number;
  serverErrors: number;
  throttled: number;
  cacheHitRatio: number | null;
  p50: number;
  p95: number;
  p99: number;
}

export interface RouteCount {
  route: string;
  searches: number;
}

export interface KeyUsageRow extends KeyUsage {
  keyId: string;
}

/** A rollup this process still holds in memory (it replaces the stored record with the same id). */
export interface LiveRollup {
  id: string;
  bucket: number;
  rollup: Rollup;
}

export interface AnalyticsQueriesOptions {
  store: AnalyticsStore;
  /** This process's rollups not yet (fully) written. */
  live: () => LiveRollup[];
}

/** Reads merged rollups of a window, from the store and this process's memory. */
export class AnalyticsQueries {
  readonly #options: AnalyticsQueriesOptions;

  constructor(options: AnalyticsQueriesOptions) {
    this.#options = options;
  }

  /** Every rollup overlapping [from, to): minutes in it, hours starting in it, and live minutes. */
  async rollups(from: number, to: number): Promise<{ bucket: number; rollup: Rollup }[]> {
    const { store } = this.#options;
    const [minutes, hours] = await Promise.all([
      store.list('minute', from, to),
      store.list('hour', Math.floor(from / HOUR_MS) * HOUR_MS, to),
    ]);
    const live = this.#options.live().filter((r) => r.bucket >= from && r.bucket < to);
    const liveIds = new Set(live.map((r) => r.id));
    return [
      ...[...minutes, ...hours]
        .filter((record) => !liveIds.has(record.id))
        .map((record) => ({ bucket: record.bucket, rollup: decodeRollup(record.payload) })),
      ...live.map(({ bucket, rollup }) => ({ bucket, rollup })),
    ];
  }

  /** Everything in the window merged into one rollup. */
  async total(from: number, to: number): Promise<Rollup> {
    const total = emptyRollup();
    for (const { rollup } of await this.rollups(from, to)) mergeRollup(total, rollup);
    return total;
  }

  async summary(range: AnalyticsRange): Promise<AnalyticsSummary> {
    return summarise(await this.total(range.from, range.to), range);
  }

  /** One point per bucket of the granularity, empty buckets included, oldest first. */
  async timeseries(range: AnalyticsRange): Promise<TimeseriesPoint[]> {
    const size = GRANULARITY_MS[range.granularity];
    const first = Math.floor(range.from / size) * size;
    const buckets = new Map<number, Rollup>();
    for (let t = first; t < range.to; t += size) buckets.set(t, emptyRollup());
    for (const { bucket, rollup } of await this.rollups(range.from, range.to)) {
      const target = buckets.get(Math.floor(bucket / size) * size);
      if (target) mergeRollup(target, rollup);
    }
    return [...buckets].map(([time, rollup]) => point(time, rollup));
  }

  /** The most searched routes and cities, most first. */
  async topRoutes(
    range: AnalyticsRange,
    limit: number,
  ): Promise<{ routes: RouteCount[]; cities: RouteCount[] }> {
    const total = await this.total(range.from, range.to);
    return { routes: top(total.routes, limit), cities: top(total.cities, limit) };
  }

  /** Usage by API key, most requests first; only `keyId`'s when given. */
  async keys(range: AnalyticsRange, keyId?: string): Promise<KeyUsageRow[]> {
    const total = await this.total(range.from, range.to);
    return Object.entries(total.keys)
      .filter(([id]) => keyId === undefined || id === keyId)
      .map(([id, usage]) => ({ keyId: id, ...usage }))
      .sort((a, b) => b.requests - a.requests || a.keyId.localeCompare(b.keyId));
  }
}

export function summarise(total: Rollup, range: { from: number; to: number }): AnalyticsSummary {
  const cache = Object.fromEntries(
    Object.entries(total.cache).map(([type, counts]) => [type, { ...counts, hitRatio: hitRatio(counts) }]),
  );
  const allCache = Object.values(total.cache).reduce(
    (sum, c) => ({ hit: sum.hit + c.hit, miss: sum.miss + c.miss, stale: sum.stale + c.stale }),
    { hit: 0, miss: 0, stale: 0 },
  );
  const overall = overallLatency(total);
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    requests: total.requests,
    searches: total.searches,
    offersPriced: total.offersPriced,
    bookings: total.bookings,
    cancellations: total.cancellations,
    priceUpdates: total.priceUpdates,
    lookToBook: total.bookings === 0 ? null : round(total.searches / total.bookings),
    cacheHitRatio: hitRatio(allCache),
    cache,
    latencyMs: {
      ...latencySummary(overall),
      byRouteGroup: Object.fromEntries(
        Object.entries(total.latency).map(([group, sketch]) => [group, latencySummary(sketch)]),
      ),
    },
    clientErrors: total.clientErrors,
    serverErrors: total.serverErrors,
    throttled: total.throttled,
    errorRate: total.requests === 0 ? 0 : total.serverErrors / total.requests,
    availability: total.requests === 0 ? 1 : 1 - total.serverErrors / total.requests,
    revenue: Object.entries(total.revenue)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, minor]) => ({ currency, amount: formatAmount({ minor, currency }) })),
  };
}

function point(time: number, rollup: Rollup): TimeseriesPoint {
  const latency = latencySummary(overallLatency(rollup));
  const cache = Object.values(rollup.cache).reduce(
    (sum, c) => ({ hit: sum.hit + c.hit, miss: sum.miss + c.miss, stale: sum.stale + c.stale }),
    { hit: 0, miss: 0, stale: 0 },
  );
  return {
    time: new Date(time).toISOString(),
    requests: rollup.requests,
    searches: rollup.searches,
    bookings: rollup.bookings,
    serverErrors: rollup.serverErrors,
    throttled: rollup.throttled,
    cacheHitRatio: hitRatio(cache),
    p50: latency.p50,
    p95: latency.p95,
    p99: latency.p99,
  };
}

function latencySummary(sketch: { count: number; percentileMs(p: number): number }): LatencySummary {
  return {
    count: sketch.count,
    p50: round(sketch.percentileMs(50)),
    p95: round(sketch.percentileMs(95)),
    p99: round(sketch.percentileMs(99)),
  };
}

function hitRatio(counts: CacheCounts): number | null {
  const all = counts.hit + counts.miss + counts.stale;
  return all === 0 ? null : round(counts.hit / all);
}

function top(counts: Record<string, number>, limit: number): RouteCount[] {
  return Object.entries(counts)
    .map(([route, searches]) => ({ route, searches }))
    .sort((a, b) => b.searches - a.searches || a.route.localeCompare(b.route))
    .slice(0, limit);
}

const round = (value: number): number => Math.round(value * 1000) / 1000;
