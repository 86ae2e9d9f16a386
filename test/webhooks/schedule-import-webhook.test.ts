import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AffectedBooking } from '../../src/core/events/inventory-events.js';
import { AdminImports } from '../helpers/admin-imports.js';
import { BookingClient, firstFlightOffer, oneAdultBooking } from '../helpers/bookings.js';
import { dropSchema, postgresEnv, uniqueSchema } from '../helpers/postgres.js';
import { sharedRedisEnv } from '../helpers/redis.js';
import { leg, ssimFile } from '../helpers/ssim-files.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';
import { type ReceivedWebhook, verifyStandardWebhook, WebhookReceiver } from '../helpers/webhook-receiver.js';

/**
 * Issue 24's "done when", with every part real: a client registers an endpoint on a local receiver,
 * books a flight an SSIM import created, then later imports retime and drop that flight, and the
 * receiver gets signed `booking.schedule_changed` webhooks saying so — on each deployment's store and
 * event bus.
 */

interface Deployment {
  name: string;
  /** The store and bus the platform must have chosen from the environment. */
  storeBackend: 'sqlite' | 'postgres';
  eventBus: 'in-process' | 'redis';
  /** The environment selecting the deployment's store and bus, and what removes their test data. */
  setUp(): { env: Record<string, string>; cleanup(): Promise<void> };
}

const deployments: Deployment[] = [
  {
    name: 'embedded (SQLite, in-process bus)',
    storeBackend: 'sqlite',
    eventBus: 'in-process',
    setUp: () => ({ env: {}, cleanup: async () => {} }),
  },
  {
    name: 'SQLite with the Redis Streams bus',
    storeBackend: 'sqlite',
    eventBus: 'redis',
    setUp: () => sharedRedisEnv('schedule_webhook'),
  },
  {
    name: 'PostgreSQL with the Redis Streams bus',
    storeBackend: 'postgres',
    eventBus: 'redis',
    setUp() {
      const schema = uniqueSchema('schedule_webhook');
      const redis = sharedRedisEnv('schedule_webhook_pg');
      return {
        env: { ...postgresEnv(schema), ...redis.env },
        async cleanup() {
          await redis.cleanup();
          await dropSchema(schema);
        },
      };
    },
  },
];

const CARRIER = 'ZZ';

/** The season of CARRIER: flight 1 LHR→CDG at `flightOne`'s times (or not at all), flight 2 back. */
function season(
  tp: TestPlatform,
  flightOne: { departureMinute: number; arrivalMinute: number } | 'dropped',
): string {
  const period = { periodFrom: tp.date(1), periodTo: tp.date(10) };
  const flightTwo = leg({ flightNumber: 2, origin: 'CDG', destination: 'LHR', ...period });
  return ssimFile([
    {
      carrier: CARRIER,
      timeMode: 'U',
      validFrom: period.periodFrom,
      validTo: period.periodTo,
      records:
        flightOne === 'dropped'
          ? [flightTwo]
          : [leg({ flightNumber: 1, origin: 'LHR', destination: 'CDG', ...period, ...flightOne }), flightTwo],
    },
  ]).join('\n');
}

describe.each(deployments)('a schedule import tells the booking client by webhook: $name', (deployment) => {
  let tp: TestPlatform;
  let receiver: WebhookReceiver;
  let imports: AdminImports;
  let client: BookingClient;
  let cleanup: () => Promise<void> = async () => {};
  let secret: string;
  let bookingId: string;
  let flightId: string;
  let travelDate: string;

  beforeAll(async () => {
    const setUp = deployment.setUp();
    cleanup = setUp.cleanup;
    receiver = await WebhookReceiver.start();
    tp = await startTestPlatform({
      airports: 2,
      days: 1,
      env: {
        ...setUp.env,
        WEBHOOK_REQUIRE_HTTPS: 'off',
        WEBHOOK_ALLOW_LOOPBACK: 'on',
        WEBHOOK_POLL_MS: '50',
      },
    });
    expect(tp.platform.config).toMatchObject({
      storeBackend: deployment.storeBackend,
      eventBus: deployment.eventBus,
    });
    imports = new AdminImports(tp.baseUrl);
    const issuer = tp.platform.gateway.options.issuer;
    if (issuer === undefined) throw new Error('the test platform has no local token issuer');
    client = new BookingClient(tp.baseUrl, tp.apiKey, await issuer.mint('ada'));
    travelDate = tp.date(3);
  });

  afterAll(async () => {
    await tp?.close();
    await receiver?.close();
    await cleanup();
  });

  /** The one booking.schedule_changed the receiver got after `seen` webhooks, verified and parsed. */
  async function nextScheduleChange(
    seen: number,
  ): Promise<{ webhook: ReceivedWebhook; change: AffectedBooking }> {
    // Generous on purpose (tests assert outcomes, not speed); in practice it arrives in well under a second.
    await waitFor('booking.schedule_changed at the receiver', () =>
      receiver.received.slice(seen).some((w) => w.event.type === 'booking.schedule_changed'),
    );
    const changes = receiver.received.slice(seen).filter((w) => w.event.type === 'booking.schedule_changed');
    expect(changes).toHaveLength(1);
    const webhook = changes[0]!;
    expect(verifyStandardWebhook(secret, webhook.headers, webhook.body)).toBe(true);
    // A different secret must not verify it: the check above means something.
    expect(
      verifyStandardWebhook(`whsec_${Buffer.alloc(24).toString('base64')}`, webhook.headers, webhook.body),
    ).toBe(false);
    expect(webhook.event.subject).toBe(bookingId);
    return { webhook, change: (webhook.event.data as { change: AffectedBooking }).change };
  }

  it('registers an endpoint, books an imported flight, and a retiming import reaches the receiver signed', async () => {
    const registered = await tp.fetch('/v1/webhooks/endpoints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        url: receiver.url(),
        eventTypes: ['booking.created', 'booking.schedule_changed'],
        description: 'schedule import receiver',
      }),
    });
    expect(registered.status).toBe(201);
    secret = ((await registered.json()) as { data: { secret: string } }).data.secret;
    expect(secret).toMatch(/^whsec_/);

    const first = await imports.run(
      'kind=ssim&estimateFares=true',
      season(tp, { departureMinute: 9 * 60, arrivalMinute: 11 * 60 }),
    );
    expect(first).toMatchObject({ state: 'succeeded', applied: true, errorCount: 0 });

    const offer = await firstFlightOffer(
      tp.baseUrl,
      tp.apiKey,
      `origin=LHR&destination=CDG&departureDate=${travelDate}&carriers=${CARRIER}&maxStops=0`,
    );
    const segment = offer.itineraries[0]!.segments[0]!;
    flightId = segment.id;
    expect(Date.parse(segment.departure.atUtc)).toBe(Date.parse(`${travelDate}T09:00:00Z`));
    const booked = await client.book(oneAdultBooking(offer), `schedule-webhook-${deployment.name}`);
    expect(booked.status).toBe(201);
    bookingId = ((await booked.json()) as { data: { id: string } }).data.id;
    await waitFor('booking.created at the receiver', () => receiver.ofType('booking.created').length === 1);
    expect(receiver.ofType('booking.created')[0]?.event.subject).toBe(bookingId);

    const seen = receiver.received.length;
    const retimed = await imports.run(
      'kind=ssim&estimateFares=true',
      season(tp, { departureMinute: 10 * 60 + 30, arrivalMinute: 12 * 60 + 30 }),
    );
    expect(retimed).toMatchObject({ state: 'succeeded', applied: true });
    expect(retimed.counts).toMatchObject({ affectedBookings: 1 });

    const { webhook, change } = await nextScheduleChange(seen);
    expect(webhook.event.data).toMatchObject({ booking: { id: bookingId, status: 'confirmed' } });
    expect(change).toMatchObject({
      bookingId,
      flightId,
      change: 'retimed',
      before: { departureUtc: `${travelDate}T09:00:00Z`, arrivalUtc: `${travelDate}T11:00:00Z` },
      after: { departureUtc: `${travelDate}T10:30:00Z`, arrivalUtc: `${travelDate}T12:30:00Z` },
    });
  });

  it('an import that drops the booked flight reaches the receiver as cancelled, with the times it had', async () => {
    const seen = receiver.received.length;
    const dropped = await imports.run('kind=ssim&estimateFares=true', season(tp, 'dropped'));
    expect(dropped).toMatchObject({ state: 'succeeded', applied: true });
    expect(dropped.counts).toMatchObject({ affectedBookings: 1 });

    const { change } = await nextScheduleChange(seen);
    expect(change).toMatchObject({
      bookingId,
      flightId,
      change: 'cancelled',
      before: { departureUtc: `${travelDate}T10:30:00Z`, arrivalUtc: `${travelDate}T12:30:00Z` },
    });
    expect(change.after).toBeUndefined();
    // The cancelled flight is never offered again.
    const search = await tp.fetch(
      `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${travelDate}&carriers=${CARRIER}&maxStops=0`,
    );
    expect(((await search.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
