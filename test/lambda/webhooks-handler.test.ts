/**
 * The webhook delivery function invoked in-process with the event shapes AWS delivers (an SQS batch of
 * EventBridge deliveries, and the one-minute schedule), on dynalite and the local Redis, sending to a
 * real local receiver. EventBridge itself cannot run here: the relay's PutEvents is stubbed at the SDK
 * command level and what it put is handed to the function as the rule would deliver it.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { APIGatewayProxyResult, AttributeValue } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/composition/platform.js';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
import { handler as apiHandler, closeApi } from '../../src/lambda/api.js';
import { lambdaPlatform } from '../../src/lambda/lambda-platform.js';
import { handler as relayHandler } from '../../src/lambda/outbox-stream.js';
import { closeWebhookParts } from '../../src/lambda/webhook-parts.js';
import { handler as webhooksHandler } from '../../src/lambda/webhooks.js';
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
import { verifyStandardWebhook, WebhookReceiver } from '../helpers/webhook-receiver.js';

const eventBridge = mockClient(EventBridgeClient);
const put: PutEventsRequestEntry[] = [];
const ADMIN_KEY = `lambda-admin-${randomUUID()}`;
const tableName = uniqueTableName();
const startDate = new Date().toISOString().slice(0, 10);
const date = (days: number): string =>
  new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

let dynamo: LocalDynamo;
let platform: Platform;
let receiver: WebhookReceiver;
let apiKey: string;
let savedEnv: NodeJS.ProcessEnv;

const invoke = (request: Parameters<typeof restProxyEvent>[0]): Promise<APIGatewayProxyResult> =>
  apiHandler(restProxyEvent(request), lambdaContext('travel-platform-api'));
const deliver = (event: Parameters<typeof webhooksHandler>[0]) =>
  webhooksHandler(event, lambdaContext('travel-platform-webhooks'));

beforeAll(async () => {
  dynamo = await startDynalite();
  receiver = await WebhookReceiver.start();
  savedEnv = { ...process.env };
  Object.assign(process.env, {
    ...lambdaTestEnvironment({
      table: tableName,
      dynamoEndpoint: dynamo.endpoint,
      cachePrefix: uniquePrefix('lambda-webhooks'),
      adminKey: ADMIN_KEY,
    }),
    ...API_FUNCTION_SETTINGS,
    // The receiver listens on loopback over http: allowed here, refused by config in production.
    WEBHOOK_ALLOW_LOOPBACK: 'on',
    WEBHOOK_REQUIRE_HTTPS: 'off',
    // A retry comes due within 300 ms, so a test waits for it without sleeping long.
    WEBHOOK_RETRY_BASE_MS: '300',
    WEBHOOK_RETRY_MAX_MS: '300',
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
  const issued = await invoke({
    method: 'POST',
    path: '/v1/admin/api-keys',
    headers: { 'x-api-key': ADMIN_KEY },
    body: { name: 'lambda webhooks', plan: 'partner' },
  });
  apiKey = (JSON.parse(issued.body) as { key: string }).key;
}, 180_000);

afterAll(async () => {
  await closeWebhookParts();
  await closeApi();
  await receiver?.close();
  await dynamo?.close();
  process.env = savedEnv;
  eventBridge.restore();
});

/** The pending outbox items, as DynamoDB Streams would carry them in NewImage. */
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

describe('webhook delivery function (EventBridge → SQS batch, and the schedule)', () => {
  it('stores and sends a signed booking.created for the key that booked; a redelivered record sends nothing twice', async () => {
    const registered = await invoke({
      method: 'POST',
      path: '/v1/webhooks/endpoints',
      headers: { 'x-api-key': apiKey },
      body: { url: receiver.url(), eventTypes: ['booking.created'] },
    });
    expect(registered.statusCode).toBe(201);
    const { secret, id: endpointId } = (
      JSON.parse(registered.body) as { data: { secret: string; id: string } }
    ).data;

    const search = await invoke({
      method: 'GET',
      path: '/v1/flights/search',
      query: { origin: 'LHR', destination: 'JFK', departureDate: date(2), adults: '1', maxStops: '0' },
      headers: { 'x-api-key': apiKey },
    });
    const offer = (JSON.parse(search.body) as { data: { id: string }[] }).data[0]!;
    const token = await platform.gateway.options.issuer!.mint('alice');
    const booked = await invoke({
      method: 'POST',
      path: '/v1/bookings',
      headers: { 'x-api-key': apiKey, authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
      body: bookingBody(offer.id, passengersFor({ adults: 1 }, date(2))),
    });
    expect(booked.statusCode).toBe(201);
    const bookingId = (JSON.parse(booked.body) as { data: { id: string } }).data.id;

    // The stream relay puts the booking's events on the bus; nothing is stored for webhooks yet.
    await relayHandler(
      dynamoStreamEvent(tableName, await outboxItems()),
      lambdaContext('travel-platform-outbox-relay'),
    );
    expect(await platform.backend.webhookDeliveries.list({ endpointId })).toEqual([]);
    const created = put.find((entry) => entry.DetailType === 'booking.created');
    expect(created).toBeDefined();
    const record = JSON.stringify(eventBridgeDelivery(created!));
    const batch = sqsEvent([record, 'not an EventBridge event']);
    const result = await deliver(batch);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: batch.Records[1]!.messageId }]);
    expect(receiver.received).toHaveLength(1);
    const [webhook] = receiver.received;
    expect(webhook!.event).toMatchObject({ type: 'booking.created', subject: bookingId });
    expect(verifyStandardWebhook(secret, webhook!.headers, webhook!.body)).toBe(true);

    const again = await deliver(sqsEvent([record]));
    expect(again.batchItemFailures).toEqual([]);
    expect(receiver.received).toHaveLength(1);

    const log = await invoke({
      method: 'GET',
      path: `/v1/webhooks/endpoints/${endpointId}/deliveries`,
      headers: { 'x-api-key': apiKey },
    });
    expect((JSON.parse(log.body) as { data: unknown[] }).data).toEqual([
      expect.objectContaining({ eventType: 'booking.created', status: 'succeeded', responseStatus: 204 }),
    ]);
  });

  it('the scheduled invocation sends the retries that came due', async () => {
    const registered = await invoke({
      method: 'POST',
      path: '/v1/webhooks/endpoints',
      headers: { 'x-api-key': apiKey },
      body: { url: receiver.url('/flaky'), eventTypes: ['booking.created'] },
    });
    const { id } = (JSON.parse(registered.body) as { data: { id: string } }).data;
    const before = receiver.received.length;
    receiver.answer = 503;
    const ping = await invoke({
      method: 'POST',
      path: `/v1/webhooks/endpoints/${id}/test`,
      headers: { 'x-api-key': apiKey },
    });
    expect(ping.statusCode).toBe(202);
    await deliver({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    expect(receiver.received.length).toBeGreaterThan(before);
    receiver.answer = 204;
    // Not due yet: that sweep made one attempt and stopped. The retry is due within 300 ms.
    expect(receiver.received.length).toBe(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await deliver({ source: 'aws.events', 'detail-type': 'Scheduled Event' });
    const { deliveryId } = (JSON.parse(ping.body) as { data: { deliveryId: string } }).data;
    const detail = await invoke({
      method: 'GET',
      path: `/v1/webhooks/endpoints/${id}/deliveries/${deliveryId}`,
      headers: { 'x-api-key': apiKey },
    });
    const delivery = (
      JSON.parse(detail.body) as { data: { status: string; history: { responseStatus: number }[] } }
    ).data;
    expect(delivery.status).toBe('succeeded');
    expect(delivery.history.map((attempt) => attempt.responseStatus)).toEqual([503, 204]);
  });
});
