import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { sleep } from '../../../kernel/backoff.js';
import { StoreUnavailableError } from '../../../ports/store.js';
import type { DynamoTable } from './dynamo-table.js';
import { LOOKUP_INDEX, LOOKUP_PK, LOOKUP_SK, PK, SK, TIMESTAMP, TIMESTAMP_INDEX, TTL } from './keys.js';

/**
 * The table as the adapters need it: the original stack's keys (`searchType`/`searchId`), its
 * `timestamp-index`, streams of new and old images, plus the overloaded lookup index `gsi1`.
 * The AWS stack declares the same (docs/adr/0013-dynamodb-single-table.md).
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: PK, KeyType: 'HASH' },
      { AttributeName: SK, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: PK, AttributeType: 'S' },
      { AttributeName: SK, AttributeType: 'S' },
      { AttributeName: TIMESTAMP, AttributeType: 'N' },
      { AttributeName: LOOKUP_PK, AttributeType: 'S' },
      { AttributeName: LOOKUP_SK, AttributeType: 'S' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: TIMESTAMP_INDEX,
        KeySchema: [
          { AttributeName: PK, KeyType: 'HASH' },
          { AttributeName: TIMESTAMP, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: LOOKUP_INDEX,
        KeySchema: [
          { AttributeName: LOOKUP_PK, KeyType: 'HASH' },
          { AttributeName: LOOKUP_SK, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

/** How long a new table may take to become ACTIVE before migrate gives up. */
const ACTIVE_TIMEOUT_MS = 120_000;

/**
 * Makes sure the table exists with both indexes, creating it when `create` allows. Safe when several
 * processes run it at once: a concurrent CreateTable answers ResourceInUseException and every caller
 * then waits for ACTIVE. Rejects with StoreUnavailableError naming what is missing.
 */
export async function ensureTable(table: DynamoTable, create: boolean): Promise<void> {
  let description = await describe(table);
  if (description === undefined) {
    if (!create) {
      throw new StoreUnavailableError(
        `DynamoDB table ${table.name} does not exist (create it with the stack, or set DYNAMODB_CREATE_TABLE=true)`,
      );
    }
    await createTable(table);
    description = await waitUntilActive(table);
  } else if (description.TableStatus !== 'ACTIVE') {
    description = await waitUntilActive(table);
  }
  const indexes = new Set((description.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const needed of [TIMESTAMP_INDEX, LOOKUP_INDEX]) {
    if (!indexes.has(needed)) {
      throw new StoreUnavailableError(
        `DynamoDB table ${table.name} lacks the global secondary index ${needed}`,
      );
    }
  }
}

async function describe(table: DynamoTable): Promise<TableDescription | undefined> {
  try {
    const answer = await table.run('describe the DynamoDB table', (c) =>
      c.send(new DescribeTableCommand({ TableName: table.name })),
    );
    return answer.Table;
  } catch (error) {
    if (error instanceof StoreUnavailableError && nameOf(error.cause) === 'ResourceNotFoundException') {
      return undefined;
    }
    throw error;
  }
}

async function createTable(table: DynamoTable): Promise<void> {
  try {
    await table.run('create the DynamoDB table', (c) =>
      c.send(new CreateTableCommand(tableDefinition(table.name))),
    );
  } catch (error) {
    // Another process created it first.
    if (error instanceof StoreUnavailableError && nameOf(error.cause) === 'ResourceInUseException') return;
    throw error;
  }
  await enableTimeToLive(table);
}

/**
 * Idempotency keys, published outbox records and processed-event marks expire through TTL on AWS; a
 * local server without TTL support keeps them until pruned.
 */
async function enableTimeToLive(table: DynamoTable): Promise<void> {
  try {
    await waitUntilActive(table);
    await table.run('enable time to live', (c) =>
      c.send(
        new UpdateTimeToLiveCommand({
          TableName: table.name,
          TimeToLiveSpecification: { AttributeName: TTL, Enabled: true },
        }),
      ),
    );
  } catch (error) {
    const name = nameOf(error instanceof StoreUnavailableError ? error.cause : error);
    if (name !== 'UnknownOperationException' && name !== 'ValidationException') throw error;
  }
}

async function waitUntilActive(table: DynamoTable): Promise<TableDescription> {
  const deadline = Date.now() + ACTIVE_TIMEOUT_MS;
  for (let delay = 20; ; delay = Math.min(1_000, delay * 2)) {
    const description = await describe(table);
    const indexesReady = (description?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (description?.TableStatus === 'ACTIVE' && indexesReady) return description;
    if (Date.now() > deadline) {
      throw new StoreUnavailableError(`DynamoDB table ${table.name} did not become ACTIVE in time`);
    }
    await sleep(delay);
  }
}

function nameOf(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}
