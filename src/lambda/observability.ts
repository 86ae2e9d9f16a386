/**
 * Powertools for the Lambda entry points: structured JSON logs, CloudWatch metrics written as EMF
 * log lines (no API call, so nothing to lose when the sandbox freezes), and X-Ray tracing (active
 * only inside Lambda; outside it the tracer does nothing).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';

/** CloudWatch namespace of the EMF metrics; the stack's dashboard and alarms read it. */
export const METRICS_NAMESPACE = 'TravelPlatform';

/** Names of the EMF metrics the entry points emit. */
export const LAMBDA_METRICS = {
  cacheHit: 'SearchCacheHit',
  cacheMiss: 'SearchCacheMiss',
  cacheStale: 'SearchCacheStale',
  eventsPublished: 'OutboxEventsPublished',
  eventsInvalidated: 'CacheInvalidationEvents',
  batchItemFailures: 'BatchItemFailures',
  housekeepingFailures: 'HousekeepingStepFailures',
  webhookAttempts: 'WebhookAttempts',
} as const;

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  tracer: Tracer;
}

/** The Powertools trio of one function, named after it (`service` dimension and log field). */
export function observability(service: string): Observability {
  return {
    logger: new Logger({ serviceName: service }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service }),
    tracer: new Tracer({ serviceName: service }),
  };
}

/**
 * Runs one invocation with the context in every log line and the cold start annotated, and always
 * writes the invocation's buffered metrics before returning: the sandbox may be frozen right after.
 */
export async function instrumented<T>(
  tools: Observability,
  context: Context,
  run: () => Promise<T>,
): Promise<T> {
  tools.logger.addContext(context);
  tools.tracer.annotateColdStart();
  tools.metrics.captureColdStartMetric();
  try {
    return await run();
  } finally {
    if (tools.metrics.hasStoredMetrics()) tools.metrics.publishStoredMetrics();
  }
}

export { MetricUnit };
