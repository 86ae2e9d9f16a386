import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisStreamsEventBus } from '../../src/adapters/events/redis-streams.js';
import type { CloudEvent, EventBus } from '../../src/ports/events.js';
import {
  type ApiProcess,
  prepareSharedStore,
  type SharedStore,
  spawnScript,
  startApiProcess,
} from '../helpers/api-process.js';
import { contact, firstFlightOffer, passengersFor } from '../helpers/bookings.js';
import { openEventStores } from '../helpers/event-stores.js';
import { deleteKeys, redisUrl, uniqueStreamKey } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';

const writer = fileURLToPath(new URL('../fixtures/booking-crash-writer.ts', import.meta.url));

describe('a booking event survives kill -9 of the API process right after the booking committed', () => {
  let shared: SharedStore | undefined;
  let bus: EventBus | undefined;
  const processes: ApiProcess[] = [];
  const streamKey = uniqueStreamKey('booking-crash');

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await bus?.close();
    await deleteKeys(streamKey);
    shared?.cleanup();
  });

  it('the outbox holds booking.created and availability.changed; the restarted server delivers them', async () => {
    shared = await prepareSharedStore({
      EVENT_BUS: 'redis',
      EVENT_STREAM_KEY: streamKey,
      REDIS_URL: redisUrl,
    });
    const first = await startApiProcess(shared.env);
    const offer = await firstFlightOffer(
      first.url,
      shared.apiKey,
      `origin=LHR&destination=JFK&departureDate=${shared.date(2)}&maxStops=0`,
    );
    await first.stop();

    const body = {
      passengers: passengersFor({ adults: 1 }, offer.itineraries[0]!.segments[0]!.departure.at.slice(0, 10)),
      contact,
    };
    const crashing = spawnScript(writer, [offer.id, JSON.stringify(body)], shared.env);
    let bookingId = '';
    try {
      await waitFor(
        'the booking to commit',
        () => {
          if (crashing.child.exitCode !== null) throw new Error(`writer exited early:\n${crashing.output()}`);
          bookingId = /committed (\S+)/.exec(crashing.output())?.[1] ?? '';
          return bookingId !== '';
        },
        60_000,
      );
    } finally {
      expect(await crashing.kill()).toBe('SIGKILL');
    }

    // After the crash: the booking and its events are in the file, unpublished.
    const stores = openEventStores(shared.file);
    const pending = stores.outbox.pendingRecords().map((r) => r.event);
    const booking = stores.db.prepare('SELECT status FROM bookings WHERE id = ?').get(bookingId);
    stores.db.close();
    expect(booking).toEqual({ status: 'confirmed' });
    expect(pending.map((e) => e.type)).toEqual(['booking.created', 'availability.changed']);

    // Restart: a new API process on the same file relays them to the bus.
    bus = await createRedisStreamsEventBus({ url: redisUrl, streamKey });
    const received: CloudEvent[] = [];
    await bus.subscribe('crash-observer', async (event) => {
      received.push(event);
    });
    processes.push(await startApiProcess(shared.env));
    await waitFor('the events after restart', () => received.length >= 2);
    expect(received.map((e) => e.id)).toEqual(pending.map((e) => e.id));
    expect((received[0]!.data as { bookingId: string }).bookingId).toBe(bookingId);
  });
});
