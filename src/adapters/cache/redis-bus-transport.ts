/**
 * The pub/sub transport behind bentocache's bus, over two ioredis connections tuned apart:
 *
 * - the publisher fails fast while Redis is down (no offline queue), so a write or an
 *   invalidation never waits on a dead Redis; the bus keeps the message in its retry queue and
 *   sends it again every couple of seconds and on reconnect;
 * - the subscriber queues its SUBSCRIBE until Redis answers (even if Redis is down at start) and
 *   re-subscribes by itself after every reconnect.
 *
 * bentocache's own Redis bus duplicates one connection for both roles, so it cannot be tuned like
 * this: with a fail-fast connection its first SUBSCRIBE is lost when Redis is not up yet.
 */
import type { BusDriver } from 'bentocache/types';
import { Redis, type RedisOptions } from 'ioredis';

type Handler = Parameters<BusDriver['subscribe']>[1];
type Message = Parameters<BusDriver['publish']>[1];

export class RedisBusTransport implements BusDriver {
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #handlers = new Map<string, Handler[]>();
  #id = '';
  #subscribed: Promise<void> = Promise.resolve();

  /** Connects to `url` (redis:// or rediss://) with `options` for both connections. */
  constructor(url: string, options: RedisOptions) {
    this.#publisher = new Redis(url, { ...options, enableOfflineQueue: false });
    this.#subscriber = new Redis(url, {
      ...options,
      enableOfflineQueue: true,
      // Never give up on queued SUBSCRIBEs, and never time them out: nobody awaits them.
      maxRetriesPerRequest: null,
      commandTimeout: undefined,
    });
    this.#subscriber.on('message', this.#onMessage);
    // Errors are reported through health(); without a listener ioredis prints each one.
    this.#publisher.on('error', () => {});
    this.#subscriber.on('error', () => {});
  }

  /** Remembers the bus id, to skip our own messages. */
  setId(id: string): BusDriver {
    this.#id = id;
    return this;
  }

  /** Calls `callback` each time the publisher is connected again (the bus then drains its retry queue). */
  onReconnect(callback: () => void): void {
    this.#publisher.on('ready', callback);
  }

  /** Rejects at once when Redis is unreachable; the bus then queues the message for a retry. */
  async publish(channel: string, message: Message): Promise<void> {
    await this.#publisher.publish(channel, JSON.stringify({ busId: this.#id, payload: message }));
  }

  /** Resolves once subscribed, or once the transport is closed before it could be. */
  async subscribe<T extends Message>(channel: string, handler: (message: T) => void): Promise<void> {
    const handlers = this.#handlers.get(channel) ?? [];
    handlers.push(handler as Handler);
    this.#handlers.set(channel, handlers);
    // bentocache does not await this call, so a rejection would be unhandled; the only way it
    // rejects is the connection being closed, when there is nothing left to subscribe for.
    const subscribing = this.#subscriber.subscribe(channel).then(
      () => {},
      () => {},
    );
    this.#subscribed = Promise.all([this.#subscribed, subscribing]).then(() => {});
    await subscribing;
  }

  /** Resolves once every SUBSCRIBE asked so far is acknowledged by Redis (or abandoned on close). */
  whenSubscribed(): Promise<void> {
    return this.#subscribed;
  }

  /** Stops delivering the channel's messages. */
  async unsubscribe(channel: string): Promise<void> {
    this.#handlers.delete(channel);
    await this.#subscriber.unsubscribe(channel).catch(() => {});
  }

  /** Closes both connections without waiting for Redis (it may be down). */
  async disconnect(): Promise<void> {
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }

  #onMessage = (channel: string, raw: string): void => {
    const handlers = this.#handlers.get(channel);
    if (!handlers) return;
    let parsed: { busId?: unknown; payload?: unknown };
    try {
      parsed = JSON.parse(raw) as { busId?: unknown; payload?: unknown };
    } catch {
      return; // Not ours: someone else published on the channel.
    }
    if (parsed.busId === this.#id || parsed.payload === undefined) return;
    for (const handler of handlers) handler(parsed.payload as Message);
  };
}
