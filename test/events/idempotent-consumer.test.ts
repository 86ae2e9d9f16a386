import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/adapters/events/in-process.js';
import { createEvent } from '../../src/core/events/create-event.js';
import { idempotentConsumer } from '../../src/core/events/idempotent-consumer.js';
import { type EventStores, openEventStores } from '../helpers/event-stores.js';
import { waitFor } from '../helpers/wait-for.js';

const source = '/test/idempotent-consumer';

describe('idempotentConsumer', () => {
  let stores: EventStores;

  beforeEach(() => {
    stores = openEventStores();
  });

  afterEach(() => {
    stores.cleanup();
  });

  it('runs the handler once for an event delivered twice, even concurrently', async () => {
    const handled: string[] = [];
    const handler = idempotentConsumer({
      name: 'invalidate-cache',
      handle: async (event) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        handled.push(event.id);
      },
      processed: stores.processed,
      deadLetters: stores.deadLetters,
      maxAttempts: 3,
      retryBaseMs: 1,
    });
    const event = createEvent('price.updated', { route: 'JFK-LHR' }, { source });
    await Promise.all([handler(event), handler(event)]);
    await handler(event);
    expect(handled).toEqual([event.id]);
    expect(await stores.processed.has('invalidate-cache', event.id)).toBe(true);
  });

  it('runs repeatable work without reading the marks first, so a redelivery repeats it', async () => {
    let reads = 0;
    const processed = {
      has: (consumer: string, eventId: string) => {
        reads++;
        return stores.processed.has(consumer, eventId);
      },
      mark: (consumer: string, eventId: string) => stores.processed.mark(consumer, eventId),
      prune: (before: number) => stores.processed.prune(before),
    };
    const handled: string[] = [];
    const handler = idempotentConsumer({
      name: 'invalidate-cache',
      handle: async (event) => void handled.push(event.id),
      processed,
      deadLetters: stores.deadLetters,
      maxAttempts: 3,
      retryBaseMs: 1,
      repeatable: true,
    });
    const event = createEvent('price.updated', { route: 'JFK-LHR' }, { source });
    await handler(event);
    await handler(event);
    expect(handled).toEqual([event.id, event.id]);
    expect(reads).toBe(0);
    expect(await stores.processed.has('invalidate-cache', event.id)).toBe(true);
  });

  it('skips an event redelivered by the bus after it was processed', async () => {
    const bus = new InProcessEventBus();
    const handled: string[] = [];
    await bus.subscribe(
      'invalidate-cache',
      idempotentConsumer({
        name: 'invalidate-cache',
        handle: async (event) => void handled.push(event.id),
        processed: stores.processed,
        deadLetters: stores.deadLetters,
        maxAttempts: 3,
        retryBaseMs: 1,
      }),
    );
    const event = createEvent('booking.created', { bookingId: 'B1' }, { source });
    const sentinel = createEvent('booking.created', { bookingId: 'B2' }, { source });
    await bus.publish([event]);
    await bus.publish([event, sentinel]);
    await waitFor('the sentinel', () => handled.includes(sentinel.id));
    expect(handled).toEqual([event.id, sentinel.id]);
    await bus.close();
  });

  it('retries a failing handler with growing backoff, then parks the event in the dead-letter store', async () => {
    const attempts: number[] = [];
    const delays: number[] = [];
    const handler = idempotentConsumer({
      name: 'mailer',
      handle: async () => {
        attempts.push(attempts.length + 1);
        throw new Error('smtp down');
      },
      processed: stores.processed,
      deadLetters: stores.deadLetters,
      maxAttempts: 4,
      retryBaseMs: 2,
      random: () => 0.5,
      onRetry: (_event, _attempt, _error, delayMs) => delays.push(delayMs),
    });
    const event = createEvent('booking.created', { bookingId: 'B1' }, { source });
    await handler(event); // resolves: a parked event is acknowledged, not redelivered forever
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(delays).toEqual([2, 3, 6]); // nominal 2, 4, 8 ms with the jitter at its middle
    const [letter, ...rest] = await stores.deadLetters.list();
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({ consumer: 'mailer', error: 'smtp down', attempts: 4, event });
    expect(await stores.processed.has('mailer', event.id)).toBe(false);
  });

  it('rejects (so the bus redelivers) when the dead-letter store cannot take the event', async () => {
    const handler = idempotentConsumer({
      name: 'mailer',
      handle: async () => {
        throw new Error('smtp down');
      },
      processed: stores.processed,
      deadLetters: stores.deadLetters,
      maxAttempts: 1,
      retryBaseMs: 1,
    });
    stores.db.close();
    await expect(handler(createEvent('booking.created', {}, { source }))).rejects.toThrow(/cannot/);
  });
});
