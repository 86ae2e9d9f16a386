import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  EndpointOutcome,
  WebhookEndpointChange,
  WebhookEndpointRecord,
  WebhookEndpointStore,
  WebhookEventType,
  WebhookSigningSecret,
} from '../../../ports/webhooks.js';
import { ConditionFailed, type DynamoTable, type Item } from './dynamo-table.js';
import { KIND, keys, PK } from './keys.js';
import { update } from './writes.js';

/**
 * Webhook endpoints in the `WEBHOOK-ENDPOINTS` partition (a few per API key; listing reads the
 * partition). The failure run is counted with ADD, and disabling is a conditional write that only
 * one outcome wins.
 */
export class DynamoWebhookEndpointStore implements WebhookEndpointStore {
  readonly #table: DynamoTable;

  constructor(table: DynamoTable) {
    this.#table = table;
  }

  async create(endpoint: WebhookEndpointRecord): Promise<void> {
    await this.#table.run('store a webhook endpoint', (c) =>
      c.send(
        new PutCommand({
          TableName: this.#table.name,
          Item: { ...keys.webhookEndpoint(endpoint.id), [KIND]: 'webhook-endpoint', ...endpoint },
        }),
      ),
    );
  }

  async get(id: string): Promise<WebhookEndpointRecord | undefined> {
    const answer = await this.#table.run('read a webhook endpoint', (c) =>
      c.send(
        new GetCommand({ TableName: this.#table.name, Key: keys.webhookEndpoint(id), ConsistentRead: true }),
      ),
    );
    return answer.Item === undefined ? undefined : toEndpoint(answer.Item);
  }

  async list(apiKeyId?: string): Promise<WebhookEndpointRecord[]> {
    const items = await this.#table.queryAll('list webhook endpoints', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': keys.webhookEndpointsPartition },
      ConsistentRead: true,
    });
    return items
      .map(toEndpoint)
      .filter((e) => apiKeyId === undefined || e.apiKeyId === apiKeyId)
      .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async update(
    id: string,
    change: WebhookEndpointChange,
    now: number,
  ): Promise<WebhookEndpointRecord | undefined> {
    const set: Record<string, unknown> = { updatedAt: now };
    for (const [name, value] of Object.entries(change))
      if (value !== undefined && value !== null) set[name] = value;
    const remove = change.disabledReason === null ? ['disabledReason'] : [];
    const names = Object.fromEntries([...Object.keys(set), ...remove].map((name, i) => [`#a${i}`, name]));
    const values = Object.fromEntries(Object.values(set).map((value, i) => [`:v${i}`, value]));
    const assignments = Object.keys(set).map((_, i) => `#a${i} = :v${i}`);
    const removals = remove.map((_, i) => `#a${Object.keys(set).length + i}`);
    try {
      const item = await update(
        this.#table,
        'update a webhook endpoint',
        {
          TableName: this.#table.name,
          Key: keys.webhookEndpoint(id),
          UpdateExpression: `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { ...names, '#pk': PK },
          ExpressionAttributeValues: values,
        },
        'ALL_NEW',
      );
      return item === undefined ? undefined : toEndpoint(item);
    } catch (error) {
      if (error instanceof ConditionFailed) return undefined;
      throw error;
    }
  }

  async remove(id: string): Promise<boolean> {
    const removed = await this.#table.run('delete a webhook endpoint', (c) =>
      c.send(
        new DeleteCommand({
          TableName: this.#table.name,
          Key: keys.webhookEndpoint(id),
          ReturnValues: 'ALL_OLD',
        }),
      ),
    );
    return removed.Attributes !== undefined;
  }

  async recordOutcome(
    id: string,
    succeeded: boolean,
    options: { disableAfter: number; reason: string; now: number },
  ): Promise<EndpointOutcome> {
    const Key = keys.webhookEndpoint(id);
    let counted: Item | undefined;
    try {
      counted = await update(
        this.#table,
        'count a webhook outcome',
        {
          TableName: this.#table.name,
          Key,
          UpdateExpression: succeeded ? 'SET consecutiveFailures = :zero' : 'ADD consecutiveFailures :one',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: succeeded ? { ':zero': 0 } : { ':one': 1 },
        },
        'ALL_NEW',
      );
    } catch (error) {
      if (error instanceof ConditionFailed) return { endpoint: undefined, disabledNow: false };
      throw error;
    }
    const endpoint = counted === undefined ? undefined : toEndpoint(counted);
    if (
      endpoint === undefined ||
      succeeded ||
      !endpoint.enabled ||
      endpoint.consecutiveFailures < options.disableAfter
    )
      return { endpoint, disabledNow: false };
    try {
      const disabled = await update(
        this.#table,
        'disable a webhook endpoint',
        {
          TableName: this.#table.name,
          Key,
          UpdateExpression: 'SET enabled = :off, disabledReason = :reason, updatedAt = :now',
          ConditionExpression: 'enabled = :on',
          ExpressionAttributeValues: {
            ':off': false,
            ':on': true,
            ':reason': options.reason,
            ':now': options.now,
          },
        },
        'ALL_NEW',
      );
      return { endpoint: disabled === undefined ? undefined : toEndpoint(disabled), disabledNow: true };
    } catch (error) {
      // Another outcome disabled it first (or a client did): this one reports nothing new.
      if (error instanceof ConditionFailed) return { endpoint: await this.get(id), disabledNow: false };
      throw error;
    }
  }
}

function toEndpoint(item: Item): WebhookEndpointRecord {
  return {
    id: item.id as string,
    apiKeyId: item.apiKeyId as string,
    url: item.url as string,
    eventTypes: item.eventTypes as WebhookEventType[],
    enabled: item.enabled as boolean,
    description: item.description as string,
    secrets: item.secrets as WebhookSigningSecret[],
    consecutiveFailures: Number(item.consecutiveFailures ?? 0),
    ...(typeof item.disabledReason === 'string' ? { disabledReason: item.disabledReason } : {}),
    createdAt: Number(item.createdAt),
    updatedAt: Number(item.updatedAt),
  };
}
