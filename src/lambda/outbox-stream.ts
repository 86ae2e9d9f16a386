/**
 * DynamoDB Streams → this function → EventBridge: the outbox relay of the AWS deployment. Records
 * arrive in commit order per shard; each outbox insert is published, then marked published. At the
 * first record that fails, processing stops and that record is reported in `batchItemFailures`:
 * Lambda retries the shard from it (keeping the order; consumers skip duplicates by event id), bisects
 * the batch, and after its retry budget sends the record to the on-failure SQS queue.
 */
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { instrumented, LAMBDA_METRICS, MetricUnit, observability } from './observability.js';
import { outboxRecordFrom } from './outbox-stream-records.js';
import { relayParts } from './relay-parts.js';

const tools = observability('outbox-relay');

export async function handler(event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> {
  return instrumented(tools, context, async () => {
    const { bus, outbox } = await relayParts();
    let published = 0;
    for (const record of event.Records) {
      try {
        const entry = outboxRecordFrom(record);
        if (entry === undefined) continue;
        await bus.publish([entry.event]);
        await outbox.markPublished([entry.id]);
        published++;
      } catch (error) {
        const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
        tools.logger.error('outbox relay stopped at a record; the shard is retried from it', {
          sequenceNumber,
          eventID: record.eventID,
          error,
        });
        tools.metrics.addMetric(LAMBDA_METRICS.batchItemFailures, MetricUnit.Count, 1);
        tools.metrics.addMetric(LAMBDA_METRICS.eventsPublished, MetricUnit.Count, published);
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
    }
    tools.metrics.addMetric(LAMBDA_METRICS.eventsPublished, MetricUnit.Count, published);
    return { batchItemFailures: [] };
  });
}
