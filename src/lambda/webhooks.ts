/**
 * Webhook delivery on AWS (docs/adr/0022-webhook-delivery.md). Two triggers, one function:
 *
 *   EventBridge rule (booking.*, schedule.changed) → SQS → here: store the deliveries, then send
 *   EventBridge schedule (every minute)            → here: send what came due (retries, replays, pings)
 *
 * A record whose deliveries cannot be stored is reported in `batchItemFailures`, so SQS delivers
 * only it again and, after the queue's maxReceiveCount, parks it in the dead-letter queue; storing is
 * idempotent, so a redelivered record adds nothing. Sending uses the same dispatcher as the servers:
 * leases in DynamoDB make concurrent invocations send each delivery once, retries follow the stored
 * schedule, and a delivery given up on lands in the store's webhook dead letters.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { eventFromEventBridge } from '../adapters/events/eventbridge.js';
import { instrumented, LAMBDA_METRICS, MetricUnit, observability } from './observability.js';
import { webhookParts } from './webhook-parts.js';

const tools = observability('webhooks');

/** A scheduled invocation carries no records. */
type WebhookTrigger = SQSEvent | { source?: string; 'detail-type'?: string };

export async function handler(event: WebhookTrigger, context: Context): Promise<SQSBatchResponse> {
  return instrumented(tools, context, async () => {
    const { config, intake, dispatcher } = await webhookParts();
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of 'Records' in event ? event.Records : []) {
      try {
        const delivered = eventFromEventBridge(JSON.parse(record.body));
        if (delivered === undefined)
          throw new Error('the message is not an EventBridge delivery of a platform event');
        await intake.accept([delivered]);
      } catch (error) {
        tools.logger.error('storing webhook deliveries failed; the record goes back to the queue', {
          messageId: record.messageId,
          error,
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    // Rounds of attempts while another round surely fits in the time left (each lasts at most a timeout).
    const roundMs = config.webhookTimeoutMs * 2;
    let attempts = 0;
    for (;;) {
      const made = await dispatcher.runOnce();
      attempts += made;
      if (made === 0 || context.getRemainingTimeInMillis() < roundMs) break;
    }
    tools.metrics.addMetric(LAMBDA_METRICS.webhookAttempts, MetricUnit.Count, attempts);
    if (batchItemFailures.length > 0)
      tools.metrics.addMetric(LAMBDA_METRICS.batchItemFailures, MetricUnit.Count, batchItemFailures.length);
    return { batchItemFailures };
  });
}
