import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../../../ports/clock.js';
import type { CloudEvent } from '../../../ports/events.js';
import {
  type AppendOrigin,
  type Outbox,
  type OutboxRecord,
  PUBLISHED_OUTBOX_RETENTION_MS,
} from '../../../ports/outbox.js';
import type { AppendSignal } from '../append-signal.js';
import { ConditionFailed, type DynamoTable, type Item, inParallel } from './dynamo-table.js';
import { KIND, keys, PK, SK, TIMESTAMP, TTL, ttlAfter } from './keys.js';

/** Marks of one markPublished call in flight at once. */
const MARK_CONCURRENCY = 8;

/**
 * The outbox on the single table. Pending records are the `OUTBOX` partition, in sort-key (append)
 * order and read with strongly consistent queries, so a record committed late is never skipped.
 * Publishing moves a record to `OUTBOX-PUBLISHED`, whose `timestamp` (publish time) the
 * `timestamp-index` orders for pruning. The relay lease is one item written conditionally.
 */
export class DynamoOutbox implements Outbox {
  readonly #table: DynamoTable;
  readonly #signal: AppendSignal;
  readonly #clock: Clock;

  constructor(table: DynamoTable, signal: AppendSignal, clock: Clock = systemClock) {
    this.#table = table;
    this.#signal = signal;
    this.#clock = clock;
  }

  async claim(owner: string, limit: number, leaseMs: number): Promise<OutboxRecord[]> {
    // A cheap read first: an idle relay polling an empty outbox writes nothing.
    if ((await this.#pending(1)).length === 0) return [];
    const now = this.#clock.now();
    try {
      await this.#table.run('take the outbox lease', (c) =>
        c.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: { ...keys.outboxLease, [KIND]: 'outbox-lease', owner, expiresAt: now + leaseMs },
            ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :owner OR expiresAt <= :now',
            ExpressionAttributeNames: { '#pk': PK, '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner, ':now': now },
          }),
        ),
      );
    } catch (error) {
      if (error instanceof ConditionFailed) return [];
      throw error;
    }
    return (await this.#pending(limit)).map((item) => ({
      id: item[SK] as string,
      event: JSON.parse(item.event as string) as CloudEvent,
    }));
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    const publishedAt = this.#clock.now();
    await inParallel([...new Set(ids)], MARK_CONCURRENCY, async (id) => {
      const removed = await this.#table.run('mark an outbox record published', (c) =>
        c.send(
          new DeleteCommand({ TableName: this.#table.name, Key: keys.outbox(id), ReturnValues: 'ALL_OLD' }),
        ),
      );
      if (removed.Attributes === undefined) return;
      // Only what pruning needs; the event has been delivered. DynamoDB's TTL deletes it even where no
      // pruning runs (a deployment whose scheduled housekeeping is off).
      await this.#table.run('mark an outbox record published', (c) =>
        c.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: {
              ...keys.published(id),
              [KIND]: 'outbox-published',
              [TIMESTAMP]: publishedAt,
              [TTL]: ttlAfter(publishedAt, PUBLISHED_OUTBOX_RETENTION_MS),
              eventId: removed.Attributes?.eventId,
            },
          }),
        ),
      );
    });
  }

  async release(owner: string): Promise<void> {
    try {
      await this.#table.run('release the outbox lease', (c) =>
        c.send(
          new DeleteCommand({
            TableName: this.#table.name,
            Key: keys.outboxLease,
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner },
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }

  onAppend(listener: (origin: AppendOrigin) => void): () => void {
    return this.#signal.listen(listener);
  }

  prunePublished(before: number): Promise<number> {
    return this.#table.deleteOlderThan('prune the outbox', keys.publishedPartition, before);
  }

  async #pending(limit: number): Promise<Item[]> {
    const page = await this.#table.run('read the outbox', (c) =>
      c.send(
        new QueryCommand({
          TableName: this.#table.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':pk': keys.outboxPartition },
          ConsistentRead: true,
          Limit: limit,
        }),
      ),
    );
    return (page.Items ?? []) as Item[];
  }
}
