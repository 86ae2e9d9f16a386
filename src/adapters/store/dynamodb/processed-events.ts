import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../../../ports/clock.js';
import { PROCESSED_EVENT_RETENTION_MS, type ProcessedEvents } from '../../../ports/processed-events.js';
import { ConditionFailed, type DynamoTable } from './dynamo-table.js';
import { KIND, keys, PK, TIMESTAMP, TTL, ttlAfter } from './keys.js';

/**
 * Processed-event marks in the `PROCESSED` partition; `timestamp-index` orders them by age for pruning,
 * and DynamoDB's TTL forgets them after the retention even where no pruning runs.
 */
export class DynamoProcessedEvents implements ProcessedEvents {
  readonly #table: DynamoTable;
  readonly #clock: Clock;

  constructor(table: DynamoTable, clock: Clock = systemClock) {
    this.#table = table;
    this.#clock = clock;
  }

  async has(consumer: string, eventId: string): Promise<boolean> {
    const answer = await this.#table.run('read processed events', (c) =>
      c.send(
        new GetCommand({
          TableName: this.#table.name,
          Key: keys.processed(consumer, eventId),
          ConsistentRead: true,
        }),
      ),
    );
    return answer.Item !== undefined;
  }

  async mark(consumer: string, eventId: string): Promise<void> {
    const now = this.#clock.now();
    try {
      await this.#table.run('mark an event processed', (c) =>
        c.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: {
              ...keys.processed(consumer, eventId),
              [KIND]: 'processed-event',
              [TIMESTAMP]: now,
              [TTL]: ttlAfter(now, PROCESSED_EVENT_RETENTION_MS),
            },
            // The first mark's time stays, as it does on the other backends.
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }

  prune(before: number): Promise<number> {
    return this.#table.deleteOlderThan('prune processed events', keys.processedPartition, before);
  }
}
