/**
 * The three Lambda entry points invoked in-process with the event shapes AWS delivers, on dynalite
 * (the DynamoDB store) and the local Redis (cache and rate limiter). EventBridge cannot run here: its
 * client is stubbed at the SDK-command level and what the relay put is handed to the consumer as
 * EventBridge would deliver it.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, AttributeValue } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Platform } from '../../src/composition/platform.js';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
import { handler as apiHandler, closeApi } from '../../src/lambda/api.js';
import { handler as invalidationHandler } from '../../src/lambda/cache-invalidation.js';
import { closeInvalidationParts } from '../../src/lambda/invalidation-parts.js';
import { lambdaPlatform } from '../../src/lambda/lambda-platform.js';
import { handler as relayHandler } from '../../src/lambda/outbox-stream.js';
import { closeRelayParts } from '../../src/lambda/relay-parts.js';
import { allAccepted } from '../fixtures/aws/eventbridge-put-events.js';
import { bookingBody, passengersFor } from '../helpers/bookings.js';
import { type LocalDynamo, startDynalite, uniqueTableName } from '../helpers/dynalite.js';
import { API_FUNCTION_SETTINGS, lambdaTestEnvironment } from '../helpers/lambda-environment.js';
import {
  dynamoStreamEvent,
  eventBridgeDelivery,
  lambdaContext,
  restProxyEvent,
  sqsEvent,
} from '../helpers/lambda-events.js';
import { uniquePrefix } from '../helpers/redis.js';

const eventBridge = mockClient(EventBridgeClient);
const put: PutEventsRequestEntry[] = [];
const ADMIN_KEY = `lambda-admin-${randomUUID()}`;
const tableName = uniqueTableName();

let dynamo: LocalDynamo;
let platform: Platform;
let apiKey: string;
let savedEnv: NodeJS.ProcessEnv;
const startDate = new Date().toISOString().slice(0, 10);
const date = (days: number): string =>
  new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const invoke = (request: Parameters<typeof restProxyEvent>[0]): Promise<APIGatewayProxyResult> =>
  apiHandler(restProxyEvent(request), lambdaContext('travel-platform-api'));

const searchQuery = { origin: 'LHR', destination: 'JFK', departureDate: date(2), adults: '1', maxStops: '0' };

beforeAll(async () => {
  dynamo = await startDynalite();
  savedEnv = { ...process.env };
  Object.assign(process.env, {
    ...lambdaTestEnvironment({
      table: tableName,
      dynamoEndpoint: dynamo.endpoint,
      cachePrefix: uniquePrefix('lambda'),
      adminKey: ADMIN_KEY,
    }),
    ...API_FUNCTION_SETTINGS,
    // Every invocation writes its counts, so a test can read them right after.
    LAMBDA_FLUSH_INTERVAL_MS: '0',
  });
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    put.push(...input.Entries);
    return allAccepted(input.Entries.length);
  });
  platform = await lambdaPlatform();
  await generateDemoInventory(platform.airports.all(), platform.store, {
    airports: 20,
    days: 4,
    seed: 7,
    startDate,
  });
  // A client key issued through the admin API, through the Lambda like any other request.
  const issued = await invoke({
    method: 'POST',
    path: '/v1/admin/api-keys',
    headers: { 'x-api-key': ADMIN_KEY },
    body: { name: 'lambda test', plan: 'partner' },
  });
  expect(issued.statusCode).toBe(201);
  apiKey = (JSON.parse(issued.body) as { key: string }).key;
}, 180_000);

afterAll(async () => {
  await closeApi();
  await closeRelayParts();
  await closeInvalidationParts();
  await dynamo?.close();
  process.env = savedEnv;
  eventBridge.restore();
});

/** The raw outbox items of the table, as DynamoDB Streams would carry them in NewImage. */
async function outboxItems(): Promise<Record<string, AttributeValue>[]> {
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const result = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'searchType = :p',
        ExpressionAttributeValues: { ':p': { S: 'OUTBOX' } },
        ConsistentRead: true,
      }),
    );
    return (result.Items ?? []) as Record<string, AttributeValue>[];
  } finally {
    client.destroy();
  }
}

describe('API handler (REST proxy event → Fastify app)', () => {
  it('answers a search with x-api-key: 200, a MISS then a HIT, the hit counted in an EMF metric', async () => {
    const emf: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      if (String(chunk).includes('"_aws"')) emf.push(String(chunk));
      return true;
    });
    try {
      const first = await invoke({
        method: 'GET',
        path: '/v1/flights/search',
        query: searchQuery,
        headers: { 'x-api-key': apiKey },
      });
      expect(first.statusCode).toBe(200);
      expect(first.headers?.['x-cache']).toBe('MISS');
      expect((JSON.parse(first.body) as { data: unknown[] }).data.length).toBeGreaterThan(0);
      const second = await invoke({
        method: 'GET',
        path: '/v1/flights/search',
        query: searchQuery,
        headers: { 'x-api-key': apiKey },
      });
      expect(second.statusCode).toBe(200);
      expect(second.headers?.['x-cache']).toBe('HIT');
    } finally {
      write.mockRestore();
    }
    expect(emf.some((line) => line.includes('"SearchCacheMiss"'))).toBe(true);
    expect(emf.some((line) => line.includes('"SearchCacheHit"'))).toBe(true);
  });

  it('writes the usage meter before the invocation returns (a frozen sandbox runs no timers)', async () => {
    const keys = await platform.gateway.options.keys.list();
    const client = keys.find((key) => key.name === 'lambda test')!;
    const before = await platform.backend.apiKeys.usage(client.id, startDate, date(1));
    const counted = before.reduce((sum, day) => sum + day.requests, 0);
    await invoke({
      method: 'GET',
      path: '/v1/locations',
      query: { q: 'lond' },
      headers: { 'x-api-key': apiKey },
    });
    const after = await platform.backend.apiKeys.usage(client.id, startDate, date(1));
    expect(after.reduce((sum, day) => sum + day.requests, 0)).toBe(counted + 1);
  });

  it('refuses a request without x-api-key with problem+json, not a 500', async () => {
    const response = await invoke({ method: 'GET', path: '/v1/flights/search', query: searchQuery });
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['content-type']).toContain('application/problem+json');
  });

  it('books an offer (POST with bearer token and Idempotency-Key): 201, and the outbox holds booking.created', async () => {
    const search = await invoke({
      method: 'GET',
      path: '/v1/flights/search',
      query: searchQuery,
      headers: { 'x-api-key': apiKey },
    });
    const offer = (JSON.parse(search.body) as { data: { id: string }[] }).data[0]!;
    const token = await platform.gateway.options.issuer!.mint('alice');
    const response = await invoke({
      method: 'POST',
      path: '/v1/bookings',
      headers: { 'x-api-key': apiKey, authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
      body: bookingBody(offer.id, passengersFor({ adults: 1 }, date(2))),
    });
    expect(response.statusCode).toBe(201);
    expect((JSON.parse(response.body) as { data: { status: string } }).data.status).toBe('confirmed');
    const pending = (await outboxItems()).map(
      (item) => JSON.parse(item.event?.S ?? '{}') as { type: string },
    );
    expect(pending.map((event) => event.type)).toContain('booking.created');
  });
});

describe('outbox relay handler (DynamoDB Streams batch → EventBridge)', () => {
  it('publishes outbox inserts in order, stops at a poison record and reports its sequence number', async () => {
    const items = await outboxItems();
    expect(items.length).toBeGreaterThan(0);
    const poison: Record<string, AttributeValue> = {
      searchType: { S: 'OUTBOX' },
      searchId: { S: `poison-${randomUUID()}` },
      kind: { S: 'outbox' },
      event: { S: '{"specversion":"1.0", truncated' },
    };
    const batch = dynamoStreamEvent(tableName, [...items, poison, ...items]);
    put.length = 0;
    const result = await relayHandler(batch, lambdaContext('travel-platform-outbox-relay'));
    const poisonRecord = batch.Records[items.length]!;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: poisonRecord.dynamodb!.SequenceNumber }]);
    expect(put.map((entry) => JSON.parse(entry.Detail!).id)).toEqual(
      items.map((item) => (JSON.parse(item.event!.S!) as { id: string }).id),
    );
    expect(put.every((entry) => entry.EventBusName === 'travel-platform-test')).toBe(true);
    // Published records leave the pending outbox, so a polling relay would not publish them again.
    expect(await outboxItems()).toHaveLength(0);
  });
});

describe('cache invalidation handler (EventBridge → SQS batch)', () => {
  it('drops the searches a delivered availability change touches, and reports an unreadable message only', async () => {
    const search = () =>
      invoke({
        method: 'GET',
        path: '/v1/flights/search',
        query: searchQuery,
        headers: { 'x-api-key': apiKey },
      });
    // The booking already dropped it here at commit; other sandboxes learn of it from the event.
    expect((await search()).headers?.['x-cache']).toBe('MISS');
    expect((await search()).headers?.['x-cache']).toBe('HIT');
    // The booking's own availability.changed, as the relay put it on the bus.
    const changed = put.find((entry) => entry.DetailType === 'availability.changed');
    expect(changed).toBeDefined();
    const batch = sqsEvent([JSON.stringify(eventBridgeDelivery(changed!)), 'not an EventBridge event']);
    const result = await invalidationHandler(batch, lambdaContext('travel-platform-cache-invalidation'));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[1]!.messageId }]);
    const after = await invoke({
      method: 'GET',
      path: '/v1/flights/search',
      query: searchQuery,
      headers: { 'x-api-key': apiKey },
    });
    expect(after.headers?.['x-cache']).toBe('MISS');
  });

  it('skips an event it already processed (redelivery is harmless)', async () => {
    const changed = put.find((entry) => entry.DetailType === 'availability.changed')!;
    const again = await invalidationHandler(
      sqsEvent([JSON.stringify(eventBridgeDelivery(changed))]),
      lambdaContext('travel-platform-cache-invalidation'),
    );
    expect(again.batchItemFailures).toEqual([]);
  });
});

describe('API handler cold start on a table the stack owns', () => {
  /** Commands the DynamoDB store sends while a fresh sandbox answers its first search. */
  async function coldStartCommands(createTable: string): Promise<string[]> {
    await closeApi();
    process.env.DYNAMODB_CREATE_TABLE = createTable;
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    try {
      const answer = await invoke({
        method: 'GET',
        path: '/v1/flights/search',
        query: searchQuery,
        headers: { 'x-api-key': apiKey },
      });
      expect(answer.statusCode).toBe(200);
      return send.mock.calls.map(([command]) => command.constructor.name);
    } finally {
      send.mockRestore();
      process.env.DYNAMODB_CREATE_TABLE = 'true';
    }
  }

  it('checks the table only when it may create it (DYNAMODB_CREATE_TABLE=false: the stack owns it)', async () => {
    expect(await coldStartCommands('true')).toContain('DescribeTableCommand');
    const owned = await coldStartCommands('false');
    expect(owned).not.toContain('DescribeTableCommand');
    expect(owned.length).toBeGreaterThan(0);
  });
});
