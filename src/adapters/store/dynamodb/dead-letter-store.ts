import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Clock, systemClock } from '../../../ports/clock.js';
import type { DeadLetter, DeadLetterQuery, DeadLetterStore } from '../../../ports/dead-letters.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { AppendSignal } from '../append-signal.js';
import type { DynamoTable, Item } from './dynamo-table.js';
import { KIND, keys, PK, paddedMs, SK } from './keys.js';
import { outboxItems } from './outbox-records.js';

/**
 * Dead letters in the `DEADLETTERS` partition. Their ids start with the time they were parked, so a
 * strongly consistent query returns them oldest first. Replaying writes the outbox records before
 * deleting the dead letters: a crash in between replays an event twice, which consumers skip by id.
 */
export class DynamoDeadLetterStore implements DeadLetterStore {
  readonly #table: DynamoTable;
  readonly #signal: AppendSignal;
  readonly #clock: Clock;

  constructor(table: DynamoTable, signal: AppendSignal, clock: Clock = systemClock) {
    this.#table = table;
    this.#signal = signal;
    this.#clock = clock;
  }

  async park(event: CloudEvent, consumer: string, error: string, attempts: number): Promise<DeadLetter> {
    const parkedAt = this.#clock.now();
    const letter: DeadLetter = {
      id: `${paddedMs(parkedAt)}-${randomUUID()}`,
      event,
      consumer,
      error,
      attempts,
      parkedAt: new Date(parkedAt).toISOString(),
    };
    await this.#table.run('park a dead letter', (c) =>
      c.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: {
            ...keys.deadLetter(letter.id),
            [KIND]: 'dead-letter',
            consumer,
            eventId: event.id,
            type: event.type,
            event: JSON.stringify(event),
            error,
            attempts,
            parkedAt,
          },
        }),
      ),
    );
    return letter;
  }

  async list(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    return (await this.#all(query.consumer)).slice(0, query.limit ?? 100);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const answer = await this.#table.run('read a dead letter', (c) =>
      c.send(new GetCommand({ TableName: this.#table.name, Key: keys.deadLetter(id), ConsistentRead: true })),
    );
    return answer.Item === undefined ? undefined : toDeadLetter(answer.Item);
  }

  async requeue(ids?: readonly string[]): Promise<DeadLetter[]> {
    const letters =
      ids === undefined
        ? await this.#all()
        : (await this.#table.batchGet('read dead letters', ids.map(keys.deadLetter)))
            .map(toDeadLetter)
            .sort((a, b) => a.id.localeCompare(b.id));
    if (letters.length === 0) return [];
    await this.#table.batchWrite(
      'requeue dead letters',
      outboxItems(
        letters.map((letter) => letter.event),
        this.#clock.now(),
      ).map((put) => ({ put })),
    );
    this.#signal.appended();
    await this.#table.batchWrite(
      'requeue dead letters',
      letters.map((letter) => ({ delete: keys.deadLetter(letter.id) })),
    );
    return letters;
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.#table.run('remove a dead letter', (c) =>
      c.send(
        new DeleteCommand({ TableName: this.#table.name, Key: keys.deadLetter(id), ReturnValues: 'ALL_OLD' }),
      ),
    );
    return removed.Attributes !== undefined;
  }

  async #all(consumer?: string): Promise<DeadLetter[]> {
    const items = await this.#table.queryAll('list dead letters', {
      KeyConditionExpression: '#pk = :pk',
      ...(consumer === undefined
        ? {
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':pk': keys.deadLettersPartition },
          }
        : {
            FilterExpression: '#consumer = :consumer',
            ExpressionAttributeNames: { '#pk': PK, '#consumer': 'consumer' },
            ExpressionAttributeValues: { ':pk': keys.deadLettersPartition, ':consumer': consumer },
          }),
      ConsistentRead: true,
    });
    return items.map(toDeadLetter);
  }
}

function toDeadLetter(item: Item): DeadLetter {
  return {
    id: item[SK] as string,
    event: JSON.parse(item.event as string) as CloudEvent,
    consumer: item.consumer as string,
    error: item.error as string,
    attempts: item.attempts as number,
    parkedAt: new Date(item.parkedAt as number).toISOString(),
  };
}
