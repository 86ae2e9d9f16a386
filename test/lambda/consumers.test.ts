/**
 * The event consumers cold-start as the stack runs them — no ADMIN_API_KEY, on a table the stack
 * created and that holds nothing yet — and build only what they use: after they relayed and consumed
 * an event, the table holds no API key, no issuer key and no setting, only the outbox record they
 * published and the processed mark, each with its TTL. The API function, without its admin secret,
 * refuses to start instead of issuing development keys into the table.
 */
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbStore, openDynamoDbStore } from '../../src/adapters/store/dynamodb/index.js';
import { outboxItems } from '../../src/adapters/store/dynamodb/outbox-records.js';
import { EVENT_SOURCE } from '../../src/composition/event-source.js';
import { createEvent } from '../../src/core/events/create-event.js';
import { handler as apiHandler, closeApi } from '../../src/lambda/api.js';
import { handler as invalidationHandler } from '../../src/lambda/cache-invalidation.js';
import { closeInvalidationParts } from '../../src/lambda/invalidation-parts.js';
import { handler as relayHandler } from '../../src/lambda/outbox-stream.js';
import { closeRelayParts } from '../../src/lambda/relay-parts.js';
import { PUBLISHED_OUTBOX_RETENTION_MS } from '../../src/ports/outbox.js';
import { PROCESSED_EVENT_RETENTION_MS } from '../../src/ports/processed-events.js';
import { allAccepted } from '../fixtures/aws/eventbridge-put-events.js';
import { dynamoConfig, type LocalDynamo, startDynalite } from '../helpers/dynalite.js';
import { lambdaTestEnvironment } from '../helpers/lambda-environment.js';
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
let dynamo: LocalDynamo;
let store: DynamoDbStore;
let savedEnv: NodeJS.ProcessEnv;

beforeAll(async () => {
  dynamo = await startDynalite();
  const config = dynamoConfig(dynamo.endpoint);
  // The table as the stack creates it: keys, indexes and TTL, and no item.
  store = await openDynamoDbStore(config);
  await store.migrate();
  savedEnv = { ...process.env };
  delete process.env.ADMIN_API_KEY;
  delete process.env.ADMIN_API_KEY_SECRET_ARN;
  Object.assign(
    process.env,
    // What the stack sets: the table is the stack's, no cold start checks or creates it; no admin key.
    lambdaTestEnvironment({
      table: config.dynamodbTable,
      dynamoEndpoint: dynamo.endpoint,
      createTable: false,
      cachePrefix: uniquePrefix('consumers'),
    }),
  );
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
    put.push(...input.Entries);
    return allAccepted(input.Entries.length);
  });
});

afterAll(async () => {
  await closeApi();
  await closeRelayParts();
  await closeInvalidationParts();
  store.table.close();
  await dynamo?.close();
  process.env = savedEnv;
  eventBridge.restore();
});

/** Every item of the table, as DynamoDB holds it. */
async function allItems(): Promise<Record<string, unknown>[]> {
  const page = await store.table.run('scan the test table', (c) =>
    c.send(new ScanCommand({ TableName: store.table.name, ConsistentRead: true })),
  );
  return (page.Items ?? []) as Record<string, unknown>[];
}

const kindsOf = async (): Promise<string[]> => (await allItems()).map((item) => String(item.kind));

describe('event consumers cold-started without the admin secret on an empty table', () => {
  it('relay and invalidation consume an event and leave no API key, issuer key or setting behind', async () => {
    const event = createEvent(
      'availability.changed',
      {
        flights: [
          { flightId: `F-${randomUUID()}`, origin: 'LHR', destination: 'JFK', departureDate: '2026-12-24' },
        ],
      },
      { source: EVENT_SOURCE },
    );
    // The outbox item a booking's transaction writes, and the stream record carrying it.
    const [item] = outboxItems([event]);
    await store.table.run('append to the outbox', (c) =>
      c.send(new PutCommand({ TableName: store.table.name, Item: item })),
    );
    const relayed = await relayHandler(
      dynamoStreamEvent(store.table.name, [marshall(item) as Record<string, AttributeValue>]),
      lambdaContext('travel-platform-outbox-relay'),
    );
    expect(relayed.batchItemFailures).toEqual([]);
    expect(put.map((entry) => JSON.parse(entry.Detail ?? '{}').id)).toEqual([event.id]);

    const consumed = await invalidationHandler(
      sqsEvent([JSON.stringify(eventBridgeDelivery(put[0]!))]),
      lambdaContext('travel-platform-cache-invalidation'),
    );
    expect(consumed.batchItemFailures).toEqual([]);

    // Only what consuming writes: the published record and the processed mark.
    expect((await kindsOf()).sort()).toEqual(['outbox-published', 'processed-event']);
  });

  it('writes the TTL attribute on what they leave, at the retention the ports promise', async () => {
    const now = Date.now() / 1000;
    const items = await allItems();
    const published = items.find((item) => item.kind === 'outbox-published')!;
    const processed = items.find((item) => item.kind === 'processed-event')!;
    expect(published.expiresAtTtl).toBeCloseTo(now + PUBLISHED_OUTBOX_RETENTION_MS / 1000, -2);
    expect(processed.expiresAtTtl).toBeCloseTo(now + PROCESSED_EVENT_RETENTION_MS / 1000, -2);
  });

  it('the API function without its admin secret refuses to start rather than issue development keys', async () => {
    const answer = apiHandler(
      restProxyEvent({ method: 'GET', path: '/health/live' }),
      lambdaContext('travel-platform-api'),
    );
    await expect(answer).rejects.toThrow('ADMIN_API_KEY_SECRET_ARN');
    expect(await kindsOf()).not.toContain('api-key');
  });
});
