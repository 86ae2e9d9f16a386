import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IssuerKeyStorage } from '../../../ports/issuer-keys.js';
import { ConditionFailed, type DynamoTable } from './dynamo-table.js';
import { KIND, keys, PK } from './keys.js';

/** The development issuer's private JWK as one item, written only if absent (first writer wins). */
export class DynamoIssuerKeyStorage implements IssuerKeyStorage {
  readonly #table: DynamoTable;

  constructor(table: DynamoTable) {
    this.#table = table;
  }

  async load(): Promise<string | undefined> {
    const answer = await this.#table.run('read the issuer key', (c) =>
      c.send(new GetCommand({ TableName: this.#table.name, Key: keys.issuerKey, ConsistentRead: true })),
    );
    return answer.Item?.value as string | undefined;
  }

  async saveIfAbsent(value: string): Promise<string> {
    try {
      await this.#table.run('store the issuer key', (c) =>
        c.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: { ...keys.issuerKey, [KIND]: 'issuer-key', value },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }),
        ),
      );
      return value;
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      return (await this.load()) ?? value;
    }
  }
}
