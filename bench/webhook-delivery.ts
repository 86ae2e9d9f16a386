/**
 * Webhook delivery throughput on this machine: one dispatcher (the embedded defaults: 16 attempts at
 * once, 2 per endpoint) on a SQLite file sends queued pings to local receivers that answer 204 at
 * once; then the same with one more endpoint whose receiver never answers (a 1 s timeout), to see
 * what a hanging receiver costs the others. Prints one JSON line per run.
 *
 *   npx tsx bench/webhook-delivery.ts [--deliveries 2000] [--endpoints 20]
 */
import { parseArgs } from 'node:util';
import { openSqliteStore } from '../src/adapters/store/sqlite/index.js';
import { HttpWebhookTransport } from '../src/adapters/webhooks/http-transport.js';
import { WebhookDispatcher } from '../src/core/webhooks/webhook-dispatcher.js';
import { WebhookEndpoints } from '../src/core/webhooks/webhook-endpoints.js';
import { systemClock } from '../src/ports/clock.js';
import { tempSqliteFile } from '../test/helpers/temp-sqlite.js';
import { WebhookReceiver } from '../test/helpers/webhook-receiver.js';

const { values } = parseArgs({ options: { deliveries: { type: 'string' }, endpoints: { type: 'string' } } });
const total = Number(values.deliveries ?? 2000);
const endpointCount = Number(values.endpoints ?? 20);

async function run(withHangingEndpoint: boolean): Promise<void> {
  const temp = tempSqliteFile();
  const store = await openSqliteStore({ sqliteFile: temp.file });
  const receiver = await WebhookReceiver.start();
  const hanging = await WebhookReceiver.start();
  hanging.answer = 'hang';
  const api = new WebhookEndpoints({
    endpoints: store.webhookEndpoints,
    deliveries: store.webhookDeliveries,
    clock: systemClock,
    source: '/bench',
    requireHttps: false,
    secretOverlapMs: 0,
  });
  const owner = { apiKeyId: 'bench', admin: false };
  const endpoints = [];
  for (let i = 0; i < endpointCount; i++)
    endpoints.push(
      (await api.create(owner, { url: receiver.url(`/${i}`), eventTypes: ['booking.created'] })).endpoint,
    );
  for (let i = 0; i < total; i++) await api.ping(owner, endpoints[i % endpointCount]!.id);
  if (withHangingEndpoint) {
    const slow = (await api.create(owner, { url: hanging.url(), eventTypes: ['booking.created'] })).endpoint;
    for (let i = 0; i < 50; i++) await api.ping(owner, slow.id);
  }
  const dispatcher = new WebhookDispatcher({
    deliveries: store.webhookDeliveries,
    endpoints: store.webhookEndpoints,
    transport: new HttpWebhookTransport({ allowLoopback: true }),
    clock: systemClock,
    retry: { baseMs: 60_000, maxMs: 60_000, maxAttempts: 3, disableAfterFailures: 1_000 },
    timeoutMs: 1_000,
    concurrency: 16,
    endpointConcurrency: 2,
    pollMs: 1_000,
  });
  const rss = process.memoryUsage().rss;
  const started = performance.now();
  dispatcher.start();
  while (receiver.received.length < total) await new Promise((resolve) => setTimeout(resolve, 5));
  const ms = performance.now() - started;
  await dispatcher.stop();
  console.log(
    JSON.stringify({
      deliveries: total,
      endpoints: endpointCount,
      hangingEndpoint: withHangingEndpoint,
      ms: Math.round(ms),
      perSecond: Math.round((total / ms) * 1000),
      hangingMaxOpen: hanging.maxOpen,
      rssDeltaMb: Math.round((process.memoryUsage().rss - rss) / 1e6),
    }),
  );
  await receiver.close();
  await hanging.close();
  await store.close();
  temp.cleanup();
}

await run(false);
await run(true);
