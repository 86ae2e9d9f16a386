import {
  PutCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoTable, Item } from './dynamo-table.js';
import type { ItemKey } from './keys.js';

/**
 * How multi-item writes are made atomic: `transaction` uses TransactWriteItems (AWS); `conditional`
 * uses single-item conditional writes in a fixed order with compensation, for local servers such as
 * dynalite that have no transactions (DYNAMODB_BOOKING_WRITES).
 */
export type WriteMode = 'transaction' | 'conditional';

/** One item of a TransactWriteItems request. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** One conditional update, usable alone (UpdateItem) or as a TransactWriteItems item. */
export interface UpdateSpec {
  TableName: string;
  Key: ItemKey;
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Most items one TransactWriteItems call takes. */
export const TRANSACTION_LIMIT = 100;

export async function transactWrite(
  table: DynamoTable,
  action: string,
  items: TransactItem[],
): Promise<void> {
  await table.run(action, (c) => c.send(new TransactWriteCommand({ TransactItems: items })));
}

export async function update(
  table: DynamoTable,
  action: string,
  spec: UpdateSpec,
  returnValues?: UpdateCommandInput['ReturnValues'],
): Promise<Item | undefined> {
  const answer = await table.run(action, (c) =>
    c.send(new UpdateCommand({ ...spec, ...(returnValues ? { ReturnValues: returnValues } : {}) })),
  );
  return answer.Attributes as Item | undefined;
}

export async function put(table: DynamoTable, action: string, item: Item, condition?: string): Promise<void> {
  await table.run(action, (c) =>
    c.send(
      new PutCommand({
        TableName: table.name,
        Item: item,
        ...(condition === undefined
          ? {}
          : { ConditionExpression: condition, ExpressionAttributeNames: { '#pk': 'searchType' } }),
      }),
    ),
  );
}
