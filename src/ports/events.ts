/** Event types the platform emits (docs/ARCHITECTURE.md, "Events"). */
export type EventType =
  | 'search.performed'
  | 'offer.priced'
  | 'booking.created'
  | 'booking.cancelled'
  | 'price.updated'
  | 'availability.changed'
  | 'schedule.changed'
  | 'budget.threshold-crossed';

/** A CloudEvents 1.0 shaped event. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  /** Unique id; consumers deduplicate by it. */
  id: string;
  type: EventType;
  /** URI-reference of the producer, e.g. "/travel-platform/api". */
  source: string;
  /**
   * The aggregate the event is about (the booking id of `booking.*` events); the outbox keeps the
   * order of events with the same subject. Absent on inventory notifications, whose order is moot.
   */
  subject?: string;
  /** ISO 8601 UTC time of the occurrence. */
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

/** Handles one delivered event. Resolving acknowledges it; rejecting leaves it to be delivered again. */
export type EventHandler = (event: CloudEvent) => Promise<void>;

/** Options of one subscription. */
export interface SubscribeOptions {
  /**
   * Name of this consumer inside its group; a consumer that comes back under the same name first
   * resumes the events it had received but not acknowledged. Defaults to a name unique to the process.
   */
  consumer?: string;
}

/** A live subscription; events stop arriving once `close` resolves. */
export interface Subscription {
  /** The consumer name used inside the group. */
  readonly consumer: string;
  /**
   * Stops receiving. Does not wait for a handler still running: its event stays unacknowledged and is
   * delivered again to another consumer of the group (at least once). Never rejects.
   */
  close(): Promise<void>;
}

/** Result of a health probe. */
export interface EventBusHealth {
  ok: boolean;
  /** Why the bus is not ok (e.g. the Redis error), absent when ok. */
  detail?: string;
}

/**
 * Publish/subscribe of CloudEvents with consumer groups (docs/ARCHITECTURE.md, "Events").
 *
 * Contract (every backend passes test/contract/event-bus.contract.ts):
 * - every consumer group receives every event published after the group first subscribed, even
 *   while none of its consumers is connected (until `close` of the bus for the in-process one);
 * - within a group, each event goes to one consumer and is delivered at least once: an event whose
 *   handler rejected or whose consumer closed before its handler resolved is delivered again;
 * - a group with a single consumer whose handler succeeds sees events in publish order.
 * Consumers must therefore be idempotent by event id (see core/events/idempotent-consumer.ts).
 */
export interface EventBus {
  /** Publishes `events` in order; resolves once they are durable in the bus, rejects with EventBusUnavailableError otherwise. */
  publish(events: readonly CloudEvent[]): Promise<void>;
  /** Joins `group` (creating it at the current end of the stream when new); rejects with EventBusUnavailableError if the bus is unreachable. */
  subscribe(group: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  /** Probes the backend; never rejects. */
  health(): Promise<EventBusHealth>;
  /** Closes every subscription and connection; publishing afterwards rejects. Never rejects. */
  close(): Promise<void>;
}

/** The event bus backend could not be reached or failed; carries the driver error as `cause`. */
export class EventBusUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventBusUnavailableError';
  }
}
