import { randomUUID } from 'node:crypto';
import {
  type CloudEvent,
  type EventBus,
  type EventBusHealth,
  EventBusUnavailableError,
  type EventHandler,
  type SubscribeOptions,
  type Subscription,
} from '../../ports/events.js';

/** Tuning of the in-process bus; every field has a default. */
export interface InProcessEventBusOptions {
  /** Delay (ms) before an event whose handler rejected is delivered again; default 1000. */
  redeliveryDelayMs?: number;
  /** Events a group keeps while none of its consumers takes them; beyond it the oldest are dropped. Default 100000. */
  maxQueuedPerGroup?: number;
  /** Told about dropped events; default ignores them. */
  onError?: (error: Error) => void;
}

interface Consumer {
  name: string;
  handler: EventHandler;
  inFlight: CloudEvent | undefined;
  closed: boolean;
}

interface Group {
  queue: CloudEvent[];
  consumers: Consumer[];
  /** Rotates which idle consumer gets the next event. */
  next: number;
  /** When the current run of back-to-back deliveries started (performance.now()). */
  sliceStartedAt: number;
}

/**
 * Longest run of back-to-back deliveries to one group before the bus lets the event loop serve
 * other work. A handler that settles at once (an SQLite mark) lets the next delivery start in the
 * same task, so a flush of a few thousand analytics events held the loop for tens of ms.
 */
const SLICE_MS = 2;

/**
 * The embedded default: consumer groups inside one process. Delivery is asynchronous (never inside
 * `publish`) and sequential per consumer, so a group with one consumer sees publish order. Nothing
 * survives the process: durability across a crash comes from the outbox, which keeps an event until
 * it was handed to the bus.
 */
export class InProcessEventBus implements EventBus {
  readonly #groups = new Map<string, Group>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #redeliveryDelayMs: number;
  readonly #maxQueued: number;
  readonly #onError: (error: Error) => void;
  #closed = false;

  constructor(options: InProcessEventBusOptions = {}) {
    this.#redeliveryDelayMs = options.redeliveryDelayMs ?? 1000;
    this.#maxQueued = options.maxQueuedPerGroup ?? 100_000;
    this.#onError = options.onError ?? (() => {});
  }

  async publish(events: readonly CloudEvent[]): Promise<void> {
    if (this.#closed) throw new EventBusUnavailableError('the in-process event bus is closed');
    for (const group of this.#groups.values()) {
      // A copy per group, as a serialising bus would hand over: one handler cannot change another's event.
      for (const event of events) this.#enqueue(group, structuredClone(event));
    }
    for (const group of this.#groups.values()) this.#dispatchSoon(group);
  }

  async subscribe(
    groupName: string,
    handler: EventHandler,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    if (this.#closed) throw new EventBusUnavailableError('the in-process event bus is closed');
    let group = this.#groups.get(groupName);
    if (group === undefined) {
      group = { queue: [], consumers: [], next: 0, sliceStartedAt: 0 };
      this.#groups.set(groupName, group);
    }
    const consumer: Consumer = {
      name: options.consumer ?? `in-process-${randomUUID()}`,
      handler,
      inFlight: undefined,
      closed: false,
    };
    group.consumers.push(consumer);
    this.#dispatchSoon(group);
    const owner = group;
    return {
      consumer: consumer.name,
      close: async () => this.#closeConsumer(owner, consumer),
    };
  }

  async health(): Promise<EventBusHealth> {
    return this.#closed ? { ok: false, detail: 'the in-process event bus is closed' } : { ok: true };
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const group of this.#groups.values()) {
      for (const consumer of group.consumers) consumer.closed = true;
    }
    this.#groups.clear();
  }

  #enqueue(group: Group, event: CloudEvent, front = false): void {
    if (front) group.queue.unshift(event);
    else group.queue.push(event);
    if (group.queue.length > this.#maxQueued) {
      const dropped = group.queue.shift();
      this.#onError(new Error(`in-process event bus dropped event ${dropped?.id}: group queue is full`));
    }
  }

  #closeConsumer(group: Group, consumer: Consumer): void {
    if (consumer.closed) return;
    consumer.closed = true;
    group.consumers = group.consumers.filter((c) => c !== consumer);
    // Like an unacknowledged Redis entry, the event it was handling goes to another consumer.
    if (consumer.inFlight !== undefined) {
      this.#enqueue(group, consumer.inFlight, true);
      consumer.inFlight = undefined;
      this.#dispatchSoon(group);
    }
  }

  #dispatchSoon(group: Group): void {
    setImmediate(() => {
      group.sliceStartedAt = performance.now();
      this.#dispatch(group);
    });
  }

  #dispatch(group: Group): void {
    if (this.#closed) return;
    const count = group.consumers.length;
    for (let i = 0; i < count && group.queue.length > 0; i++) {
      const consumer = group.consumers[(group.next + i) % count];
      if (consumer === undefined || consumer.inFlight !== undefined) continue;
      group.next = (group.next + i + 1) % count;
      const event = group.queue.shift() as CloudEvent;
      this.#deliver(group, consumer, event);
    }
  }

  #deliver(group: Group, consumer: Consumer, event: CloudEvent): void {
    consumer.inFlight = event;
    const settle = (failed: boolean): void => {
      // A consumer closed meanwhile already handed the event back to its group.
      if (consumer.closed || consumer.inFlight !== event) return;
      consumer.inFlight = undefined;
      if (failed) this.#redeliverLater(group, event);
      if (performance.now() - group.sliceStartedAt < SLICE_MS) this.#dispatch(group);
      else this.#dispatchSoon(group);
    };
    Promise.resolve()
      .then(() => consumer.handler(event))
      .then(
        () => settle(false),
        () => settle(true),
      );
  }

  #redeliverLater(group: Group, event: CloudEvent): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#enqueue(group, event, true);
      this.#dispatch(group);
    }, this.#redeliveryDelayMs);
    this.#timers.add(timer);
  }
}
