import { createHistogram } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadOptions {
  /** http://host:port of the target. */
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  /** Path of each next request (called once per request sent). */
  nextPath: () => string;
  headers: Record<string, string>;
}

/** What one load run measured. */
export interface LoadResult {
  /** Responses of any status. */
  requests: number;
  requestsPerSecond: number;
  /** 2xx responses per second: shed (503) or refused answers are not served searches. */
  okPerSecond: number;
  /** Latency percentiles of 2xx responses, ms. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** Status code → responses. */
  statusCodes: Record<string, number>;
}

/** Per-request timeout: a request slower than this counts as an error, not a latency. */
const TIMEOUT_SECONDS = 10;

/**
 * Loads one target with autocannon, every request's path drawn from `nextPath`. Latencies of 2xx
 * answers are recorded from autocannon's per-response event into a histogram of our own: its
 * result has p90 and p97.5 but no p95, and mixes in load-shedding 503s that answer in no time.
 */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencyMicros = createHistogram();
  const statusCodes: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: TIMEOUT_SECONDS,
        headers: options.headers,
        requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: options.nextPath() }) }],
      },
      (error: unknown, result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const ms = (percentile: number): number =>
          latencyMicros.count === 0 ? 0 : latencyMicros.percentile(percentile) / 1000;
        resolve({
          requests: result.requests.total,
          requestsPerSecond: result.requests.total / options.durationSeconds,
          okPerSecond: latencyMicros.count / options.durationSeconds,
          p50: ms(50),
          p95: ms(95),
          p99: ms(99),
          max: latencyMicros.count === 0 ? 0 : latencyMicros.max / 1000,
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300)
        latencyMicros.record(Math.max(1, Math.round(responseTime * 1000)));
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    });
  });
}
