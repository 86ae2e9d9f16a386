import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { HttpWebhookTransport } from '../../src/adapters/webhooks/http-transport.js';
import { WebhookDispatcher, type WebhookRetryPolicy } from '../../src/core/webhooks/webhook-dispatcher.js';
import { WebhookEndpoints } from '../../src/core/webhooks/webhook-endpoints.js';
import { deliveryId } from '../../src/core/webhooks/webhook-payloads.js';
import { backoffDelay } from '../../src/kernel/backoff.js';
import type { WebhookDeliveryRecord, WebhookEndpointRecord } from '../../src/ports/webhooks.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';
import { verifyStandardWebhook, WebhookReceiver } from '../helpers/webhook-receiver.js';

const T0 = Date.now();
const RETRY: WebhookRetryPolicy = {
  baseMs: 60_000,
  maxMs: 12 * 3_600_000,
  maxAttempts: 4,
  disableAfterFailures: 100,
};
const caller = { apiKeyId: 'key-a', admin: false };
/** The jitter source of every test: the delays are then exactly 3/4 of nominal. */
const half = () => 0.5;

let temp: { file: string; cleanup: () => void };
let store: SqliteStore;
let clock: ManualClock;
let receiver: WebhookReceiver;
let api: WebhookEndpoints;

function dispatcher(overrides: Partial<ConstructorParameters<typeof WebhookDispatcher>[0]> = {}) {
  return new WebhookDispatcher({
    deliveries: store.webhookDeliveries,
    endpoints: store.webhookEndpoints,
    transport: new HttpWebhookTransport({ allowLoopback: true }),
    clock,
    retry: RETRY,
    timeoutMs: 2_000,
    concurrency: 8,
    endpointConcurrency: 2,
    pollMs: 1_000,
    random: half,
    ...overrides,
  });
}

let sequence = 0;
/** A booking webhook for `endpoint`, as intake would store it (the payload names the booking). */
function bookingDelivery(
  endpoint: WebhookEndpointRecord,
  bookingId: string,
  n: number,
): WebhookDeliveryRecord {
  sequence++;
  const eventId = `event-${bookingId}-${n}`;
  return {
    id: deliveryId(endpoint.id, eventId),
    endpointId: endpoint.id,
    apiKeyId: endpoint.apiKeyId,
    eventType: 'booking.schedule_changed',
    eventId,
    orderKey: bookingId,
    sequence: `${String(clock.now()).padStart(15, '0')}.${String(sequence).padStart(9, '0')}`,
    payload: JSON.stringify({
      id: eventId,
      type: 'booking.schedule_changed',
      subject: bookingId,
      data: { n },
    }),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: clock.now(),
    createdAt: clock.now(),
  };
}

async function register(url: string): Promise<{ endpoint: WebhookEndpointRecord; secret: string }> {
  return api.create(caller, { url, eventTypes: ['booking.schedule_changed'] });
}

beforeEach(async () => {
  temp = tempSqliteFile();
  store = await openSqliteStore({ sqliteFile: temp.file });
  clock = new ManualClock(T0);
  receiver = await WebhookReceiver.start();
  api = new WebhookEndpoints({
    endpoints: store.webhookEndpoints,
    deliveries: store.webhookDeliveries,
    clock,
    source: '/travel-platform/api',
    requireHttps: false,
    secretOverlapMs: 3_600_000,
  });
});

afterEach(async () => {
  await receiver.close();
  await store.close();
  temp.cleanup();
});

describe('webhook delivery: retries, dead letters, replay, disabling, order', () => {
  it('a failing receiver is retried on the backoff schedule with the same webhook-id, each attempt signed, until a 2xx', async () => {
    const { endpoint, secret } = await register(receiver.url());
    const delivery = bookingDelivery(endpoint, 'booking-1', 1);
    await store.webhookDeliveries.enqueue([delivery]);
    const sender = dispatcher();
    receiver.answer = 503;

    for (let attempt = 1; attempt <= 3; attempt++) {
      if (attempt < 3) expect(await sender.runOnce()).toBe(1);
      else {
        receiver.answer = 200;
        expect(await sender.runOnce()).toBe(1);
        break;
      }
      const stored = await store.webhookDeliveries.get(delivery.id);
      const expectedDelay = backoffDelay(attempt, RETRY, half);
      expect(stored).toMatchObject({ status: 'pending', attempts: attempt, lastStatusCode: 503 });
      expect(stored?.nextAttemptAt).toBe(clock.now() + expectedDelay);
      // Not due yet: nothing is sent a millisecond early.
      clock.advance(expectedDelay - 1);
      expect(await sender.runOnce()).toBe(0);
      clock.advance(1);
    }
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([delivery.id]));
    for (const webhook of receiver.received)
      expect(
        verifyStandardWebhook(secret, webhook.headers, webhook.body, Math.floor(clock.now() / 1000)),
      ).toBe(true);
    expect(await store.webhookDeliveries.get(delivery.id)).toMatchObject({
      status: 'succeeded',
      attempts: 3,
    });
    const attempts = await store.webhookDeliveries.attempts(delivery.id);
    expect(attempts.map((a) => [a.succeeded, a.statusCode])).toEqual([
      [false, 503],
      [false, 503],
      [true, 200],
    ]);
  });

  it('the default schedule spreads 15 attempts over about three days', () => {
    const policy = { baseMs: 60_000, maxMs: 43_200_000 };
    let nominal = 0;
    for (let attempt = 1; attempt < 15; attempt++) nominal += backoffDelay(attempt, policy, () => 1);
    let shortest = 0;
    for (let attempt = 1; attempt < 15; attempt++) shortest += backoffDelay(attempt, policy, () => 0);
    expect(nominal / 86_400_000).toBeCloseTo(2.7, 1);
    expect(shortest / 86_400_000).toBeGreaterThan(1.3);
  });

  it('after the last attempt the delivery is a dead letter; replay sends it again', async () => {
    const { endpoint } = await register(receiver.url());
    const delivery = bookingDelivery(endpoint, 'booking-1', 1);
    await store.webhookDeliveries.enqueue([delivery]);
    const sender = dispatcher();
    receiver.answer = 500;
    for (let attempt = 1; attempt <= RETRY.maxAttempts; attempt++) {
      await sender.runOnce();
      clock.advance(RETRY.maxMs);
    }
    expect(receiver.received).toHaveLength(RETRY.maxAttempts);
    expect(await sender.runOnce()).toBe(0);
    expect(await store.webhookDeliveries.get(delivery.id)).toMatchObject({ status: 'failed', attempts: 4 });
    const [letter] = await store.webhookDeadLetters.list({ endpointId: endpoint.id });
    expect(letter).toMatchObject({ deliveryId: delivery.id, attempts: 4 });
    expect(letter?.reason).toMatch(/gave up after 4 attempts: answered 500/);

    receiver.answer = 204;
    expect(await api.replay(caller, endpoint.id, { deliveryIds: [delivery.id] })).toEqual([delivery.id]);
    expect(await store.webhookDeadLetters.list()).toEqual([]);
    await sender.runOnce();
    expect(receiver.received).toHaveLength(RETRY.maxAttempts + 1);
    expect(receiver.received.at(-1)?.headers['webhook-id']).toBe(delivery.id);
    expect(await store.webhookDeliveries.get(delivery.id)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
    expect(await store.webhookDeliveries.attempts(delivery.id)).toHaveLength(RETRY.maxAttempts + 1);
  });

  it('replay of a time range sends every finished delivery created in it', async () => {
    const { endpoint } = await register(receiver.url());
    const early = bookingDelivery(endpoint, 'booking-1', 1);
    clock.advance(10_000);
    const inRange = [bookingDelivery(endpoint, 'booking-2', 1), bookingDelivery(endpoint, 'booking-3', 1)];
    await store.webhookDeliveries.enqueue([early, ...inRange]);
    const sender = dispatcher({ endpointConcurrency: 8 });
    while ((await sender.runOnce()) > 0);
    expect(receiver.received).toHaveLength(3);
    const replayed = await api.replay(caller, endpoint.id, { from: T0 + 5_000, to: clock.now() + 1 });
    expect(replayed.sort()).toEqual(inRange.map((d) => d.id).sort());
    while ((await sender.runOnce()) > 0);
    expect(
      receiver.received
        .slice(3)
        .map((r) => r.headers['webhook-id'])
        .sort(),
    ).toEqual(replayed.sort());
  });

  it('an endpoint whose deliveries are given up N in a row is disabled with its reason; its queue parks until it is enabled and replayed', async () => {
    const { endpoint } = await register(receiver.url());
    const disabled: WebhookEndpointRecord[] = [];
    const sender = dispatcher({
      retry: { ...RETRY, maxAttempts: 1, disableAfterFailures: 3 },
      // One at a time, so exactly three are given up before the endpoint is disabled.
      endpointConcurrency: 1,
      onEndpointDisabled: (e) => disabled.push(e),
    });
    receiver.answer = 500;
    const deliveries = [1, 2, 3, 4].map((n) => bookingDelivery(endpoint, `booking-${n}`, 1));
    await store.webhookDeliveries.enqueue(deliveries);
    // One attempt each (maxAttempts 1): two deliveries are given up, the endpoint stays enabled…
    await sender.runOnce();
    await sender.runOnce();
    expect(disabled).toEqual([]);
    expect((await api.get(caller, endpoint.id)).consecutiveFailures).toBe(2);
    // …and the third given up crosses the threshold.
    await sender.runOnce();
    expect(disabled.map((e) => e.id)).toEqual([endpoint.id]);
    const now = await api.get(caller, endpoint.id);
    expect(now.enabled).toBe(false);
    expect(now.disabledReason).toMatch(
      /disabled after 3 deliveries in a row were given up \(last: answered 500\)/,
    );

    // Everything still queued for it is parked, not sent.
    const sent = receiver.received.length;
    clock.advance(RETRY.maxMs);
    while ((await sender.runOnce()) > 0);
    expect(receiver.received.length).toBe(sent);
    const parked = await store.webhookDeadLetters.list({ endpointId: endpoint.id });
    expect(parked.map((l) => l.deliveryId).sort()).toEqual(deliveries.map((d) => d.id).sort());
    expect(parked.filter((l) => l.reason === 'endpoint disabled')).toHaveLength(1);

    receiver.answer = 204;
    const enabled = await api.update(caller, endpoint.id, { enabled: true });
    expect(enabled).toMatchObject({ enabled: true, consecutiveFailures: 0 });
    expect(enabled.disabledReason).toBeUndefined();
    await api.replay(caller, endpoint.id, { from: 0, to: clock.now() + 1 });
    while ((await sender.runOnce()) > 0);
    const delivered = new Set(receiver.received.slice(sent).map((r) => r.headers['webhook-id']));
    expect(delivered).toEqual(new Set(deliveries.map((d) => d.id)));
  });

  it("a booking's webhooks arrive in order: the next waits while the previous is retried", async () => {
    const { endpoint } = await register(receiver.url());
    const first = bookingDelivery(endpoint, 'booking-1', 1);
    const second = bookingDelivery(endpoint, 'booking-1', 2);
    const otherBooking = bookingDelivery(endpoint, 'booking-2', 1);
    await store.webhookDeliveries.enqueue([first, second, otherBooking]);
    const sender = dispatcher({ endpointConcurrency: 4 });
    receiver.answer = (webhook, response) => {
      // The first of booking-1 fails once; everything else is accepted.
      const failing =
        webhook.headers['webhook-id'] === first.id &&
        receiver.received.filter((r) => r.headers['webhook-id'] === first.id).length === 1;
      response.writeHead(failing ? 500 : 204).end();
    };
    while ((await sender.runOnce()) > 0);
    // booking-2 went; booking-1's second waits behind its first's retry.
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([first.id, otherBooking.id]);
    clock.advance(RETRY.maxMs);
    while ((await sender.runOnce()) > 0);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([
      first.id,
      otherBooking.id,
      first.id,
      second.id,
    ]);
  });
});
