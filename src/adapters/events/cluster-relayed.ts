import cluster from 'node:cluster';
import type {
  CloudEvent,
  EventBus,
  EventHandler,
  SubscribeOptions,
  Subscription,
} from '../../ports/events.js';
import type { Outbox } from '../../ports/outbox.js';

/** IPC messages between cluster workers, relayed by the primary to every other worker. */
export type ClusterMessage = { tp: 'events'; events: CloudEvent[] } | { tp: 'outbox-appended' };

export function isClusterMessage(message: unknown): message is ClusterMessage {
  return typeof message === 'object' && message !== null && 'tp' in message;
}

/**
 * An in-process bus shared by the workers of one `node:cluster`: events published in one worker are
 * also sent to the primary, which hands them to every other worker, where they are published on
 * that worker's own bus. Each worker's consumer groups therefore see every event, as they would on
 * a Redis bus, without Redis.
 */
export class ClusterRelayedEventBus implements EventBus {
  readonly #local: EventBus;
  readonly #onMessage: (message: unknown) => void;

  constructor(local: EventBus, onError: (error: unknown) => void = () => {}) {
    this.#local = local;
    this.#onMessage = (message) => {
      if (isClusterMessage(message) && message.tp === 'events')
        this.#local.publish(message.events).catch(onError);
    };
    process.on('message', this.#onMessage);
  }

  async publish(events: readonly CloudEvent[]): Promise<void> {
    await this.#local.publish(events);
    if (cluster.isWorker && process.send)
      process.send({ tp: 'events', events: [...events] } satisfies ClusterMessage);
  }

  subscribe(group: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription> {
    return this.#local.subscribe(group, handler, options);
  }

  health() {
    return this.#local.health();
  }

  async close(): Promise<void> {
    process.off('message', this.#onMessage);
    await this.#local.close();
  }
}

/**
 * Tells the other workers when this one appends to the shared outbox, and nudges `relay` when they
 * do: whichever worker holds the outbox lease drains at once instead of at its next poll.
 */
export function shareOutboxAppends(outbox: Pick<Outbox, 'onAppend'>, relay: { nudge(): void }): () => void {
  if (!cluster.isWorker || !process.send) return () => {};
  const send = process.send.bind(process);
  const unsubscribe = outbox.onAppend((origin) => {
    if (origin === 'this-process') send({ tp: 'outbox-appended' } satisfies ClusterMessage);
  });
  const onMessage = (message: unknown) => {
    if (isClusterMessage(message) && message.tp === 'outbox-appended') relay.nudge();
  };
  process.on('message', onMessage);
  return () => {
    unsubscribe();
    process.off('message', onMessage);
  };
}
