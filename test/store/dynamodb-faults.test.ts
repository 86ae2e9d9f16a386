import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import { systemClock } from '../../src/ports/clock.js';
import { StoreThrottledError, StoreUnavailableError } from '../../src/ports/store.js';
import { dynamoConfig, type LocalDynamo, startDynalite, uniqueTableName } from '../helpers/dynalite.js';
import { type DynamoFaultProxy, dynamoError, startDynamoFaultProxy } from '../helpers/dynamo-fault-proxy.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

const throttled = () =>
  dynamoError(
    'ProvisionedThroughputExceededException',
    'The level of configured provisioned throughput for the table was exceeded.',
  );
const FAST_RETRY = { attempts: 4, baseMs: 5, maxMs: 20 };

describe('DynamoDB throttling and partial batches', () => {
  let dynamo: LocalDynamo;
  let proxy: DynamoFaultProxy;
  let store: DynamoDbStore;

  beforeAll(async () => {
    dynamo = await startDynalite();
    proxy = await startDynamoFaultProxy(dynamo.endpoint);
    store = await openDynamoDbStore(dynamoConfig(proxy.endpoint), systemClock, { retry: FAST_RETRY });
    await store.migrate();
  });

  afterAll(async () => {
    await store.close();
    await proxy.close();
    await dynamo.close();
  });

  it('retries a throttled request with backoff and answers once DynamoDB serves it', async () => {
    let refusals = 2;
    proxy.setRule((request) => (request.operation === 'GetItem' && refusals-- > 0 ? throttled() : undefined));
    const before = proxy.requests.length;
    await expect(store.inventory.getSetting('absent')).resolves.toBeUndefined();
    expect(proxy.requests.slice(before).map((r) => r.operation)).toEqual(['GetItem', 'GetItem', 'GetItem']);
  });

  it('throttling that persists through the retries rejects StoreThrottledError (a StoreUnavailableError), never hangs', async () => {
    proxy.setRule((request) =>
      request.operation === 'Query' ? dynamoError('ThrottlingException', 'Rate exceeded') : undefined,
    );
    const error = await store.inventory.listRoutes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreThrottledError);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    proxy.setRule(() => undefined);
  });

  it('BatchWriteItem: unprocessed items are sent again until every item is written', async () => {
    let partial = 2;
    proxy.setRule((request) => {
      if (request.operation !== 'BatchWriteItem' || partial-- <= 0) return undefined;
      // DynamoDB accepted nothing of this batch: every request comes back as unprocessed.
      return {
        status: 200,
        body: { UnprocessedItems: request.body.RequestItems as Record<string, unknown> },
      };
    });
    const airlines = Array.from({ length: 30 }, (_, i) => ({
      iata: `Q${i}`,
      name: `Airline ${i}`,
      country: 'GB',
    }));
    await store.inventory.putAirlines(airlines);
    proxy.setRule(() => undefined);
    expect((await store.inventory.listAirlines()).map((a) => a.iata).sort()).toEqual(
      airlines.map((a) => a.iata).sort(),
    );
  });

  it('a batch left unprocessed through every retry rejects StoreThrottledError', async () => {
    proxy.setRule((request) =>
      request.operation === 'BatchWriteItem'
        ? { status: 200, body: { UnprocessedItems: request.body.RequestItems as Record<string, unknown> } }
        : undefined,
    );
    await expect(
      store.inventory.putAirlines([{ iata: 'ZZ', name: 'Z', country: 'GB' }]),
    ).rejects.toBeInstanceOf(StoreThrottledError);
    proxy.setRule(() => undefined);
  });
});

describe('a throttled DynamoDB over HTTP', () => {
  let dynamo: LocalDynamo;
  let proxy: DynamoFaultProxy;
  let tp: TestPlatform;

  beforeAll(async () => {
    dynamo = await startDynalite();
    proxy = await startDynamoFaultProxy(dynamo.endpoint);
    tp = await startTestPlatform({
      airports: 10,
      days: 2,
      env: {
        STORE: 'dynamodb',
        DYNAMODB_ENDPOINT: proxy.endpoint,
        DYNAMODB_TABLE: uniqueTableName(),
        DYNAMODB_BOOKING_WRITES: 'conditional',
        CACHE: 'none',
      },
    });
  }, 120_000);

  afterAll(async () => {
    await tp?.close();
    await proxy.close();
    await dynamo.close();
  });

  it('answers a search 503 problem+json with retry-after while every read is throttled, and 200 once it passes', async () => {
    const search = `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(1)}`;
    proxy.setRule((request) =>
      request.operation === 'Query' || request.operation === 'BatchGetItem' ? throttled() : undefined,
    );
    const refused = await tp.fetch(search);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { type: string }).type).toMatch(/service-unavailable$/);

    proxy.setRule(() => undefined);
    expect((await tp.fetch(search)).status).toBe(200);
  });
});
