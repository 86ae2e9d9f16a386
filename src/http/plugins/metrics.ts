import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CacheOutcomeName } from '../../core/analytics/request-sample.js';
import { answerOf, metricsRecord } from '../answer-records.js';
import { clusterWorkerMetrics } from '../cluster-metrics.js';
import { replyWithProblem } from '../problems.js';
import { refuseUnlessMayScrape } from './metrics-access.js';

/** The kinds of cached answer the API reports outcomes for. */
export type CacheDataType = 'flights' | 'hotels' | 'locations';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on routes whose answers come from the search cache; their `x-cache` header is counted. */
    cacheType?: CacheDataType;
  }
  interface FastifyInstance {
    /** Counts an answer sent without Fastify's hooks (the cached-search front, src/http/search-front.ts). */
    recordAnswer(answer: AnsweredRequest): void;
  }
}

/** One answer as the metrics count it. */
export interface AnsweredRequest {
  method: string;
  /** The route pattern, or `unmatched`. */
  route: string;
  statusCode: number;
  seconds: number;
  cacheType?: CacheDataType | undefined;
  outcome?: Outcome | undefined;
}

export interface MetricsOptions {
  /** Path of the Prometheus scrape endpoint. */
  path?: string;
  /** Circuit-breaker state of each remote supplier, read at scrape time. */
  supplierCircuits?: () => Record<string, 'closed' | 'open' | 'half-open'>;
  /** Bearer token a scrape must send (METRICS_TOKEN); without one, only local scrapers are answered. */
  token?: string | undefined;
  /** Whether a loopback peer may scrape without the token (default true; false on Lambda). */
  localScrapers?: boolean;
}

/** Gauge values of a breaker's states: 0 closed, 1 half-open (probing), 2 open (refusing calls). */
const CIRCUIT_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

export type Outcome = CacheOutcomeName;

/**
 * Cached searches answer in well under a millisecond and origin searches in tens, so the buckets
 * start finer than prom-client's defaults.
 */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus metrics at `GET /metrics` (no API key: it sits outside /v1; a bearer token or a local
 * scraper, see metrics-access.ts): request durations by method, route pattern and status; cache
 * outcomes per data type with the hit ratio derived from them at scrape time; and the process
 * defaults. In a cluster worker the answer covers every worker of the instance.
 *
 * Each app gets its own registry rather than prom-client's global one, so several apps in one
 * process (tests, or an embedded admin server) neither collide nor mix their counts.
 */
const metricsPlugin: FastifyPluginAsync<MetricsOptions> = async (app, options) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request received to response sent, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const cacheRequests = new Counter({
    name: 'cache_requests_total',
    help: 'Cached-search answers by data type and outcome (hit, miss, stale), as sent in x-cache.',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });
  registerHitRatio(registry, async () => (await cacheRequests.get()).values);

  const circuits = options.supplierCircuits;
  if (circuits) {
    new Gauge({
      name: 'supplier_circuit_state',
      help: 'Circuit-breaker state of each remote supplier: 0 closed, 1 half-open, 2 open (calls refused).',
      labelNames: ['supplier'] as const,
      registers: [registry],
      // Over a cluster's workers, the worst state any of them sees.
      aggregator: 'max',
      collect() {
        for (const [supplier, state] of Object.entries(circuits()))
          this.set({ supplier }, CIRCUIT_VALUE[state]);
      },
    });
  }

  const recordAnswer = (answer: AnsweredRequest): void => {
    duration.observe(
      { method: answer.method, route: answer.route, status_code: answer.statusCode },
      answer.seconds,
    );
    if (answer.cacheType !== undefined && answer.outcome !== undefined)
      cacheRequests.inc({ type: answer.cacheType, outcome: answer.outcome });
  };
  app.decorate('recordAnswer', recordAnswer);
  app.addHook('onResponse', async (request, reply) => {
    recordAnswer(metricsRecord(answerOf(request, reply)));
  });

  // In a cluster worker, a scrape reports the whole instance (src/http/cluster-metrics.ts).
  const clusterWorker = clusterWorkerMetrics(registry);
  if (clusterWorker) app.addHook('onClose', async () => clusterWorker.stop());

  app.get(options.path ?? '/metrics', { schema: { hide: true } }, async (request, reply) => {
    const refused = refuseUnlessMayScrape(request, reply, options.token, options.localScrapers ?? true);
    if (refused) return refused;
    let text: string;
    try {
      text = clusterWorker ? await clusterWorker.instanceMetrics() : await registry.metrics();
    } catch (error) {
      // A failed scrape is a gap Prometheus shows as such; a partial sum would look like a reset.
      request.log.warn({ err: error }, "cannot aggregate the workers' metrics");
      reply.header('retry-after', 1);
      return replyWithProblem(
        request,
        reply,
        'service-unavailable',
        'the metrics of every worker could not be gathered',
      );
    }
    reply.header('content-type', registry.contentType);
    return text;
  });
};

/** One cache outcome count: `cache_requests_total{type, outcome}`. */
type CacheCount = { labels: Partial<Record<string, string | number>>; value: number };

/**
 * `cache_hit_ratio` in `registry`, derived from the `cache_requests_total` values `read` gives at
 * scrape time, so the ratio never drifts from the counters. Not summed over a cluster's workers
 * (`omit`): the aggregate recomputes it from the summed counters (finishClusterAggregate).
 */
function registerHitRatio(registry: Registry, read: () => Promise<CacheCount[]>): void {
  new Gauge({
    name: 'cache_hit_ratio',
    help: 'Share of cached-search answers that were fresh hits, by data type, since the process started.',
    labelNames: ['type'] as const,
    registers: [registry],
    aggregator: 'omit',
    async collect() {
      const totals = new Map<string, { hits: number; all: number }>();
      for (const { labels, value } of await read()) {
        const type = String(labels.type);
        const total = totals.get(type) ?? { hits: 0, all: 0 };
        total.all += value;
        if (labels.outcome === 'hit') total.hits += value;
        totals.set(type, total);
      }
      for (const [type, { hits, all }] of totals) {
        if (all > 0) this.set({ type }, hits / all);
      }
    },
  });
}

/** Adds to a cluster's summed registry what is derived rather than summed: the hit ratio. */
export function finishClusterAggregate(aggregate: Registry): void {
  registerHitRatio(aggregate, async () => {
    const summed = aggregate.getSingleMetric('cache_requests_total');
    return summed ? ((await summed.get()).values as CacheCount[]) : [];
  });
}

/** The metrics plugin (fastify-plugin: its hook times every route of the app). */
export const metrics = fp(metricsPlugin, { fastify: '5.x', name: 'travel-platform-metrics' });
