import { describe, expect, it } from 'vitest';
import type {
  WebhookAttempt,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from '../../../src/ports/webhooks.js';
import { type StoreBackendTarget, useFreshBackend } from './target.js';

const NOW = Date.UTC(2030, 0, 1);
const LEASE = 60_000;

function endpoint(
  id: string,
  apiKeyId = 'key-a',
  overrides: Partial<WebhookEndpointRecord> = {},
): WebhookEndpointRecord {
  return {
    id,
    apiKeyId,
    url: `https://hooks.example.com/${id}`,
    eventTypes: ['booking.created', 'booking.schedule_changed'],
    enabled: true,
    description: `endpoint ${id}`,
    secrets: [{ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
    consecutiveFailures: 0,
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

let sequence = 0;
function delivery(id: string, overrides: Partial<WebhookDeliveryRecord> = {}): WebhookDeliveryRecord {
  sequence++;
  return {
    id,
    endpointId: 'ep-1',
    apiKeyId: 'key-a',
    eventType: 'booking.created',
    eventId: `event-${id}`,
    orderKey: `booking-${id}`,
    sequence: `${String(NOW).padStart(15, '0')}.${String(sequence).padStart(9, '0')}`,
    payload: JSON.stringify({ id }),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: NOW,
    createdAt: NOW,
    ...overrides,
  };
}

function attempt(
  deliveryId: string,
  at: number,
  succeeded: boolean,
  statusCode = succeeded ? 200 : 500,
): WebhookAttempt {
  return {
    id: `${String(at).padStart(15, '0')}-${deliveryId}`,
    deliveryId,
    at,
    succeeded,
    statusCode,
    latencyMs: 12,
    ...(succeeded ? {} : { error: `answered ${statusCode}` }),
  };
}

/** WebhookEndpointStore, WebhookDeliveryStore and WebhookDeadLetterStore (ports/webhooks.ts). */
export function describeWebhookStoresContract(target: StoreBackendTarget): void {
  describe(`Webhook stores contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const endpoints = () => backend().webhookEndpoints;
    const deliveries = () => backend().webhookDeliveries;
    const letters = () => backend().webhookDeadLetters;

    it('endpoints: create, get, list per key (all for none), update, remove', async () => {
      await endpoints().create(endpoint('ep-1', 'key-a'));
      await endpoints().create(endpoint('ep-2', 'key-b', { createdAt: NOW + 1 }));
      await endpoints().create(endpoint('ep-3', 'key-a', { createdAt: NOW + 2, enabled: false }));
      expect(await endpoints().get('ep-1')).toEqual(endpoint('ep-1', 'key-a'));
      expect(await endpoints().get('nope')).toBeUndefined();
      expect((await endpoints().list('key-a')).map((e) => e.id)).toEqual(['ep-1', 'ep-3']);
      expect((await endpoints().list()).map((e) => e.id)).toEqual(['ep-1', 'ep-2', 'ep-3']);
      expect(await endpoints().list('nobody')).toEqual([]);

      const secrets = [{ secret: 'whsec_bmV3' }, { secret: 'whsec_b2xk', expiresAt: NOW + 5 }];
      const updated = await endpoints().update(
        'ep-1',
        { url: 'https://other.example.com/', eventTypes: ['booking.cancelled'], enabled: false, secrets },
        NOW + 10,
      );
      expect(updated).toMatchObject({
        url: 'https://other.example.com/',
        eventTypes: ['booking.cancelled'],
        enabled: false,
        secrets,
        description: 'endpoint ep-1',
        updatedAt: NOW + 10,
      });
      expect(await endpoints().get('ep-1')).toEqual(updated);
      expect(await endpoints().update('nope', { enabled: true }, NOW)).toBeUndefined();
      expect(await endpoints().remove('ep-1')).toBe(true);
      expect(await endpoints().remove('ep-1')).toBe(false);
      expect(await endpoints().get('ep-1')).toBeUndefined();
    });

    it('recordOutcome: failures count up to the threshold, which disables once; a success resets', async () => {
      await endpoints().create(endpoint('ep-1'));
      const options = { disableAfter: 3, reason: 'too many failures', now: NOW + 1 };
      expect((await endpoints().recordOutcome('ep-1', false, options)).endpoint?.consecutiveFailures).toBe(1);
      expect((await endpoints().recordOutcome('ep-1', true, options)).endpoint?.consecutiveFailures).toBe(0);
      await endpoints().recordOutcome('ep-1', false, options);
      const second = await endpoints().recordOutcome('ep-1', false, options);
      expect(second).toMatchObject({
        disabledNow: false,
        endpoint: { enabled: true, consecutiveFailures: 2 },
      });
      const third = await endpoints().recordOutcome('ep-1', false, options);
      expect(third.disabledNow).toBe(true);
      expect(third.endpoint).toMatchObject({
        enabled: false,
        disabledReason: 'too many failures',
        consecutiveFailures: 3,
      });
      expect((await endpoints().recordOutcome('ep-1', false, options)).disabledNow).toBe(false);
      const cleared = await endpoints().update(
        'ep-1',
        { enabled: true, consecutiveFailures: 0, disabledReason: null },
        NOW + 2,
      );
      expect(cleared?.disabledReason).toBeUndefined();
      expect(cleared).toMatchObject({ enabled: true, consecutiveFailures: 0 });
      expect(await endpoints().recordOutcome('gone', false, options)).toEqual({
        endpoint: undefined,
        disabledNow: false,
      });
    });

    it('enqueue stores new ids only; get returns the delivery as stored', async () => {
      const first = delivery('msg-1');
      expect(await deliveries().enqueue([first, delivery('msg-2')])).toBe(2);
      expect(await deliveries().enqueue([{ ...first, payload: 'changed' }, delivery('msg-3')])).toBe(1);
      expect(await deliveries().get('msg-1')).toEqual(first);
      expect(await deliveries().get('nope')).toBeUndefined();
      expect(await deliveries().enqueue([])).toBe(0);
    });

    it('claim leases due deliveries once, one per endpoint, skipping endpoints asked to', async () => {
      await deliveries().enqueue([
        delivery('a1', { endpointId: 'ep-a' }),
        delivery('a2', { endpointId: 'ep-a' }),
        delivery('b1', { endpointId: 'ep-b', nextAttemptAt: NOW - 5 }),
        delivery('c1', { endpointId: 'ep-c' }),
        delivery('later', { endpointId: 'ep-d', nextAttemptAt: NOW + 1_000 }),
      ]);
      const first = await deliveries().claim('one', {
        now: NOW,
        limit: 10,
        leaseMs: LEASE,
        skipEndpoints: ['ep-c'],
      });
      expect(first.map((d) => d.id)).toEqual(['b1', 'a1']);
      // Leased: nobody else gets them; ep-a's other delivery is free to go beside a1.
      const second = await deliveries().claim('two', { now: NOW, limit: 10, leaseMs: LEASE });
      expect(second.map((d) => d.id).sort()).toEqual(['a2', 'c1']);
      expect(await deliveries().claim('three', { now: NOW, limit: 10, leaseMs: LEASE })).toEqual([]);
      // A lease that ran out is taken over.
      const afterLease = await deliveries().claim('three', { now: NOW + LEASE, limit: 10, leaseMs: LEASE });
      expect(afterLease.map((d) => d.id)).toEqual(
        ['b1', 'a1', 'c1', 'later'].filter((id) => afterLease.some((d) => d.id === id)),
      );
      expect(afterLease).toHaveLength(4);
    });

    it('claim hands out one order key in sequence: the next waits until the previous is finished', async () => {
      await deliveries().enqueue([
        delivery('first', { orderKey: 'booking-1' }),
        delivery('second', { orderKey: 'booking-1' }),
      ]);
      const [head] = await deliveries().claim('one', { now: NOW, limit: 10, leaseMs: LEASE });
      expect(head?.id).toBe('first');
      expect(await deliveries().claim('one', { now: NOW, limit: 10, leaseMs: LEASE })).toEqual([]);
      // A retry scheduled later keeps the next one waiting too.
      await deliveries().complete('one', attempt('first', NOW, false), {
        status: 'pending',
        nextAttemptAt: NOW + 500,
      });
      expect(await deliveries().claim('one', { now: NOW + 1, limit: 10, leaseMs: LEASE })).toEqual([]);
      const retried = await deliveries().claim('one', { now: NOW + 500, limit: 10, leaseMs: LEASE });
      expect(retried.map((d) => d.id)).toEqual(['first']);
      await deliveries().complete('one', attempt('first', NOW + 500, true), { status: 'succeeded' });
      expect(
        (await deliveries().claim('one', { now: NOW + 500, limit: 10, leaseMs: LEASE })).map((d) => d.id),
      ).toEqual(['second']);
    });

    it('complete records the attempt and the outcome only for the lease holder', async () => {
      await deliveries().enqueue([delivery('msg-1')]);
      await deliveries().claim('one', { now: NOW, limit: 1, leaseMs: LEASE });
      expect(await deliveries().complete('other', attempt('msg-1', NOW, true), { status: 'succeeded' })).toBe(
        false,
      );
      expect(await deliveries().attempts('msg-1')).toEqual([]);
      const failed = attempt('msg-1', NOW, false, 503);
      expect(
        await deliveries().complete('one', failed, { status: 'pending', nextAttemptAt: NOW + 100 }),
      ).toBe(true);
      expect(await deliveries().get('msg-1')).toMatchObject({
        status: 'pending',
        attempts: 1,
        nextAttemptAt: NOW + 100,
        lastAttemptAt: NOW,
        lastStatusCode: 503,
        lastError: 'answered 503',
        lastLatencyMs: 12,
      });
      // The lease was freed: it can be claimed once due.
      await deliveries().claim('two', { now: NOW + 100, limit: 1, leaseMs: LEASE });
      const ok = attempt('msg-1', NOW + 100, true);
      expect(await deliveries().complete('two', ok, { status: 'succeeded' })).toBe(true);
      expect(await deliveries().get('msg-1')).toMatchObject({
        status: 'succeeded',
        attempts: 2,
        lastStatusCode: 200,
      });
      expect(await deliveries().attempts('msg-1')).toEqual([failed, ok]);
      expect(await deliveries().complete('two', ok, { status: 'succeeded' })).toBe(false);
    });

    it('a failed delivery is parked as a dead letter; replay requeues it and removes the letter', async () => {
      await deliveries().enqueue([
        delivery('msg-1', { endpointId: 'ep-1' }),
        delivery('msg-2', { endpointId: 'ep-2' }),
      ]);
      await deliveries().claim('one', { now: NOW, limit: 10, leaseMs: LEASE });
      await deliveries().complete('one', attempt('msg-1', NOW, false), {
        status: 'failed',
        reason: 'gave up',
      });
      await deliveries().complete('one', attempt('msg-2', NOW + 1, false), {
        status: 'failed',
        reason: 'gave up too',
      });
      expect(await letters().get('msg-1')).toEqual({
        deliveryId: 'msg-1',
        endpointId: 'ep-1',
        apiKeyId: 'key-a',
        eventType: 'booking.created',
        reason: 'gave up',
        attempts: 1,
        parkedAt: NOW,
      });
      expect((await letters().list()).map((l) => l.deliveryId)).toEqual(['msg-1', 'msg-2']);
      expect((await letters().list({ endpointId: 'ep-2' })).map((l) => l.deliveryId)).toEqual(['msg-2']);
      expect(await letters().list({ limit: 1 })).toHaveLength(1);
      expect(await deliveries().claim('one', { now: NOW + 10, limit: 10, leaseMs: LEASE })).toEqual([]);

      expect(
        await deliveries().replay({ endpointId: 'ep-1', ids: ['msg-1', 'msg-2', 'unknown'] }, NOW + 20),
      ).toEqual(['msg-1']);
      expect(await letters().get('msg-1')).toBeUndefined();
      expect(await deliveries().get('msg-1')).toMatchObject({
        status: 'pending',
        attempts: 0,
        nextAttemptAt: NOW + 20,
      });
      expect(await deliveries().attempts('msg-1')).toHaveLength(1);
      expect(
        (await deliveries().claim('one', { now: NOW + 20, limit: 10, leaseMs: LEASE })).map((d) => d.id),
      ).toEqual(['msg-1']);
      // A pending delivery is not replayed again.
      expect(await deliveries().replay({ endpointId: 'ep-1', ids: ['msg-1'] }, NOW + 30)).toEqual([]);
    });

    it('replay by time range takes finished deliveries created in [from, to)', async () => {
      await deliveries().enqueue([
        delivery('old', { createdAt: NOW - 10 }),
        delivery('in', { createdAt: NOW }),
        delivery('edge', { createdAt: NOW + 10 }),
      ]);
      for (let i = 0; i < 3; i++) {
        const [claimed] = await deliveries().claim('one', { now: NOW + 50, limit: 1, leaseMs: LEASE });
        if (claimed)
          await deliveries().complete('one', attempt(claimed.id, NOW + 50, true), { status: 'succeeded' });
      }
      expect(
        await deliveries().replay({ endpointId: 'ep-1', from: NOW - 5, to: NOW + 10 }, NOW + 60),
      ).toEqual(['in']);
      expect(await deliveries().replay({ endpointId: 'ep-other', from: 0, to: NOW * 2 }, NOW + 60)).toEqual(
        [],
      );
    });

    it('list: newest first, by status, paged by sequence', async () => {
      await deliveries().enqueue([
        delivery('d1'),
        delivery('d2'),
        delivery('d3'),
        delivery('x', { endpointId: 'ep-2' }),
      ]);
      const [claimed] = await deliveries().claim('one', { now: NOW, limit: 1, leaseMs: LEASE });
      await deliveries().complete('one', attempt(claimed?.id ?? '', NOW, true), { status: 'succeeded' });
      const all = await deliveries().list({ endpointId: 'ep-1' });
      expect(all.map((d) => d.id)).toEqual(['d3', 'd2', 'd1']);
      expect((await deliveries().list({ endpointId: 'ep-1', status: 'succeeded' })).map((d) => d.id)).toEqual(
        [claimed?.id],
      );
      const page = await deliveries().list({ endpointId: 'ep-1', limit: 2 });
      expect(page.map((d) => d.id)).toEqual(['d3', 'd2']);
      const next = await deliveries().list({ endpointId: 'ep-1', limit: 2, before: page[1]?.sequence ?? '' });
      expect(next.map((d) => d.id)).toEqual(['d1']);
      expect(await deliveries().list({ endpointId: 'none' })).toEqual([]);
    });
  });
}
