import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import { tableDefinition } from '../../src/adapters/store/dynamodb/table-schema.js';
import { StoreUnavailableError } from '../../src/ports/store.js';
import { dynamoConfig, type LocalDynamo, startDynalite, uniqueTableName } from '../helpers/dynalite.js';

/** What `migrate` makes of the table: the stack's keys and index kept, gsi1 added, and clear refusals. */
describe('DynamoDB table at start (migrate)', () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;

  beforeAll(async () => {
    dynamo = await startDynalite();
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  it('creates the table with searchType/searchId, timestamp-index, gsi1 and streams of new and old images', async () => {
    const config = dynamoConfig(dynamo.endpoint);
    const store = await openDynamoDbStore(config);
    await store.migrate();
    await store.close();
    const { Table } = await client.send(new DescribeTableCommand({ TableName: config.dynamodbTable }));
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'searchType', KeyType: 'HASH' },
      { AttributeName: 'searchId', KeyType: 'RANGE' },
    ]);
    const indexes = Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.KeySchema]),
    );
    expect(indexes['timestamp-index']).toEqual([
      { AttributeName: 'searchType', KeyType: 'HASH' },
      { AttributeName: 'timestamp', KeyType: 'RANGE' },
    ]);
    expect(indexes.gsi1).toEqual([
      { AttributeName: 'gsi1pk', KeyType: 'HASH' },
      { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
    ]);
    // dynalite does not keep stream settings: the request asks for them.
    expect(tableDefinition(config.dynamodbTable).StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
  });

  it('refuses, naming the table, when it is missing and creating it is not allowed', async () => {
    const config = { ...dynamoConfig(dynamo.endpoint), dynamodbCreateTable: 'false' as const };
    const store = await openDynamoDbStore(config);
    const error = await store.migrate().catch((e: unknown) => e);
    await store.close();
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toContain(`${config.dynamodbTable} does not exist`);
  });

  it("refuses, naming the index, a table shaped like the original stack's (timestamp-index only)", async () => {
    const table = uniqueTableName();
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'searchType', KeyType: 'HASH' },
          { AttributeName: 'searchId', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'searchType', AttributeType: 'S' },
          { AttributeName: 'searchId', AttributeType: 'S' },
          { AttributeName: 'timestamp', AttributeType: 'N' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'timestamp-index',
            KeySchema: [
              { AttributeName: 'searchType', KeyType: 'HASH' },
              { AttributeName: 'timestamp', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      }),
    );
    const store = await openDynamoDbStore({
      ...dynamoConfig(dynamo.endpoint, table),
      dynamodbCreateTable: 'auto',
    });
    const error = await store.migrate().catch((e: unknown) => e);
    await store.close();
    expect((error as Error).message).toContain('lacks the global secondary index gsi1');
  });

  it('a store that cannot be reached fails ping and migrate with StoreUnavailableError, quickly', async () => {
    const store = await openDynamoDbStore(dynamoConfig('http://127.0.0.1:9'));
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.migrate()).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close();
  });
});
