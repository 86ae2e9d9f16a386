import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import {
  type CloudEvent,
  type EventBus,
  type EventBusHealth,
  EventBusUnavailableError,
  type EventHandler,
  type SubscribeOptions,
  type Subscription,
} from '../../ports/events.js';
import { closeRedis } from '../close-redis.js';

/** Connection and tuning of the Redis Streams bus. */
export interface RedisStreamsEventBusOptions {
  /** redis:// URL. */
  url: string;
  /** Key of the stream every event is appended to. */
  streamKey: string;
  /** An entry left unacknowledged this long (ms) is taken over by another consumer of its group; default 30000. */
  claimIdleMs?: number;
  /** How often (ms) a consumer looks for such entries; default min(claimIdleMs, 5000). */
  claimIntervalMs?: number;
  /** Longest (ms) one blocking read waits for new entries; default 2000. */
  blockMs?: number;
  /** Entries read or claimed per round trip; default 64. */
  batchSize?: number;
  /** Approximate cap on the stream length (XADD MAXLEN ~); default 100000. */
  maxLength?: number;
  /** Told about connection errors, unreadable entries and failed acks; default ignores them. */
  onError?: (error: Error) => void;
}

interface StreamEntry {
  id: string;
  /** Undefined when the entry was trimmed from the stream while pending. */
  fields: string[] | undefined;
}

interface RedisSubscription {
  group: string;
  consumer: string;
  handler: EventHandler;
  connection: Redis;
  closed: boolean;
  /** Resolves when close() is called, so the loop stops waiting on a handler that hangs. */
  closing: Promise<void>;
  signalClose: () => void;
  loop: Promise<void>;
}

const EVENT_FIELD = 'event';

/**
 * Events on one Redis stream; each subscriber group is a Redis consumer group (XREADGROUP), an entry
 * is acknowledged (XACK) only after its handler resolved, and entries a consumer left pending for
 * `claimIdleMs` (it died, hung or its handler rejected) are taken over with XAUTOCLAIM by whichever
 * consumer of the group looks next. Each subscription holds its own connection because XREADGROUP
 * BLOCK occupies it; publishing and acknowledging share one.
 */
export class RedisStreamsEventBus implements EventBus {
  readonly #redis: Redis;
  readonly #key: string;
  readonly #claimIdleMs: number;
  readonly #claimIntervalMs: number;
  readonly #blockMs: number;
  readonly #batch: number;
  readonly #maxLength: number;
  readonly #onError: (error: Error) => void;
  readonly #subscriptions = new Set<RedisSubscription>();
  #closed = false;

  constructor(options: RedisStreamsEventBusOptions) {
    this.#key = options.streamKey;
    this.#claimIdleMs = options.claimIdleMs ?? 30_000;
    this.#claimIntervalMs = options.claimIntervalMs ?? Math.min(this.#claimIdleMs, 5000);
    this.#blockMs = Math.min(options.blockMs ?? 2000, this.#claimIntervalMs);
    this.#batch = options.batchSize ?? 64;
    this.#maxLength = options.maxLength ?? 100_000;
    this.#onError = options.onError ?? (() => {});
    // Few retries: a publish against a dead Redis should fail soon so the outbox keeps the event.
    // ioredis 5 speaks RESP2, whose reply shapes the parsers below read.
    this.#redis = new Redis(options.url, { maxRetriesPerRequest: 2, lazyConnect: true });
    this.#redis.on('error', (error: Error) => this.#onError(error));
  }

  /** Connects; rejects with EventBusUnavailableError when Redis cannot be reached. */
  async connect(): Promise<void> {
    try {
      await this.#redis.connect();
    } catch (cause) {
      this.#redis.disconnect();
      throw new EventBusUnavailableError(`cannot connect to Redis for stream ${this.#key}`, { cause });
    }
  }

  async publish(events: readonly CloudEvent[]): Promise<void> {
    if (this.#closed) throw new EventBusUnavailableError('the Redis event bus is closed');
    if (events.length === 0) return;
    // Redis known to be down (ioredis waits between reconnection attempts): fail now, not after the
    // queued command's retries — seconds, once the outage is long, which a shutdown's last analytics
    // flush then waited out. The outbox keeps the events for the relay's next round either way.
    if (this.#redis.status === 'reconnecting' || this.#redis.status === 'end')
      throw new EventBusUnavailableError(`cannot publish to Redis stream ${this.#key}: Redis is unreachable`);
    // MULTI keeps a batch contiguous and in order in the stream.
    const multi = this.#redis.multi();
    for (const event of events) {
      multi.xadd(this.#key, 'MAXLEN', '~', this.#maxLength, '*', EVENT_FIELD, JSON.stringify(event));
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await multi.exec();
    } catch (cause) {
      throw new EventBusUnavailableError(`cannot publish to Redis stream ${this.#key}`, { cause });
    }
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (results === null || failed) {
      throw new EventBusUnavailableError(`cannot publish to Redis stream ${this.#key}`, { cause: failed });
    }
  }

  async subscribe(
    group: string,
    handler: EventHandler,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    if (this.#closed) throw new EventBusUnavailableError('the Redis event bus is closed');
    await this.#createGroup(group);
    const connection = this.#redis.duplicate();
    connection.on('error', (error: Error) => this.#onError(error));
    let signalClose = (): void => {};
    const closing = new Promise<void>((resolve) => {
      signalClose = resolve;
    });
    const subscription: RedisSubscription = {
      group,
      consumer: options.consumer ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      handler,
      connection,
      closed: false,
      closing,
      signalClose,
      loop: Promise.resolve(),
    };
    subscription.loop = this.#consume(subscription);
    this.#subscriptions.add(subscription);
    return {
      consumer: subscription.consumer,
      close: () => this.#closeSubscription(subscription),
    };
  }

  async health(): Promise<EventBusHealth> {
    if (this.#closed) return { ok: false, detail: 'the Redis event bus is closed' };
    try {
      await withTimeout(this.#redis.ping(), 2000);
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => this.#closeSubscription(s)));
    await closeRedis(this.#redis, 2000);
  }

  async #createGroup(group: string): Promise<void> {
    try {
      // '$': a new group starts at the end of the stream; an existing one keeps its position.
      await this.#redis.xgroup('CREATE', this.#key, group, '$', 'MKSTREAM');
    } catch (cause) {
      if (cause instanceof Error && cause.message.startsWith('BUSYGROUP')) return;
      throw new EventBusUnavailableError(`cannot create consumer group ${group} on ${this.#key}`, { cause });
    }
  }

  async #closeSubscription(subscription: RedisSubscription): Promise<void> {
    if (subscription.closed) return;
    subscription.closed = true;
    subscription.signalClose();
    this.#subscriptions.delete(subscription);
    // Disconnecting interrupts a blocking XREADGROUP at once; anything unacknowledged stays pending.
    subscription.connection.disconnect();
    await subscription.loop;
  }

  /**
   * One consumer's loop:
   *   1. its own pending entries first (a consumer restarted under the same name resumes them);
   *   2. every claimIntervalMs, XAUTOCLAIM entries idle for claimIdleMs from any consumer of the group;
   *   3. otherwise XREADGROUP '>' blocking for new entries.
   */
  async #consume(s: RedisSubscription): Promise<void> {
    let ownPendingAfter: string | undefined = '0';
    let claimCursor = '0-0';
    let nextClaimAt = 0;
    while (!s.closed) {
      try {
        if (Date.now() >= nextClaimAt) {
          const reply = await untilClosed(
            s,
            s.connection.call(
              'XAUTOCLAIM',
              this.#key,
              s.group,
              s.consumer,
              this.#claimIdleMs,
              claimCursor,
              'COUNT',
              this.#batch,
            ),
          );
          const claimed = parseAutoClaim(reply);
          claimCursor = claimed.cursor;
          if (claimCursor === '0-0') nextClaimAt = Date.now() + this.#claimIntervalMs;
          await this.#handleAll(s, claimed.entries);
          continue;
        }
        if (ownPendingAfter !== undefined) {
          const entries = await this.#readGroup(s, ownPendingAfter);
          // Read past the last one so a pending entry whose handler fails again does not spin here.
          ownPendingAfter = entries.length === 0 ? undefined : entries[entries.length - 1]?.id;
          await this.#handleAll(s, entries);
          continue;
        }
        const entries = await this.#readGroup(s, '>', this.#blockMs);
        await this.#handleAll(s, entries);
      } catch (error) {
        if (s.closed) return;
        this.#onError(asError(error));
        if (asError(error).message.startsWith('NOGROUP'))
          await untilClosed(s, this.#createGroup(s.group)).catch(() => {});
        await Promise.race([delay(500), s.closing]);
      }
    }
  }

  /**
   * XREADGROUP for this consumer: from `after` ('>' = never delivered to the group, an id = this
   * consumer's own pending entries after it), blocking up to `blockMs` when given.
   */
  async #readGroup(s: RedisSubscription, after: string, blockMs?: number): Promise<StreamEntry[]> {
    const block = blockMs === undefined ? [] : ['BLOCK', blockMs];
    return parseRead(
      await untilClosed(
        s,
        s.connection.call(
          'XREADGROUP',
          'GROUP',
          s.group,
          s.consumer,
          'COUNT',
          this.#batch,
          ...block,
          'STREAMS',
          this.#key,
          after,
        ),
      ),
    );
  }

  async #handleAll(s: RedisSubscription, entries: readonly StreamEntry[]): Promise<void> {
    for (const entry of entries) {
      if (s.closed) return;
      const event = parseEvent(entry);
      if (event === undefined) {
        // Trimmed or not ours: nothing any handler could do with it, so it must not stay pending.
        this.#onError(new Error(`dropping unreadable entry ${entry.id} of stream ${this.#key}`));
        await this.#ack(s.group, entry.id);
        continue;
      }
      const handled = Promise.resolve()
        .then(() => s.handler(event))
        .then(
          () => true,
          () => false,
        );
      const outcome = await Promise.race([handled, s.closing.then(() => 'closed' as const)]);
      if (outcome === 'closed') {
        // A handler finishing after close still acknowledges; if it never finishes, the entry is claimed.
        void handled.then((ok) => (ok && !this.#closed ? this.#ack(s.group, entry.id) : undefined));
        return;
      }
      // A rejected handler leaves the entry pending; XAUTOCLAIM redelivers it after claimIdleMs.
      if (outcome) await untilClosed(s, this.#ack(s.group, entry.id));
    }
  }

  async #ack(group: string, id: string): Promise<void> {
    try {
      await this.#redis.xack(this.#key, group, id);
    } catch (error) {
      // Unacknowledged means delivered again later: at least once still holds.
      this.#onError(asError(error));
    }
  }
}

/** Creates and connects the Redis Streams bus; rejects with EventBusUnavailableError when Redis is unreachable. */
export async function createRedisStreamsEventBus(
  options: RedisStreamsEventBusOptions,
): Promise<RedisStreamsEventBus> {
  const bus = new RedisStreamsEventBus(options);
  await bus.connect();
  return bus;
}

function parseEvent(entry: StreamEntry): CloudEvent | undefined {
  const fields = entry.fields;
  if (fields === undefined) return undefined;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== EVENT_FIELD) continue;
    try {
      const event = JSON.parse(fields[i + 1] as string) as CloudEvent;
      return typeof event === 'object' && event !== null && typeof event.id === 'string' ? event : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Entries of `[[id, [field, value, …] | null], …]`. */
function parseEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries: StreamEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== 'string') continue;
    const fields = Array.isArray(item[1]) ? item[1].map(String) : undefined;
    entries.push({ id: item[0], fields });
  }
  return entries;
}

/** XREADGROUP reply: `[[key, entries]]` (RESP2), `[key, entries]` (a RESP3 map, flattened), or null on timeout. */
function parseRead(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const first: unknown = reply[0];
  if (typeof first === 'string') return parseEntries(reply[1]);
  return Array.isArray(first) ? parseEntries(first[1]) : [];
}

/** XAUTOCLAIM reply `[nextCursor, entries, deletedIds]`. */
function parseAutoClaim(reply: unknown): { cursor: string; entries: StreamEntry[] } {
  if (!Array.isArray(reply)) return { cursor: '0-0', entries: [] };
  return { cursor: typeof reply[0] === 'string' ? reply[0] : '0-0', entries: parseEntries(reply[1]) };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * `command`, or a rejection once `s` is closing. A command ioredis queued while reconnecting never
 * settles if the connection is then disconnected (closing with Redis down), and the consumer loop
 * must not wait on it: close() awaits the loop.
 */
function untilClosed<T>(s: RedisSubscription, command: Promise<T>): Promise<T> {
  return Promise.race([
    command,
    s.closing.then((): never => {
      throw new EventBusUnavailableError('the subscription is closed');
    }),
  ]);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
