import { afterEach, describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/adapters/events/in-process.js';
import { createRedisStreamsEventBus } from '../../src/adapters/events/redis-streams.js';
import { run } from '../../src/cli/commands/dlq.js';
import { createEvent } from '../../src/core/events/create-event.js';
import { idempotentConsumer } from '../../src/core/events/idempotent-consumer.js';
import { OutboxRelay } from '../../src/core/events/outbox-relay.js';
import type { DeadLetter } from '../../src/ports/dead-letters.js';
import type { CloudEvent, EventBus } from '../../src/ports/events.js';
import { type EventStores, openEventStores } from '../helpers/event-stores.js';
import { deleteKeys, redisUrl, uniqueStreamKey } from '../helpers/redis.js';
import { waitFor } from '../helpers/wait-for.js';

const source = '/test/dlq';

const buses: Record<string, () => Promise<{ bus: EventBus; cleanup: () => Promise<void> }>> = {
  'in-process': async () => ({ bus: new InProcessEventBus(), cleanup: async () => {} }),
  'redis-streams': async () => {
    const streamKey = uniqueStreamKey('dlq');
    const bus = await createRedisStreamsEventBus({ url: redisUrl, streamKey });
    return { bus, cleanup: () => deleteKeys(streamKey) };
  },
};

/** Runs `dlq` with captured output. */
async function dlq(stores: EventStores, ...args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await run(args, {
    deadLetters: stores.deadLetters,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe.each(Object.keys(buses))('a consumer that fails on purpose, then recovers (%s bus)', (name) => {
  let cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });

  it('is retried, parked, listed by `dlq list`, and re-delivered by `dlq replay` until the DLQ is empty', async () => {
    const stores = openEventStores();
    cleanups.push(stores.cleanup);
    const { bus, cleanup } = await buses[name]!();
    cleanups.push(cleanup, () => bus.close());
    const relay = new OutboxRelay({ outbox: stores.outbox, bus, pollMs: 20 });
    cleanups.push(() => relay.stop());
    relay.start();

    let mailerBroken = true;
    let mailerAttempts = 0;
    const mailed: string[] = [];
    const audited: string[] = [];
    const consumer = (consumerName: string, handle: (event: CloudEvent) => Promise<void>) =>
      idempotentConsumer({
        name: consumerName,
        handle,
        processed: stores.processed,
        deadLetters: stores.deadLetters,
        maxAttempts: 3,
        retryBaseMs: 5,
      });
    await bus.subscribe(
      'mailer',
      consumer('mailer', async (event) => {
        mailerAttempts++;
        if (mailerBroken) throw new Error('smtp down');
        mailed.push(event.id);
      }),
    );
    await bus.subscribe(
      'audit',
      consumer('audit', async (event) => void audited.push(event.id)),
    );

    const event = createEvent('booking.created', { bookingId: 'B1' }, { source });
    stores.db.transaction(() => stores.outbox.append([event]))();

    // Fails on purpose: three attempts, then parked.
    let parked: DeadLetter[] = [];
    await waitFor('the event to be parked', async () => {
      parked = await stores.deadLetters.list();
      return parked.length === 1;
    });
    expect(mailerAttempts).toBe(3);
    expect(parked[0]).toMatchObject({ consumer: 'mailer', attempts: 3, error: 'smtp down', event });

    const listed = await dlq(stores, 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(parked[0]!.id);
    expect(listed.stdout).toContain(event.id);
    const asJson = await dlq(stores, 'list', '--json', '--consumer', 'mailer');
    expect(JSON.parse(asJson.stdout)).toEqual(parked);

    // Recovers, and the operator replays.
    mailerBroken = false;
    const replayed = await dlq(stores, 'replay', parked[0]!.id);
    expect(replayed).toMatchObject({ code: 0, stderr: '' });
    await waitFor('the replayed event to be mailed', () => mailed.includes(event.id));
    expect(await stores.deadLetters.list()).toEqual([]);
    expect((await dlq(stores, 'list')).stdout).toBe('no dead letters');

    // The audit consumer had handled it already: the replay is skipped there by event id.
    const sentinel = createEvent('booking.created', { bookingId: 'B2' }, { source });
    stores.outbox.append([sentinel]);
    await waitFor('the sentinel in audit', () => audited.includes(sentinel.id));
    expect(audited).toEqual([event.id, sentinel.id]);
  });
});

describe('dlq command errors', () => {
  it('answers 1 for an unknown id and 2 for bad usage, with a message on stderr', async () => {
    const stores = openEventStores();
    try {
      expect(await dlq(stores, 'replay', 'no-such-id')).toMatchObject({
        code: 1,
        stderr: 'no dead letter with id no-such-id',
      });
      const unknown = await dlq(stores, 'purge');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('unknown dlq command: purge');
      expect((await dlq(stores, 'list', '--limit', 'zero')).code).toBe(2);
      expect((await dlq(stores, 'list', '--bogus')).code).toBe(2);
      expect((await dlq(stores)).code).toBe(2);
    } finally {
      stores.cleanup();
    }
  });

  it('answers 1 with the cause when the store fails', async () => {
    const stores = openEventStores();
    stores.db.close();
    const result = await dlq(stores, 'list');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^dlq list: cannot list dead letters: /);
    stores.cleanup();
  });
});
