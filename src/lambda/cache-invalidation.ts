/**
 * EventBridge rule → SQS queue → this function: drops the cached searches each event makes stale
 * (Redis L2, and through the cache's Redis bus every warm API sandbox's L1). A record that fails is
 * reported in `batchItemFailures`, so SQS delivers only it again and, after the queue's
 * maxReceiveCount, moves it to the dead-letter queue; the rest of the batch is acknowledged.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { eventFromEventBridge } from '../adapters/events/eventbridge.js';
import { idempotentConsumer } from '../core/events/idempotent-consumer.js';
import type { EventHandler } from '../ports/events.js';
import { invalidationParts } from './invalidation-parts.js';
import { instrumented, LAMBDA_METRICS, MetricUnit, observability } from './observability.js';

const tools = observability('cache-invalidation');

/** Processed marks of this consumer; one name for every sandbox, as they share the cache. */
const CONSUMER_NAME = 'cache-invalidation.lambda';

let consumer: EventHandler | undefined;

async function consumerOnce(): Promise<EventHandler> {
  const { config, invalidate, processed } = await invalidationParts();
  consumer ??= idempotentConsumer({
    name: CONSUMER_NAME,
    handle: invalidate,
    processed,
    // No parking in the store: a failing record goes back to SQS, whose redrive policy owns retries.
    maxAttempts: 1,
    retryBaseMs: config.eventRetryBaseMs,
  });
  return consumer;
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return instrumented(tools, context, async () => {
    const consume = await consumerOnce();
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      try {
        const delivered = eventFromEventBridge(JSON.parse(record.body));
        if (delivered === undefined)
          throw new Error('the message is not an EventBridge delivery of a platform event');
        await consume(delivered);
        tools.metrics.addMetric(LAMBDA_METRICS.eventsInvalidated, MetricUnit.Count, 1);
      } catch (error) {
        tools.logger.error('cache invalidation failed; the record goes back to the queue', {
          messageId: record.messageId,
          error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    if (batchItemFailures.length > 0)
      tools.metrics.addMetric(LAMBDA_METRICS.batchItemFailures, MetricUnit.Count, batchItemFailures.length);
    return { batchItemFailures };
  });
}
