import type { Clock } from '../../ports/clock.js';
import type { BudgetWatch } from '../cost/budget-watch.js';
import {
  type CostAssumptions,
  type CostEstimate,
  DAYS_PER_MONTH,
  estimateMonthlyCost,
  type MonthlyTraffic,
} from '../cost/cost-model.js';
import type { PriceTable } from '../cost/price-table.js';
import type { ApiKeyPrincipal } from '../gateway/api-key-service.js';
import type { AnalyticsCollector } from './analytics-collector.js';
import {
  type AnalyticsQueries,
  type AnalyticsSummary,
  type KeyUsageRow,
  type RouteCount,
  summarise,
  type TimeseriesPoint,
} from './analytics-queries.js';
import { type AnalyticsRange, analyticsRange, type RangeQuery } from './analytics-range.js';
import { type CacheReport, cacheReport } from './cache-advice.js';
import type { RequestSample } from './request-sample.js';
import { overallLatency, type Rollup } from './rollup.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** The SLO the dashboard tracks. */
export const SLO = { availability: 0.999, errorRate: 0.001, p99Ms: 500 } as const;
/** Month-long figures are recomputed at most this often: they read a month of rollups. */
const MONTH_CACHE_MS = 30_000;

export interface AnalyticsServiceOptions {
  queries: AnalyticsQueries;
  collector: AnalyticsCollector;
  clock: Clock;
  minuteRetentionMs: number;
  retentionMs: number;
  prices: PriceTable;
  assumptions: CostAssumptions;
  budget: BudgetWatch;
  /** Current fresh TTL of each cached data type, seconds (what cache advice replays against). */
  ttlSeconds: Readonly<Record<string, number>>;
}

/** Live cost: the window's traffic priced as if the month ran like it. */
export interface LiveCost {
  from: string;
  to: string;
  requests: number;
  estimate: CostEstimate;
}

export interface SloStatus {
  month: string;
  requests: number;
  availability: number;
  availabilityTarget: number;
  errorRate: number;
  errorRateTarget: number;
  p99Ms: number;
  p99TargetMs: number;
  /** Share of this month's error budget (0.1% of requests may fail) still unspent, 0–1. */
  errorBudgetLeft: number;
}

export interface BudgetStatus {
  budgetUsd: number;
  monthToDateUsd: number;
  /** Month-to-date cost over the budget, 0 without a budget. */
  used: number;
  /** Thresholds (percent) crossed this month. */
  crossed: number[];
}

/** Everything the live dashboard shows, in one message. */
export interface DashboardSnapshot {
  at: string;
  requestsPerSecond: number;
  recent: AnalyticsSummary;
  series: TimeseriesPoint[];
  topRoutes: RouteCount[];
  cost: LiveCost;
  slo: SloStatus;
  budget: BudgetStatus;
  cacheAdvice: CacheReport;
}

/** The analytics use cases: queries over rollups, live cost, SLO, budget and cache advice. */
export class AnalyticsService {
  readonly #o: AnalyticsServiceOptions;
  #month: { at: number; key: string; total: Rollup; from: number } | undefined;

  constructor(options: AnalyticsServiceOptions) {
    this.#o = options;
  }

  /** Counts one answered request (synchronous, O(1): called after every response). */
  record(sample: RequestSample): void {
    this.#o.collector.recordRequest(sample);
  }

  /** The window a query asks for, validated (400 naming the field otherwise). */
  range(query: RangeQuery): AnalyticsRange {
    return analyticsRange(query, {
      now: this.#o.clock.now(),
      minuteRetentionMs: this.#o.minuteRetentionMs,
      retentionMs: this.#o.retentionMs,
    });
  }

  summary(query: RangeQuery): Promise<AnalyticsSummary> {
    return this.#o.queries.summary(this.range(query));
  }

  timeseries(query: RangeQuery): Promise<TimeseriesPoint[]> {
    return this.#o.queries.timeseries(this.range(query));
  }

  topRoutes(query: RangeQuery, limit: number): Promise<{ routes: RouteCount[]; cities: RouteCount[] }> {
    return this.#o.queries.topRoutes(this.range(query), limit);
  }

  /** Usage by key: every key for an admin, only its own for a client key. */
  keys(query: RangeQuery, principal: ApiKeyPrincipal | null): Promise<KeyUsageRow[]> {
    const own = principal === null || principal.role === 'admin' ? undefined : principal.keyId;
    return this.#o.queries.keys(this.range(query), own);
  }

  /** The window's traffic priced as a month. */
  async cost(query: RangeQuery): Promise<LiveCost> {
    const range = this.range(query);
    const total = await this.#o.queries.total(range.from, range.to);
    const scale = (DAYS_PER_MONTH * DAY_MS) / (range.to - range.from);
    return {
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      requests: total.requests,
      estimate: estimateMonthlyCost(trafficOf(total, scale), this.#o.assumptions, this.#o.prices),
    };
  }

  cacheAdvice(): CacheReport {
    return cacheReport(this.#o.collector.keyStream.snapshot(), this.#o.ttlSeconds);
  }

  /** This month so far: SLO and budget; announces budget thresholds newly crossed. */
  async month(): Promise<{ slo: SloStatus; budget: BudgetStatus }> {
    const now = this.#o.clock.now();
    const start = monthStart(now);
    const key = new Date(now).toISOString().slice(0, 7);
    if (this.#month === undefined || this.#month.key !== key || now - this.#month.at > MONTH_CACHE_MS) {
      this.#month = { at: now, key, from: start, total: await this.#o.queries.total(start, now + 1) };
    }
    const { total } = this.#month;
    const failures = total.serverErrors;
    const allowed = total.requests * SLO.errorRate;
    const p99Ms = overallLatency(total).percentileMs(99);
    // Fixed costs accrue with time, traffic costs with use: the month so far is both up to now.
    const elapsed = Math.max(now - start, MINUTE_MS) / (DAYS_PER_MONTH * DAY_MS);
    const monthToDate = estimateMonthlyCost(trafficOf(total, 1), this.#o.assumptions, this.#o.prices);
    const fixed = monthToDate.monthlyUsd * monthToDate.fixedShare;
    const monthToDateUsd = monthToDate.monthlyUsd - fixed + fixed * Math.min(1, elapsed);
    const budget = this.#o.budget;
    await budget.check(key, monthToDateUsd);
    return {
      slo: {
        month: key,
        requests: total.requests,
        availability: total.requests === 0 ? 1 : 1 - failures / total.requests,
        availabilityTarget: SLO.availability,
        errorRate: total.requests === 0 ? 0 : failures / total.requests,
        errorRateTarget: SLO.errorRate,
        p99Ms: Math.round(p99Ms * 1000) / 1000,
        p99TargetMs: SLO.p99Ms,
        errorBudgetLeft: allowed === 0 ? (failures === 0 ? 1 : 0) : Math.max(0, 1 - failures / allowed),
      },
      budget: {
        budgetUsd: budget.budgetUsd,
        monthToDateUsd,
        used: budget.budgetUsd > 0 ? monthToDateUsd / budget.budgetUsd : 0,
        crossed: budget.crossed(monthToDateUsd),
      },
    };
  }

  /** What the dashboard shows now: the last hour by minute, the last five minutes, the month. */
  async dashboard(): Promise<DashboardSnapshot> {
    const now = this.#o.clock.now();
    const hourAgo = Math.floor(now / MINUTE_MS) * MINUTE_MS - 59 * MINUTE_MS;
    const recentFrom = Math.floor(now / MINUTE_MS) * MINUTE_MS - 4 * MINUTE_MS;
    const hour = { from: hourAgo, to: now + 1, granularity: 'minute' as const };
    const [series, recentTotal, top, cost, month] = await Promise.all([
      this.#o.queries.timeseries(hour),
      this.#o.queries.total(recentFrom, now + 1),
      this.#o.queries.topRoutes(hour, 8),
      this.cost({ from: new Date(hourAgo).toISOString(), to: new Date(now + 1).toISOString() }),
      this.month(),
    ]);
    return {
      at: new Date(now).toISOString(),
      requestsPerSecond:
        Math.round((recentTotal.requests / Math.max(1, (now - recentFrom) / 1000)) * 100) / 100,
      recent: summarise(recentTotal, { from: recentFrom, to: now }),
      series,
      topRoutes: top.routes,
      cost,
      ...month,
      cacheAdvice: this.cacheAdvice(),
    };
  }
}

/** A rollup's traffic, each count multiplied by `scale`. */
function trafficOf(total: Rollup, scale: number): MonthlyTraffic {
  const searchCache = ['flights', 'hotels'].map((type) => total.cache[type] ?? { hit: 0, miss: 0, stale: 0 });
  const hits = searchCache.reduce((sum, c) => sum + c.hit + c.stale, 0);
  const all = searchCache.reduce((sum, c) => sum + c.hit + c.miss + c.stale, 0);
  return {
    requests: total.requests * scale,
    searches: total.searches * scale,
    hitRatio: all === 0 ? 0 : hits / all,
    offersPriced: total.offersPriced * scale,
    bookings: total.bookings * scale,
    meanDurationMs: overallLatency(total).meanMs(),
  };
}

function monthStart(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}
