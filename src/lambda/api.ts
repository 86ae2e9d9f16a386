/**
 * API Gateway (REST, proxy integration) → the same Fastify app the self-hosted server runs.
 * Per invocation it also records the search cache outcome as EMF metrics, and every
 * LAMBDA_FLUSH_INTERVAL_MS it writes the usage meter's buffered counts and the analytics rollups
 * before returning, because a frozen sandbox runs no timers.
 */
import awsLambdaFastify from '@fastify/aws-lambda';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../composition/platform.js';
import { buildPlatformApp } from '../composition/platform-app.js';
import { FlushSchedule } from './flush-schedule.js';
import { closeLambdaPlatform, lambdaPlatform } from './lambda-platform.js';
import { instrumented, LAMBDA_METRICS, MetricUnit, observability } from './observability.js';

const tools = observability('api');

interface Api {
  platform: Platform;
  flushes: FlushSchedule;
  app: FastifyInstance;
  proxy: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
}

let api: Promise<Api> | undefined;

function apiOnce(): Promise<Api> {
  api ??= (async () => {
    const platform = await lambdaPlatform();
    // Schemas compile on first use: a cold start waits for its own route's, not all of them.
    // No loopback scrapers of /metrics: on Lambda only METRICS_TOKEN opens it.
    const app = await buildPlatformApp(platform, { level: platform.config.logLevel }, 'first-use', {
      metricsLocalScrapers: false,
    });
    // The adapter decorates requests, so it wraps the app before the app is ready.
    const proxy = awsLambdaFastify<APIGatewayProxyEvent>(app);
    await app.ready();
    return { platform, app, proxy, flushes: new FlushSchedule(platform.config.lambdaFlushIntervalMs) };
  })().catch((error: unknown) => {
    api = undefined;
    throw error;
  });
  return api;
}

const CACHE_METRIC: Record<string, string> = {
  HIT: LAMBDA_METRICS.cacheHit,
  MISS: LAMBDA_METRICS.cacheMiss,
  STALE: LAMBDA_METRICS.cacheStale,
};

export async function handler(event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> {
  return instrumented(tools, context, async () => {
    const { platform, proxy, flushes } = await apiOnce();
    try {
      const response = await proxy(event, context);
      const outcome = CACHE_METRIC[String(response.headers?.['x-cache'] ?? '')];
      if (outcome) tools.metrics.addMetric(outcome, MetricUnit.Count, 1);
      return response;
    } finally {
      if (flushes.due()) await flushBuffers(platform);
    }
  });
}

/** Writes the usage meter's counts and the analytics rollups; a failure keeps them for the next write. */
async function flushBuffers(platform: Platform): Promise<void> {
  await platform.gateway.options.meter.flush().catch((error: unknown) => {
    tools.logger.warn('usage meter flush failed; counts kept for the next invocation', { error });
  });
  // Analytics rollups too: a frozen sandbox runs no flush timer.
  await platform.analytics?.collector.flush().catch((error: unknown) => {
    tools.logger.warn('analytics flush failed; rollups kept for the next invocation', { error });
  });
}

/** Drops this sandbox's app and platform (tests). */
export async function closeApi(): Promise<void> {
  const current = api;
  api = undefined;
  await (await current?.catch(() => undefined))?.app.close();
  await closeLambdaPlatform();
}
