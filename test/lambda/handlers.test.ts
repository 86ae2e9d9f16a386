/**
 * The three Lambda entry points invoked in-process with the event shapes AWS delivers, on dynalite
 * (the DynamoDB store) and the local Redis (cache and rate limiter). EventBridge cannot run here: its
 * client is stubbed at the SDK-command level and what the relay put is handed to the consumer as
 * EventBridge would deliver it.
 *
 * Every test runs in a sandbox of its own: a fresh table with its own small demo inventory, its own
 * Redis key prefix, its own record of what was put on the bus, and the handlers' modules loaded
 * anew (a Lambda cold start), so no test reads what another left behind and any one runs alone.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult, AttributeValue } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
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
const ADMIN_KEY = `lambda-admin-${randomUUID()}`;
const startDate = new Date().toISOString().slice(0, 10);
const date = (days: number): string =>
  new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** A daily nonstop of the six-airport demo network (ATL, DXB, DFW, LHR, HND, DEN). */
const searchQuery = { origin: 'LHR', destination: 'ATL', departureDate: date(2), adults: '1', maxStops: '0' };

let dynamo: LocalDynamo;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  dynamo = await startDynalite();
  savedEnv = { ...process.env };
});

afterAll(async () => {
  await dynamo?.close();
  process.env = savedEnv;
  eventBridge.restore();
});

/** One Lambda sandbox of each function, on a table and a Redis prefix no other test uses. */
interface Sandbox {
  tableName: string;
  platform: Awaited<ReturnType<typeof import('../../src/lambda/lambda-platform.js')['lambdaPlatform']>>;
  /** A client key on the partner plan, issued through the API function with the admin key. */
  apiKey: string;
  /** What the outbox relay put on the (mocked) EventBridge bus in this sandbox, in order. */
  put: PutEventsRequestEntry[];
  invoke(request: Parameters<typeof restProxyEvent>[0]): Promise<APIGatewayProxyResult>;
  relay: typeof import('../../src/lambda/outbox-stream.js')['handler'];
  invalidation: typeof import('../../src/lambda/cache-invalidation.js')['handler'];
  /** The API function's modules, to cold-start it again. */
  closeApi(): Promise<void>;
  close(): Promise<void>;
}

async function openSandbox(): Promise<Sandbox> {
  // Fresh module instances: the handlers keep their parts per module, as a sandbox keeps them.
  vi.resetModules();
  const tableName = uniqueTableName();
  process.env = {
    ...savedEnv,
    ...lambdaTestEnvironment({
      table: tableName,
      dynamoEndpoint: dynamo.endpoint,
      cachePrefix: uniquePrefix('lambda'),
      adminKey: ADMIN_KEY,
    }),
    ...API_FUNCTION_SETTINGS,
    // Every invocation writes its counts, so a test can read them right after.
    LAMBDA_FLUSH_INTERVAL_MS: '0',
  };
  const put: PutEventsRequestEntry[] = [];
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    put.push(...input.Entries);
    return allAccepted(input.Entries.length);
  });
  const api = await import('../../src/lambda/api.js');
  const relay = await import('../../src/lambda/outbox-stream.js');
  const relayParts = await import('../../src/lambda/relay-parts.js');
  const invalidation = await import('../../src/lambda/cache-invalidation.js');
  const invalidationParts = await import('../../src/lambda/invalidation-parts.js');
  const platform = await (await import('../../src/lambda/lambda-platform.js')).lambdaPlatform();
  await generateDemoInventory(platform.airports.all(), platform.store, {
    airports: 6,
    days: 3,
    seed: 7,
    startDate,
  });
  const invoke = (request: Parameters<typeof restProxyEvent>[0]): Promise<APIGatewayProxyResult> =>
    api.handler(restProxyEvent(request), lambdaContext('travel-platform-api'));
  // A client key issued through the admin API, through the Lambda like any other request.
  const issued = await invoke({
    method: 'POST',
    path: '/v1/admin/api-keys',
    headers: { 'x-api-key': ADMIN_KEY },
    body: { name: 'lambda test', plan: 'partner' },
  });
  expect(issued.statusCode).toBe(201);
  return {
    tableName,
    platform,
    apiKey: (JSON.parse(issued.body) as { key: string }).key,
    put,
    invoke,
    relay: relay.handler,
    invalidation: invalidation.handler,
    closeApi: api.closeApi,
    close: async () => {
      await api.closeApi();
      await relayParts.closeRelayParts();
      await invalidationParts.closeInvalidationParts();
    },
  };
}

let sandbox: Sandbox;

beforeEach(async () => {
  sandbox = await openSandbox();
}, 180_000);

afterEach(async () => {
  await sandbox?.close();
});

/** The raw outbox items of the sandbox's table, as DynamoDB Streams would carry them in NewImage. */
async function outboxItems(): Promise<Record<string, AttributeValue>[]> {
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const result = await client.send(
      new QueryCommand({
        TableName: sandbox.tableName,
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

const search = (): Promise<APIGatewayProxyResult> =>
  sandbox.invoke({
    method: 'GET',
    path: '/v1/flights/search',
    query: searchQuery,
    headers: { 'x-api-key': sandbox.apiKey },
  });

/**
 * Sets the seats of the first searched flight through the admin API (one availability.changed in
 * the outbox per call), then relays the outbox as the table's stream would: the events are on the bus.
 */
async function availabilityChangedOnTheBus(seatsLeft: number[]): Promise<PutEventsRequestEntry[]> {
  const offers = JSON.parse((await search()).body) as {
    data: { itineraries: { segments: { id: string }[] }[] }[];
  };
  const flightId = offers.data[0]!.itineraries[0]!.segments[0]!.id;
  for (const seats of seatsLeft) {
    const update = await sandbox.invoke({
      method: 'POST',
      path: '/v1/admin/availability',
      headers: { 'x-api-key': ADMIN_KEY },
      body: { flights: [{ flightId, cabin: 'economy', seatsLeft: seats }] },
    });
    expect(update.statusCode).toBe(200);
  }
  const relayed = await sandbox.relay(
    dynamoStreamEvent(sandbox.tableName, await outboxItems()),
    lambdaContext('travel-platform-outbox-relay'),
  );
  expect(relayed.batchItemFailures).toEqual([]);
  const changed = sandbox.put.filter((entry) => entry.DetailType === 'availability.changed');
  expect(changed).toHaveLength(seatsLeft.length);
  return changed;
}

describe('API handler (REST proxy event → Fastify app)', () => {
  it('answers a search with x-api-key: 200, a MISS then a HIT, the hit counted in an EMF metric', async () => {
    const emf: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      if (String(chunk).includes('"_aws"')) emf.push(String(chunk));
      return true;
    });
    try {
      const first = await search();
      expect(first.statusCode).toBe(200);
      expect(first.headers?.['x-cache']).toBe('MISS');
      expect((JSON.parse(first.body) as { data: unknown[] }).data.length).toBeGreaterThan(0);
      const second = await search();
      expect(second.statusCode).toBe(200);
      expect(second.headers?.['x-cache']).toBe('HIT');
    } finally {
      write.mockRestore();
    }
    expect(emf.some((line) => line.includes('"SearchCacheMiss"'))).toBe(true);
    expect(emf.some((line) => line.includes('"SearchCacheHit"'))).toBe(true);
  });

  it('writes the usage meter before the invocation returns (a frozen sandbox runs no timers)', async () => {
    const keys = await sandbox.platform.gateway.options.keys.list();
    const client = keys.find((key) => key.name === 'lambda test')!;
    const usage = async () =>
      (await sandbox.platform.backend.apiKeys.usage(client.id, startDate, date(1))).reduce(
        (sum, day) => sum + day.requests,
        0,
      );
    const counted = await usage();
    await sandbox.invoke({
      method: 'GET',
      path: '/v1/locations',
      query: { q: 'lond' },
      headers: { 'x-api-key': sandbox.apiKey },
    });
    expect(await usage()).toBe(counted + 1);
  });

  it('refuses a request without x-api-key with problem+json, not a 500', async () => {
    const response = await sandbox.invoke({ method: 'GET', path: '/v1/flights/search', query: searchQuery });
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['content-type']).toContain('application/problem+json');
  });

  it('books an offer (POST with bearer token and Idempotency-Key): 201, and the outbox holds booking.created', async () => {
    const offer = (JSON.parse((await search()).body) as { data: { id: string }[] }).data[0]!;
    const token = await sandbox.platform.gateway.options.issuer!.mint('alice');
    const response = await sandbox.invoke({
      method: 'POST',
      path: '/v1/bookings',
      headers: {
        'x-api-key': sandbox.apiKey,
        authorization: `Bearer ${token}`,
        'idempotency-key': randomUUID(),
      },
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
    const offers = JSON.parse((await search()).body) as {
      data: { itineraries: { segments: { id: string }[] }[] }[];
    };
    const flightId = offers.data[0]!.itineraries[0]!.segments[0]!.id;
    for (const seatsLeft of [5, 4]) {
      await sandbox.invoke({
        method: 'POST',
        path: '/v1/admin/availability',
        headers: { 'x-api-key': ADMIN_KEY },
        body: { flights: [{ flightId, cabin: 'economy', seatsLeft }] },
      });
    }
    const items = await outboxItems();
    expect(items).toHaveLength(2);
    const poison: Record<string, AttributeValue> = {
      searchType: { S: 'OUTBOX' },
      searchId: { S: `poison-${randomUUID()}` },
      kind: { S: 'outbox' },
      event: { S: '{"specversion":"1.0", truncated' },
    };
    const batch = dynamoStreamEvent(sandbox.tableName, [...items, poison, ...items]);
    // Only what the relay puts: the API function publishes its own analytics batches on the bus too.
    sandbox.put.length = 0;
    const result = await sandbox.relay(batch, lambdaContext('travel-platform-outbox-relay'));
    const poisonRecord = batch.Records[items.length]!;
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: poisonRecord.dynamodb!.SequenceNumber }]);
    expect(sandbox.put.map((entry) => JSON.parse(entry.Detail!).id)).toEqual(
      items.map((item) => (JSON.parse(item.event!.S!) as { id: string }).id),
    );
    expect(sandbox.put.every((entry) => entry.EventBusName === 'travel-platform-test')).toBe(true);
    // Published records leave the pending outbox, so a polling relay would not publish them again.
    expect(await outboxItems()).toHaveLength(0);
  });
});

describe('cache invalidation handler (EventBridge → SQS batch)', () => {
  it('drops the searches a delivered availability change touches, and reports an unreadable message only', async () => {
    const [changed] = await availabilityChangedOnTheBus([3]);
    // The admin update already dropped it here at commit; other sandboxes learn of it from the event.
    expect((await search()).headers?.['x-cache']).toBe('MISS');
    expect((await search()).headers?.['x-cache']).toBe('HIT');
    const batch = sqsEvent([JSON.stringify(eventBridgeDelivery(changed!)), 'not an EventBridge event']);
    const result = await sandbox.invalidation(batch, lambdaContext('travel-platform-cache-invalidation'));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[1]!.messageId }]);
    expect((await search()).headers?.['x-cache']).toBe('MISS');
  });

  it('processes a redelivered event once: what was cached again after the first delivery stays cached', async () => {
    const [changed] = await availabilityChangedOnTheBus([3]);
    const delivery = () =>
      sandbox.invalidation(
        sqsEvent([JSON.stringify(eventBridgeDelivery(changed!))]),
        lambdaContext('travel-platform-cache-invalidation'),
      );
    expect((await search()).headers?.['x-cache']).toBe('MISS');
    expect((await delivery()).batchItemFailures).toEqual([]);
    // The first delivery dropped the search; asking again caches it anew.
    expect((await search()).headers?.['x-cache']).toBe('MISS');
    expect((await search()).headers?.['x-cache']).toBe('HIT');
    // SQS delivers the same message again (at-least-once): handling it twice would drop it again.
    expect((await delivery()).batchItemFailures).toEqual([]);
    expect((await search()).headers?.['x-cache']).toBe('HIT');
  });
});

describe('API handler cold start on a table the stack owns', () => {
  /** Commands the DynamoDB store sends while a fresh sandbox answers its first search. */
  async function coldStartCommands(createTable: string): Promise<string[]> {
    await sandbox.closeApi();
    process.env.DYNAMODB_CREATE_TABLE = createTable;
    const send = vi.spyOn(DynamoDBDocumentClient.prototype, 'send');
    try {
      const answer = await search();
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
