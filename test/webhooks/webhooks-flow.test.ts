import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { createEvent } from '../../src/core/events/create-event.js';
import type { ScheduleChangedData } from '../../src/core/events/inventory-events.js';
import type { CloudEvent } from '../../src/ports/events.js';
import { BookingClient, directLhrJfk, firstFlightOffer, oneAdultBooking } from '../helpers/bookings.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';
import { verifyStandardWebhook, WebhookReceiver } from '../helpers/webhook-receiver.js';

const ADMIN_KEY = 'test-admin-key-that-is-long-enough-0000';

let tp: TestPlatform;
let receiverA: WebhookReceiver;
let receiverB: WebhookReceiver;
let otherKey: string;
let alice: BookingClient;
let bobOtherApp: BookingClient;

interface EndpointAnswer {
  data: {
    id: string;
    secret?: string;
    apiKeyId: string;
    enabled: boolean;
    secretRotatedUntil: string | null;
  };
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function register(key: string, url: string, eventTypes: string[]): Promise<EndpointAnswer['data']> {
  const response = await tp.fetch('/v1/webhooks/endpoints', {
    ...json({ url, eventTypes, description: 'test receiver' }),
    headers: { 'content-type': 'application/json', 'x-api-key': key },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as EndpointAnswer).data;
}

/** A schedule import's event for one booked flight, appended to the outbox as core services do. */
function scheduleChanged(
  bookingId: string,
  apiKeyId: string,
  flightId: string,
): CloudEvent<ScheduleChangedData> {
  const event = createEvent<ScheduleChangedData>(
    'schedule.changed',
    {
      reason: 'import',
      importId: 'ssim-test',
      flights: [],
      hotelNights: [],
      affectedBookings: [
        {
          bookingId,
          apiKeyId,
          flightId,
          change: 'retimed',
          before: {
            departureUtc: '2030-01-01T10:00:00.000Z',
            arrivalUtc: '2030-01-01T18:00:00.000Z',
            aircraft: '789',
          },
          after: {
            departureUtc: '2030-01-01T11:30:00.000Z',
            arrivalUtc: '2030-01-01T19:30:00.000Z',
            aircraft: '789',
          },
        },
      ],
    },
    { source: '/travel-platform/imports' },
  );
  return { ...event, subject: bookingId };
}

beforeAll(async () => {
  [receiverA, receiverB] = await Promise.all([WebhookReceiver.start(), WebhookReceiver.start()]);
  tp = await startTestPlatform({
    airports: 30,
    days: 4,
    env: { WEBHOOK_REQUIRE_HTTPS: 'off', WEBHOOK_ALLOW_LOOPBACK: 'on', WEBHOOK_POLL_MS: '50' },
  });
  const issuer = tp.platform.gateway.options.issuer;
  if (issuer === undefined) throw new Error('the test platform has no local token issuer');
  ({ key: otherKey } = await tp.platform.gateway.options.keys.issue({
    name: 'other app',
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
  }));
  alice = new BookingClient(tp.baseUrl, tp.apiKey, await issuer.mint('alice'));
  bobOtherApp = new BookingClient(tp.baseUrl, otherKey, await issuer.mint('bob'));
});

afterAll(async () => {
  await tp?.close();
  await Promise.all([receiverA?.close(), receiverB?.close()]);
});

describe('webhooks end to end', () => {
  it('a client registers, books, the flight is retimed by a schedule import, and its receiver gets verifiable booking.created then booking.schedule_changed', async () => {
    const endpoint = await register(tp.apiKey, receiverA.url(), [
      'booking.created',
      'booking.schedule_changed',
    ]);
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const endpointB = await register(otherKey, receiverB.url(), [
      'booking.created',
      'booking.schedule_changed',
    ]);

    const offer = await firstFlightOffer(tp.baseUrl, tp.apiKey, directLhrJfk(tp.date(1)));
    const booked = await alice.book(oneAdultBooking(offer), 'webhook-flow-1');
    expect(booked.status).toBe(201);
    const booking = ((await booked.json()) as { data: { id: string } }).data;
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    const apiKeyId = (await tp.platform.gateway.options.keys.authenticate(tp.apiKey)).keyId;

    (tp.platform.backend as SqliteStore).outbox.append([scheduleChanged(booking.id, apiKeyId, flightId)]);

    await waitFor('both webhooks at the receiver', () => receiverA.received.length >= 2);
    const [created, changed] = receiverA.received;
    expect(created?.event).toMatchObject({ type: 'booking.created', subject: booking.id });
    expect(changed?.event).toMatchObject({
      type: 'booking.schedule_changed',
      subject: booking.id,
      data: { booking: { id: booking.id, status: 'confirmed' }, change: { change: 'retimed', flightId } },
    });
    for (const webhook of [created, changed]) {
      expect(verifyStandardWebhook(endpoint.secret ?? '', webhook!.headers, webhook!.body)).toBe(true);
      expect(verifyStandardWebhook(endpointB.secret ?? '', webhook!.headers, webhook!.body)).toBe(false);
      expect(webhook!.headers['webhook-id']).toMatch(/^msg_/);
      // Personal data stays out of webhooks.
      expect(webhook!.body).not.toContain('ada@example.com');
    }
    // Key B's endpoint never sees key A's booking.
    expect(receiverB.received).toEqual([]);

    const log = await tp.fetch(`/v1/webhooks/endpoints/${endpoint.id}/deliveries`);
    expect(log.status).toBe(200);
    const entries = ((await log.json()) as { data: Record<string, unknown>[] }).data;
    expect(entries.map((d) => d.eventType)).toEqual(['booking.schedule_changed', 'booking.created']);
    for (const entry of entries)
      expect(entry).toMatchObject({ status: 'succeeded', attempts: 1, responseStatus: 204, error: null });
    expect(typeof entries[0]?.latencyMs).toBe('number');
  });

  it("key B's own booking goes to key B's endpoint only", async () => {
    const before = receiverA.received.length;
    const offer = await firstFlightOffer(tp.baseUrl, otherKey, directLhrJfk(tp.date(2)));
    const booked = await bobOtherApp.book(oneAdultBooking(offer), 'webhook-flow-b');
    expect(booked.status).toBe(201);
    const booking = ((await booked.json()) as { data: { id: string } }).data;
    await waitFor("key B's webhook", () => receiverB.received.length >= 1);
    expect(receiverB.received[0]?.event).toMatchObject({ type: 'booking.created', subject: booking.id });
    const cancelled = await bobOtherApp.cancel(booking.id);
    expect(cancelled.status).toBe(200);
    // Not subscribed to booking.cancelled: the ping below proves the queue has moved on meanwhile.
    const endpoints = (
      (await (await tp.fetch('/v1/webhooks/endpoints', { headers: { 'x-api-key': otherKey } })).json()) as {
        data: { id: string }[];
      }
    ).data;
    const ping = await tp.fetch(`/v1/webhooks/endpoints/${endpoints[0]?.id}/test`, {
      method: 'POST',
      headers: { 'x-api-key': otherKey },
    });
    expect(ping.status).toBe(202);
    await waitFor('the ping', () => receiverB.ofType('ping').length === 1);
    expect(receiverB.ofType('booking.cancelled')).toEqual([]);
    expect(receiverA.received.length).toBe(before);
  });

  it('a key sees and manages only its own endpoints; the admin key sees all', async () => {
    const mine = await register(tp.apiKey, receiverA.url('/mine'), ['booking.cancelled']);
    const asOther = { headers: { 'x-api-key': otherKey } };
    expect((await tp.fetch(`/v1/webhooks/endpoints/${mine.id}`, asOther)).status).toBe(404);
    const patchByOther = await tp.fetch(`/v1/webhooks/endpoints/${mine.id}`, {
      method: 'PATCH',
      headers: { 'x-api-key': otherKey, 'content-type': 'application/json' },
      body: JSON.stringify({ enabled: false }),
    });
    expect(patchByOther.status).toBe(404);
    expect(
      (await tp.fetch(`/v1/webhooks/endpoints/${mine.id}`, { method: 'DELETE', ...asOther })).status,
    ).toBe(404);
    const listOther = (await (await tp.fetch('/v1/webhooks/endpoints', asOther)).json()) as {
      data: { apiKeyId: string }[];
    };
    expect(new Set(listOther.data.map((e) => e.apiKeyId)).size).toBe(1);
    expect(listOther.data.some((e) => e.apiKeyId === mine.apiKeyId)).toBe(false);

    const all = (await (
      await tp.fetch('/v1/webhooks/endpoints', { headers: { 'x-api-key': ADMIN_KEY } })
    ).json()) as {
      data: { id: string; secret?: string }[];
    };
    expect(all.data.map((e) => e.id)).toContain(mine.id);
    expect(all.data.length).toBeGreaterThan(listOther.data.length);
    // The secret is shown once, at creation.
    expect(all.data.every((e) => e.secret === undefined)).toBe(true);

    const deleted = await tp.fetch(`/v1/webhooks/endpoints/${mine.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await tp.fetch(`/v1/webhooks/endpoints/${mine.id}`)).status).toBe(404);
  });

  it('after a rotation both secrets sign during the overlap window', async () => {
    const endpoint = await register(tp.apiKey, receiverA.url('/rotating'), ['booking.created']);
    const rotated = await tp.fetch(`/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`, { method: 'POST' });
    expect(rotated.status).toBe(200);
    const { data } = (await rotated.json()) as EndpointAnswer;
    expect(data.secret).not.toBe(endpoint.secret);
    expect(data.secretRotatedUntil).not.toBeNull();
    const before = receiverA.received.length;
    await tp.fetch(`/v1/webhooks/endpoints/${endpoint.id}/test`, { method: 'POST' });
    await waitFor('the ping', () => receiverA.received.length > before);
    const ping = receiverA.received.at(-1)!;
    expect(ping.event.type).toBe('ping');
    expect(String(ping.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(endpoint.secret ?? '', ping.headers, ping.body)).toBe(true);
    expect(verifyStandardWebhook(data.secret ?? '', ping.headers, ping.body)).toBe(true);
  });

  it('bad input is a 400 problem naming the field; unknown endpoints are 404 problems', async () => {
    const cases: [unknown, string][] = [
      [{ url: 'not a url at all', eventTypes: ['booking.created'] }, 'body.url'],
      [{ url: 'ftp://example.com/hook', eventTypes: ['booking.created'] }, 'body.url'],
      [{ url: 'https://user:pw@example.com/hook', eventTypes: ['booking.created'] }, 'body.url'],
      [{ url: 'https://example.com/hook', eventTypes: ['booking.exploded'] }, 'eventTypes'],
      [{ url: 'https://example.com/hook', eventTypes: [] }, 'eventTypes'],
      [{ url: 'https://example.com/hook', eventTypes: ['booking.created'], extra: 1 }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const response = await tp.fetch('/v1/webhooks/endpoints', json(body));
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await response.json()) as { errors?: { field: string }[] };
      expect(JSON.stringify(problem.errors), JSON.stringify(body)).toContain(field);
    }
    const missing = await tp.fetch('/v1/webhooks/endpoints/ep_nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { type: string }).type).toMatch(/problems\/not-found$/);
    const noKey = await fetch(`${tp.baseUrl}/v1/webhooks/endpoints`);
    expect(noKey.status).toBe(401);
    const halfRange = await tp.fetch(
      '/v1/webhooks/endpoints/ep_nope/replay',
      json({ from: '2030-01-01T00:00:00Z' }),
    );
    expect(halfRange.status).toBe(400);
    expect(JSON.stringify(await halfRange.json())).toContain('body.to');
    const unknownReplay = await tp.fetch(
      '/v1/webhooks/endpoints/ep_nope/replay',
      json({ deliveryIds: ['msg_x'] }),
    );
    expect(unknownReplay.status).toBe(404);
  });

  it('a cancellation reaches an endpoint subscribed to booking.cancelled, with the booking as it now is', async () => {
    const receiverC = await WebhookReceiver.start();
    try {
      const endpoint = await register(tp.apiKey, receiverC.url(), ['booking.cancelled']);
      const offer = await firstFlightOffer(tp.baseUrl, tp.apiKey, directLhrJfk(tp.date(2)));
      const booked = await alice.book(oneAdultBooking(offer), 'webhook-flow-cancel');
      const booking = ((await booked.json()) as { data: { id: string } }).data;
      expect((await alice.cancel(booking.id)).status).toBe(200);
      await waitFor('booking.cancelled', () => receiverC.received.length === 1);
      const [cancelled] = receiverC.received;
      expect(cancelled?.event).toMatchObject({
        type: 'booking.cancelled',
        subject: booking.id,
        data: { booking: { id: booking.id, status: 'cancelled' } },
      });
      expect(verifyStandardWebhook(endpoint.secret ?? '', cancelled!.headers, cancelled!.body)).toBe(true);
    } finally {
      await receiverC.close();
    }
  });

  it('the routes are in the OpenAPI document', async () => {
    const document = (await (await fetch(`${tp.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, object>;
    };
    for (const path of [
      '/v1/webhooks/endpoints',
      '/v1/webhooks/endpoints/{id}',
      '/v1/webhooks/endpoints/{id}/rotate-secret',
      '/v1/webhooks/endpoints/{id}/test',
      '/v1/webhooks/endpoints/{id}/deliveries',
      '/v1/webhooks/endpoints/{id}/deliveries/{deliveryId}',
      '/v1/webhooks/endpoints/{id}/replay',
    ])
      expect(document.paths, path).toHaveProperty([path]);
  });
});
