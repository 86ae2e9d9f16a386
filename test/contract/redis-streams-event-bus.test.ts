import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventBus } from '../../src/adapters/events/create-event-bus.js';
import { createRedisStreamsEventBus, RedisStreamsEventBus } from '../../src/adapters/events/redis-streams.js';
import { createEvent } from '../../src/core/events/create-event.js';
import { EventBusUnavailableError } from '../../src/ports/events.js';
import { deleteKeys, redisUrl, uniqueStreamKey } from '../helpers/redis.js';
import { RedisServer, randomPort } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { describeEventBusContract } from './event-bus.contract.js';

describeEventBusContract('redis-streams', {
  create: async () => {
    const streamKey = uniqueStreamKey('contract');
    // A short claim idle time so takeovers happen within the test's patience.
    const bus = await createRedisStreamsEventBus({
      url: redisUrl,
      streamKey,
      claimIdleMs: 300,
      claimIntervalMs: 100,
    });
    return { bus, cleanup: () => deleteKeys(streamKey) };
  },
});

describe('Redis Streams bus specifics', () => {
  const source = '/test/redis-streams';
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(redisUrl);
  });

  afterAll(async () => {
    await redis.quit();
  });

  async function pendingCount(key: string, group: string): Promise<number> {
    const summary = (await redis.xpending(key, group)) as [number, ...unknown[]];
    return summary[0];
  }

  it('when a consumer dies holding entries, another consumer of the group claims and processes them', async () => {
    const streamKey = uniqueStreamKey('dead-consumer');
    const group = 'cache-invalidation';
    // Two buses stand for two processes: each has its own connections.
    const doomed = await createRedisStreamsEventBus({
      url: redisUrl,
      streamKey,
      claimIdleMs: 500,
      claimIntervalMs: 100,
    });
    const survivor = await createRedisStreamsEventBus({
      url: redisUrl,
      streamKey,
      claimIdleMs: 500,
      claimIntervalMs: 100,
    });
    try {
      const seen: string[] = [];
      await doomed.subscribe(
        group,
        (event) => {
          seen.push(event.id);
          return new Promise<void>(() => {}); // hangs: never acknowledges
        },
        { consumer: 'doomed' },
      );
      const published = [1, 2, 3].map((i) => createEvent('booking.created', { i }, { source }));
      await doomed.publish(published);
      await waitFor('the doomed consumer to receive an entry', () => seen.length >= 1);
      await doomed.close();
      expect(await pendingCount(streamKey, group)).toBe(3);

      const processed: string[] = [];
      await survivor.subscribe(group, async (event) => void processed.push(event.id), {
        consumer: 'survivor',
      });
      await waitFor('the survivor to process all three', () => new Set(processed).size === 3);
      expect(new Set(processed)).toEqual(new Set(published.map((e) => e.id)));
      await waitFor('every entry acknowledged', async () => (await pendingCount(streamKey, group)) === 0);
    } finally {
      await doomed.close();
      await survivor.close();
      await deleteKeys(streamKey);
    }
  });

  it('a consumer restarted under the same name resumes its own pending entries at once', async () => {
    const streamKey = uniqueStreamKey('resume');
    const group = 'mailer';
    // Claiming is effectively off: the first run must get it from XREADGROUP, the second from its own pending list.
    const options = { url: redisUrl, streamKey, claimIdleMs: 3_600_000 };
    const first = await createRedisStreamsEventBus(options);
    const event = createEvent('booking.created', { bookingId: 'B1' }, { source });
    let started = false;
    await first.subscribe(
      group,
      () => {
        started = true;
        return new Promise<void>(() => {});
      },
      { consumer: 'mailer-1' },
    );
    await first.publish([event]);
    await waitFor('the first run to receive it', () => started);
    await first.close();

    const second = await createRedisStreamsEventBus(options);
    try {
      const processed: string[] = [];
      await second.subscribe(group, async (e) => void processed.push(e.id), { consumer: 'mailer-1' });
      await waitFor('the resumed entry', () => processed.includes(event.id));
      await waitFor('it acknowledged', async () => (await pendingCount(streamKey, group)) === 0);
    } finally {
      await second.close();
      await deleteKeys(streamKey);
    }
  });

  it('fails to connect with EventBusUnavailableError when Redis is unreachable', async () => {
    const bus = new RedisStreamsEventBus({ url: 'redis://127.0.0.1:1', streamKey: uniqueStreamKey('down') });
    await expect(bus.connect()).rejects.toBeInstanceOf(EventBusUnavailableError);
    await bus.close();
  });

  it('closes at once, consumers included, after Redis has been down for a while', async () => {
    const server = new RedisServer(randomPort());
    await server.start();
    const bus = await createRedisStreamsEventBus({ url: server.url, streamKey: uniqueStreamKey('outage') });
    try {
      const subscriptions = await Promise.all(
        ['analytics', 'cache-invalidation', 'webhooks'].map((group) => bus.subscribe(group, async () => {})),
      );
      await server.kill();
      // Long enough for ioredis' reconnect delay to grow: a consumer's read then sits queued on a
      // reconnecting connection, which disconnecting never settles.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const closed = Promise.all(subscriptions.map((subscription) => subscription.close())).then(
        () => 'closed' as const,
      );
      const patience = new Promise<'still open'>((resolve) => setTimeout(() => resolve('still open'), 5_000));
      expect(await Promise.race([closed, patience])).toBe('closed');
    } finally {
      await bus.close();
      await server.kill();
    }
  }, 30_000);

  it('is what createEventBus returns when EVENT_BUS=redis', async () => {
    const streamKey = uniqueStreamKey('factory');
    const bus = await createEventBus({
      eventBus: 'redis',
      redisUrl,
      eventStreamKey: streamKey,
      eventClaimIdleMs: 30_000,
      eventBusName: 'unused',
    });
    try {
      expect(bus).toBeInstanceOf(RedisStreamsEventBus);
      expect(await bus.health()).toEqual({ ok: true });
    } finally {
      await bus.close();
      await deleteKeys(streamKey);
    }
  });
});
