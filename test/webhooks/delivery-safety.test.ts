import type { lookup as dnsLookup, LookupAddress, LookupOptions } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { refusedDestination } from '../../src/adapters/webhooks/destination-rules.js';
import { HttpWebhookTransport } from '../../src/adapters/webhooks/http-transport.js';
import { loadConfig } from '../../src/config.js';
import { WebhookDispatcher } from '../../src/core/webhooks/webhook-dispatcher.js';
import { WebhookEndpoints } from '../../src/core/webhooks/webhook-endpoints.js';
import type { WebhookRequest } from '../../src/ports/webhook-transport.js';
import { configProblems } from '../helpers/config-problems.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

let receiver: WebhookReceiver;
let target: WebhookReceiver;

beforeAll(async () => {
  [receiver, target] = await Promise.all([WebhookReceiver.start(), WebhookReceiver.start()]);
});
afterAll(async () => {
  await Promise.all([receiver.close(), target.close()]);
});

/** A resolver answering `addresses` for every name: what a hostile or rebinding DNS server can do. */
function resolvingTo(...addresses: string[]): typeof dnsLookup {
  return ((_hostname: string, _options: LookupOptions, callback: (e: null, a: LookupAddress[]) => void) => {
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  }) as unknown as typeof dnsLookup;
}

const request = (url: string, timeoutMs = 2_000): WebhookRequest => ({
  url,
  headers: { 'content-type': 'application/json' },
  body: '{"type":"ping"}',
  timeoutMs,
});

describe('webhook destinations (SSRF rules)', () => {
  it('refuses loopback, private, link-local, metadata and mapped addresses; allows public ones', () => {
    for (const address of [
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      'fd00:ec2::254',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '224.0.0.1',
    ])
      expect(refusedDestination(address, false), address).toBeDefined();
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])
      expect(refusedDestination(address, false), address).toBeUndefined();
    expect(refusedDestination('127.0.0.1', true)).toBeUndefined();
    expect(refusedDestination('::1', true)).toBeUndefined();
    // Allowing loopback never opens private networks or metadata.
    expect(refusedDestination('169.254.169.254', true)).toBeDefined();
    expect(refusedDestination('10.0.0.1', true)).toBeDefined();
  });

  it('an IP literal URL to loopback is refused before connecting', async () => {
    const transport = new HttpWebhookTransport({ allowLoopback: false });
    const answer = await transport.send(request(receiver.url()));
    expect(answer).toMatchObject({ kind: 'failed', refused: true });
    expect(answer.kind === 'failed' && answer.error).toMatch(/loopback/);
    expect(receiver.received).toHaveLength(0);
  });

  it('a hostname is checked after DNS: names resolving to loopback, private or metadata addresses are refused', async () => {
    for (const addresses of [
      ['127.0.0.1'],
      ['10.0.0.5'],
      ['169.254.169.254'],
      ['93.184.216.34', '127.0.0.1'],
    ]) {
      const transport = new HttpWebhookTransport({ allowLoopback: false, lookup: resolvingTo(...addresses) });
      const answer = await transport.send(request(`http://hooks.example.test:${receiver.port}/x`));
      expect(answer, addresses.join()).toMatchObject({ kind: 'failed', refused: true });
      expect(answer.kind === 'failed' && answer.error).toMatch(/hooks\.example\.test resolves to/);
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('the connection goes to the address that was checked, not to a second lookup (no DNS rebinding)', async () => {
    let lookups = 0;
    const once: typeof dnsLookup = ((hostname: string, options: LookupOptions, callback: never) => {
      lookups++;
      // A rebinding server would answer differently each time; only the first answer is ever used.
      (
        resolvingTo(lookups === 1 ? '127.0.0.1' : '10.9.9.9') as (
          h: string,
          o: LookupOptions,
          c: never,
        ) => void
      )(hostname, options, callback);
    }) as unknown as typeof dnsLookup;
    const transport = new HttpWebhookTransport({ allowLoopback: true, lookup: once });
    const answer = await transport.send(request(`http://receiver.example.test:${receiver.port}/checked`));
    expect(answer).toMatchObject({ kind: 'response', status: 204 });
    expect(lookups).toBe(1);
    expect(receiver.received.at(-1)?.headers.host).toBe(`receiver.example.test:${receiver.port}`);
  });

  it('redirects are not followed: a 3xx is a failed attempt and the target is never called', async () => {
    receiver.answer = (_webhook, response) =>
      response.writeHead(307, { location: target.url('/stolen') }).end();
    const transport = new HttpWebhookTransport({ allowLoopback: true });
    const answer = await transport.send(request(receiver.url('/redirecting')));
    expect(answer).toMatchObject({ kind: 'response', status: 307 });
    expect(target.received).toHaveLength(0);
    receiver.answer = 204;
  });

  it('a response body is read only up to the cap', async () => {
    receiver.answer = (_webhook, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      // Streams until the client goes away.
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    };
    const transport = new HttpWebhookTransport({ allowLoopback: true, maxResponseBytes: 16 * 1024 });
    const answer = await transport.send(request(receiver.url('/huge'), 5_000));
    expect(answer).toMatchObject({ kind: 'response', status: 200 });
    receiver.answer = 204;
  });

  it('registration refuses http: when https is required (the production default)', async () => {
    const temp = tempSqliteFile();
    const store = await openSqliteStore({ sqliteFile: temp.file });
    try {
      const api = new WebhookEndpoints({
        endpoints: store.webhookEndpoints,
        deliveries: store.webhookDeliveries,
        clock: new ManualClock(0),
        source: '/travel-platform/api',
        requireHttps: true,
        secretOverlapMs: 0,
      });
      await expect(
        api.create(
          { apiKeyId: 'k', admin: false },
          { url: 'http://example.com/h', eventTypes: ['booking.created'] },
        ),
      ).rejects.toMatchObject({ code: 'validation-failed', details: { errors: [{ field: 'body.url' }] } });
      const ok = await api.create(
        { apiKeyId: 'k', admin: false },
        { url: 'https://example.com/h', eventTypes: ['booking.created'] },
      );
      expect(ok.endpoint.url).toBe('https://example.com/h');
    } finally {
      await store.close();
      temp.cleanup();
    }
  });

  it('config refuses loopback and plain http webhooks with NODE_ENV=production, one line each', () => {
    const problems = configProblems({
      NODE_ENV: 'production',
      WEBHOOK_ALLOW_LOOPBACK: 'on',
      WEBHOOK_REQUIRE_HTTPS: 'off',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^WEBHOOK_ALLOW_LOOPBACK=on is refused with NODE_ENV=production/),
      expect.stringMatching(/^WEBHOOK_REQUIRE_HTTPS=off is refused with NODE_ENV=production/),
    ]);
    expect(configProblems({ WEBHOOK_TIMEOUT_MS: 'soon' })).toEqual([
      expect.stringMatching(/^WEBHOOK_TIMEOUT_MS="soon" is invalid/),
    ]);
    expect(
      loadConfig({ WEBHOOK_ALLOW_LOOPBACK: 'on', WEBHOOK_REQUIRE_HTTPS: 'off' }).webhookAllowLoopback,
    ).toBe('on');
  });
});

describe('a receiver that hangs', () => {
  let temp: { file: string; cleanup: () => void };
  let store: SqliteStore;
  let hanging: WebhookReceiver;

  beforeAll(async () => {
    temp = tempSqliteFile();
    store = await openSqliteStore({ sqliteFile: temp.file });
    hanging = await WebhookReceiver.start();
    hanging.answer = 'hang';
  });
  afterAll(async () => {
    await hanging.close();
    await store.close();
    temp.cleanup();
  });

  it('times out, and holds at most its share of the concurrency while a healthy endpoint keeps receiving', async () => {
    const clock = new ManualClock(Date.now());
    const api = new WebhookEndpoints({
      endpoints: store.webhookEndpoints,
      deliveries: store.webhookDeliveries,
      clock,
      source: '/travel-platform/api',
      requireHttps: false,
      secretOverlapMs: 0,
    });
    const owner = { apiKeyId: 'key-a', admin: false };
    const slow = (await api.create(owner, { url: hanging.url(), eventTypes: ['booking.created'] })).endpoint;
    const healthy = (
      await api.create(owner, { url: receiver.url('/healthy'), eventTypes: ['booking.created'] })
    ).endpoint;
    for (let i = 0; i < 6; i++) await api.ping(owner, slow.id);
    const healthyBefore = receiver.received.length;
    for (let i = 0; i < 6; i++) await api.ping(owner, healthy.id);

    const sender = new WebhookDispatcher({
      deliveries: store.webhookDeliveries,
      endpoints: store.webhookEndpoints,
      transport: new HttpWebhookTransport({ allowLoopback: true }),
      clock,
      retry: { baseMs: 60_000, maxMs: 60_000, maxAttempts: 3, disableAfterFailures: 100 },
      timeoutMs: 400,
      concurrency: 4,
      endpointConcurrency: 2,
      pollMs: 20,
    });
    sender.start();
    try {
      const deadline = Date.now() + 10_000;
      while (receiver.received.length - healthyBefore < 6 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 10));
      // The healthy endpoint got everything while the hanging one was being waited on.
      expect(receiver.received.length - healthyBefore).toBe(6);
      expect(hanging.maxOpen).toBeLessThanOrEqual(2);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      await sender.stop();
    }
    const log = await store.webhookDeliveries.list({ endpointId: slow.id });
    const tried = log.filter((d) => d.attempts > 0);
    expect(tried.length).toBeGreaterThan(0);
    for (const delivery of tried) {
      expect(delivery.status).toBe('pending');
      expect(delivery.lastError).toMatch(/no answer within 400 ms/);
      expect(delivery.lastStatusCode).toBeUndefined();
    }
    expect(hanging.maxOpen).toBeLessThanOrEqual(2);
  });
});
