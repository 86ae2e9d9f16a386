import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookDeadLetter, WebhookDeadLetterStore, WebhookEventType } from '../../../ports/webhooks.js';
import type { DynamoTable, Item } from './dynamo-table.js';
import { keys, PK } from './keys.js';

/** Parked webhook deliveries in the `WEBHOOK-DEADLETTERS` partition, keyed by delivery id. */
export class DynamoWebhookDeadLetterStore implements WebhookDeadLetterStore {
  readonly #table: DynamoTable;

  constructor(table: DynamoTable) {
    this.#table = table;
  }

  async list(query: { endpointId?: string; limit?: number } = {}): Promise<WebhookDeadLetter[]> {
    const items = await this.#table.queryAll('list webhook dead letters', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': keys.webhookDeadLettersPartition },
      ConsistentRead: true,
    });
    return items
      .map(toDeadLetter)
      .filter((l) => query.endpointId === undefined || l.endpointId === query.endpointId)
      .sort((a, b) => a.parkedAt - b.parkedAt || a.deliveryId.localeCompare(b.deliveryId))
      .slice(0, query.limit ?? 100);
  }

  async get(deliveryId: string): Promise<WebhookDeadLetter | undefined> {
    const answer = await this.#table.run('read a webhook dead letter', (c) =>
      c.send(
        new GetCommand({
          TableName: this.#table.name,
          Key: keys.webhookDeadLetter(deliveryId),
          ConsistentRead: true,
        }),
      ),
    );
    return answer.Item === undefined ? undefined : toDeadLetter(answer.Item);
  }
}

function toDeadLetter(item: Item): WebhookDeadLetter {
  return {
    deliveryId: item.deliveryId as string,
    endpointId: item.endpointId as string,
    apiKeyId: item.apiKeyId as string,
    eventType: item.eventType as WebhookEventType,
    reason: item.reason as string,
    attempts: Number(item.attempts),
    parkedAt: Number(item.parkedAt),
  };
}
