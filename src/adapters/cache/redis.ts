/**
 * The cluster backend: a bounded in-process L1 (local-tier.ts) over a Redis L2, with bentocache's
 * bus on Redis pub/sub so a write, delete or tag invalidation on one instance makes every other
 * instance drop its L1 copy.
 *
 * When Redis is down:
 * - L2 commands fail at once (no offline queue; `commandTimeout` bounds a Redis that hangs) and
 *   bentocache falls back to L1 and the factory, so requests keep being served;
 * - `health()` says 'degraded' until the connection is ready and answers PING again;
 * - ioredis reconnects by itself (its default backoff, capped at 2 s), and the subscriber
 *   re-subscribes.
 * What cannot be kept: an invalidation made while Redis is down reaches only the local instance
 * (there is nowhere to record it), so other instances may serve the affected entries until their
 * TTL ends — minutes for searches.
 *
 * Loaded only when CACHE=redis, so the embedded default never loads ioredis.
 */
import { BentoCache, bentostore } from 'bentocache';
import { redisDriver } from 'bentocache/drivers/redis';
import { Redis } from 'ioredis';
import type { Cache } from '../../ports/cache.js';
import { BentoCacheAdapter } from './bento-cache.js';
import { createLocalTier, type LocalTierOptions } from './local-tier.js';
import { RedisBusTransport } from './redis-bus-transport.js';
import { CombinedTagIndex, RedisTagIndex } from './redis-tag-index.js';
import { LocalTagIndex } from './tag-index.js';

export interface RedisCacheOptions extends LocalTierOptions {
  /** redis://[user:password@]host:port[/db] */
  redisUrl: string;
  /** Prefix of every key in Redis and namespace of the bus messages; instances sharing it share entries. */
  keyPrefix: string;
  /** Longest wait (ms) for one Redis command before the L1 answers alone. Default 1000. */
  commandTimeoutMs?: number;
  /** Longest wait (ms) for the first connection at start; past it the cache starts degraded. Default 2000. */
  connectTimeoutMs?: number;
  /**
   * Keep copies in process (L1 and the adapter's front), kept fresh by the bus; default true. False
   * for processes frozen between requests (Lambda), which cannot hear the bus meanwhile: every read
   * then goes to Redis.
   */
  localTier?: boolean;
}

/** A two-tier cache; resolves even when Redis is unreachable (then `health()` is 'degraded'). */
export async function createRedisCache(options: RedisCacheOptions): Promise<Cache> {
  const commandTimeout = options.commandTimeoutMs ?? 1000;
  const connection = new Redis(options.redisUrl, {
    // Fail fast instead of queueing while disconnected: a request must not wait for Redis.
    enableOfflineQueue: false,
    commandTimeout,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  });
  // Errors surface through health(); without a listener ioredis prints every reconnect failure.
  connection.on('error', () => {});
  await waitUntilReady(connection, options.connectTimeoutMs ?? 2000);

  const remote = redisDriver({ connection });
  const localTags = new LocalTagIndex();
  const local =
    options.localTier === false
      ? undefined
      : createLocalTier({
          ...options,
          onDrop: (key) => localTags.forget(key),
          bytesBeside: (key) => localTags.bytesOf(key),
        });
  const busTransport = local && new RedisBusTransport(options.redisUrl, { commandTimeout });
  const bento = new BentoCache({
    default: 'cache',
    prefix: options.keyPrefix,
    // No L2 circuit breaker: a dead Redis already fails fast (no offline queue), and a breaker kept
    // skipping Redis for its whole duration after Redis was back, so writes stayed local unseen.
    stores: {
      cache:
        local && busTransport
          ? bentostore()
              .useL1Layer(local.driver)
              .useL2Layer(remote)
              .useBus({
                options: { retryQueue: { enabled: true, maxSize: 10_000 } },
                factory: () => busTransport,
              })
          : bentostore().useL2Layer(remote),
    },
  });

  if (busTransport) {
    // bentocache builds the store, and subscribes its bus, on first use, without awaiting the
    // SUBSCRIBE: do it now and wait, or invalidations sent by other instances meanwhile are missed.
    bento.use();
    await withTimeout(busTransport.whenSubscribed(), options.connectTimeoutMs ?? 2000);
  }

  return new BentoCacheAdapter({
    bento,
    tags: new CombinedTagIndex([new RedisTagIndex(connection, options.keyPrefix), localTags]),
    stats: local?.stats,
    shrink: local?.shrink,
    close: async () => local?.close(),
    front: local !== undefined,
    health: async () => {
      if (connection.status !== 'ready') return 'degraded';
      try {
        return (await connection.ping()) === 'PONG' ? 'ok' : 'degraded';
      } catch {
        return 'degraded';
      }
    },
  });
}

/** Waits for `promise`, or at most `timeoutMs`. */
async function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

/** Starts connecting and waits at most `timeoutMs` for the first ready; ioredis keeps retrying after. */
async function waitUntilReady(connection: Redis, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    new Promise<void>((resolve) => connection.once('ready', () => resolve())),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
    // With lazyConnect the first connect() rejects when Redis is down; the retry strategy still runs.
    connection.connect().catch(() => new Promise<void>(() => {})),
  ]);
  clearTimeout(timer);
}
