import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  ApiKeyConflictError,
  type ApiKeyRecord,
  type ApiKeyStore,
  type DailyUsage,
  type UsageCounters,
} from '../../../ports/api-keys.js';
import type { UsagePlanOverrides } from '../../../ports/usage-plan.js';
import { ConditionFailed, type DynamoTable, type Item } from './dynamo-table.js';
import { KIND, keys, PK, SK } from './keys.js';

const COUNTERS: readonly (keyof UsageCounters)[] = [
  'requests',
  'searches',
  'clientErrors',
  'serverErrors',
  'throttled',
];

/** API keys in the `APIKEYS` partition; usage per key per day in `USAGE#<key>`, added to atomically. */
export class DynamoApiKeyStore implements ApiKeyStore {
  readonly #table: DynamoTable;

  constructor(table: DynamoTable) {
    this.#table = table;
  }

  async create(record: ApiKeyRecord): Promise<void> {
    try {
      await this.#table.run('store API key', (c) =>
        c.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: {
              ...keys.apiKey(record.id),
              [KIND]: 'api-key',
              id: record.id,
              name: record.name,
              role: record.role,
              secretHash: record.secretHash,
              plan: record.plan,
              overrides: record.overrides,
              createdAt: record.createdAt,
              revokedAt: record.revokedAt,
            },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        ),
      );
    } catch (error) {
      if (error instanceof ConditionFailed) throw new ApiKeyConflictError(record.id);
      throw error;
    }
  }

  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    const answer = await this.#table.run('read API key', (c) =>
      c.send(new GetCommand({ TableName: this.#table.name, Key: keys.apiKey(id), ConsistentRead: true })),
    );
    return answer.Item === undefined ? undefined : toRecord(answer.Item);
  }

  async list(): Promise<ApiKeyRecord[]> {
    const items = await this.#table.queryAll('list API keys', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': keys.apiKeysPartition },
      ConsistentRead: true,
    });
    return items.map(toRecord).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async revoke(id: string, at: number): Promise<boolean> {
    try {
      await this.#table.run('revoke API key', (c) =>
        c.send(
          new UpdateCommand({
            TableName: this.#table.name,
            Key: keys.apiKey(id),
            // if_not_exists keeps the first revocation time when a key is revoked twice.
            UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :at)',
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':at': at },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
  }

  async recordUsage(keyId: string, day: string, counters: UsageCounters): Promise<void> {
    const values = Object.fromEntries(COUNTERS.map((name) => [`:${name}`, counters[name]]));
    await this.#table.run('record API key usage', (c) =>
      c.send(
        new UpdateCommand({
          TableName: this.#table.name,
          Key: keys.usage(keyId, day),
          UpdateExpression: `SET #kind = :kind ADD ${COUNTERS.map((name) => `#${name} :${name}`).join(', ')}`,
          ExpressionAttributeNames: {
            '#kind': KIND,
            ...Object.fromEntries(COUNTERS.map((name) => [`#${name}`, name])),
          },
          ExpressionAttributeValues: { ...values, ':kind': 'api-key-usage' },
        }),
      ),
    );
  }

  async usage(keyId: string, from: string, to: string): Promise<DailyUsage[]> {
    if (to < from) return [];
    const items = await this.#table.queryAll('read API key usage', {
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': keys.usagePartition(keyId), ':from': from, ':to': to },
      ConsistentRead: true,
    });
    return items.map((item) => ({
      day: item[SK] as string,
      requests: (item.requests as number | undefined) ?? 0,
      searches: (item.searches as number | undefined) ?? 0,
      clientErrors: (item.clientErrors as number | undefined) ?? 0,
      serverErrors: (item.serverErrors as number | undefined) ?? 0,
      throttled: (item.throttled as number | undefined) ?? 0,
    }));
  }
}

function toRecord(item: Item): ApiKeyRecord {
  return {
    id: item.id as string,
    name: item.name as string,
    role: item.role as ApiKeyRecord['role'],
    secretHash: item.secretHash as string,
    plan: item.plan as string,
    overrides: (item.overrides ?? {}) as UsagePlanOverrides,
    createdAt: item.createdAt as number,
    revokedAt: item.revokedAt as number | undefined,
  };
}
