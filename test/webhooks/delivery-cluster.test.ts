import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { createEvent } from '../../src/core/events/create-event.js';
import type { ScheduleChangedData } from '../../src/core/events/inventory-events.js';
import { WebhookEndpoints } from '../../src/core/webhooks/webhook-endpoints.js';
import { systemClock } from '../../src/ports/clock.js';
import type { StoreBackend } from '../../src/ports/store-backend.js';
import { BookingClient, directLhrJfk, firstFlightOffer, oneAdultBooking } from '../helpers/bookings.js';
import { nodeArgs } from '../helpers/built-sources.js';
import { dropSchema, openTestPostgresStore, uniqueSchema } from '../helpers/postgres.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';
import { verifyStandardWebhook, WebhookReceiver } from '../helpers/webhook-receiver.js';

const fixture = fileURLToPath(new URL('../fixtures/webhook-dispatcher-process.ts', import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function startDispatcherProcess(kind: 'sqlite' | 'postgres', where: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs(fixture), kind, where], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  );
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`dispatcher process exited with ${code}`)));
  });
}

describe('webhooks in a cluster and across a crash', () => {
  it.each(['sqlite', 'postgres'] as const)(
    'two processes sharing the %s store deliver each webhook exactly once',
    async (kind) => {
      let where: string;
      let store: StoreBackend;
      if (kind === 'sqlite') {
        const temp = tempSqliteFile();
        cleanups.push(temp.cleanup);
        where = temp.file;
        store = await openSqliteStore({ sqliteFile: where });
      } else {
        where = uniqueSchema('webhooks_cluster');
        cleanups.push(() => dropSchema(where));
        store = await openTestPostgresStore(where);
      }
      await store.migrate();
      cleanups.push(() => store.close());
      const receiver = await WebhookReceiver.start();
      cleanups.push(() => receiver.close());
      // A little work per request, so both processes have deliveries in flight at once.
      receiver.answer = (_webhook, response) => setTimeout(() => response.writeHead(204).end(), 15);
      const api = new WebhookEndpoints({
        endpoints: store.webhookEndpoints,
        deliveries: store.webhookDeliveries,
        clock: systemClock,
        source: '/travel-platform/api',
        requireHttps: false,
        secretOverlapMs: 0,
      });
      const owner = { apiKeyId: 'key-a', admin: false };
      const endpoints = await Promise.all(
        [1, 2, 3].map(
          async (n) =>
            (await api.create(owner, { url: receiver.url(`/${n}`), eventTypes: ['booking.created'] }))
              .endpoint,
        ),
      );
      const sent: string[] = [];
      for (let i = 0; i < 40; i++)
        for (const endpoint of endpoints) sent.push((await api.ping(owner, endpoint.id)).id);

      await Promise.all([startDispatcherProcess(kind, where), startDispatcherProcess(kind, where)]);
      await waitFor('every ping delivered', () => receiver.received.length >= sent.length, 60_000);
      // Settle: a duplicate would arrive within a poll or two.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
      expect(ids).toHaveLength(sent.length);
      expect(new Set(ids)).toEqual(new Set(sent));
    },
  );

  it('an event committed by a process that died before relaying is delivered when the platform starts again', async () => {
    const temp = tempSqliteFile();
    cleanups.push(temp.cleanup);
    const receiver = await WebhookReceiver.start();
    cleanups.push(() => receiver.close());
    const env = {
      SQLITE_FILE: temp.file,
      WEBHOOK_REQUIRE_HTTPS: 'off',
      WEBHOOK_ALLOW_LOOPBACK: 'on',
      WEBHOOK_POLL_MS: '50',
    };
    let tp: TestPlatform | undefined = await startTestPlatform({ airports: 30, days: 3, env });
    cleanups.push(() => tp?.close());
    const created = await tp.fetch('/v1/webhooks/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        url: receiver.url(),
        eventTypes: ['booking.created', 'booking.schedule_changed'],
      }),
    });
    const { secret } = ((await created.json()) as { data: { secret: string } }).data;
    const issuer = tp.platform.gateway.options.issuer;
    if (issuer === undefined) throw new Error('no local issuer');
    const client = new BookingClient(tp.baseUrl, tp.apiKey, await issuer.mint('alice'));
    const offer = await firstFlightOffer(tp.baseUrl, tp.apiKey, directLhrJfk(tp.date(1)));
    const booking = (
      (await (await client.book(oneAdultBooking(offer), 'crash-1')).json()) as { data: { id: string } }
    ).data;
    const apiKeyId = (await tp.platform.gateway.options.keys.authenticate(tp.apiKey)).keyId;
    await waitFor('booking.created', () => receiver.received.length === 1);
    await tp.close();
    tp = undefined;

    // Another process (an import) commits the schedule change and dies before any relay ran.
    const importer = await openSqliteStore({ sqliteFile: temp.file });
    const event = createEvent<ScheduleChangedData>(
      'schedule.changed',
      {
        reason: 'import',
        flights: [],
        hotelNights: [],
        affectedBookings: [
          {
            bookingId: booking.id,
            apiKeyId,
            flightId: offer.itineraries[0]!.segments[0]!.id,
            change: 'cancelled',
            before: {
              departureUtc: '2030-01-01T10:00:00.000Z',
              arrivalUtc: '2030-01-01T18:00:00.000Z',
              aircraft: '789',
            },
          },
        ],
      },
      { source: '/travel-platform/imports' },
    );
    importer.outbox.append([{ ...event, subject: booking.id }]);
    await importer.close();
    expect(receiver.received).toHaveLength(1);

    tp = await startTestPlatform({ airports: 30, days: 3, env });
    await waitFor('booking.schedule_changed after the restart', () => receiver.received.length === 2);
    const changed = receiver.received[1]!;
    expect(changed.event).toMatchObject({
      type: 'booking.schedule_changed',
      subject: booking.id,
      data: { change: { change: 'cancelled' } },
    });
    expect(verifyStandardWebhook(secret, changed.headers, changed.body)).toBe(true);
  });
});
