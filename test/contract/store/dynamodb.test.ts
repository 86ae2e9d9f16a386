import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../../src/adapters/store/dynamodb/index.js';
import { dynamoConfig, type LocalDynamo, startDynalite } from '../../helpers/dynalite.js';
import { describeStoreContracts } from './index.js';

let dynamo: LocalDynamo | undefined;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo?.close();
});

describeStoreContracts({
  name: 'dynamodb',
  async open() {
    if (dynamo === undefined) throw new Error('dynalite is not running');
    return openDynamoDbStore(dynamoConfig(dynamo.endpoint));
  },
  async dispose(store) {
    if (dynamo === undefined) return;
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(new DeleteTableCommand({ TableName: (store as DynamoDbStore).table.name }));
    client.destroy();
  },
});
