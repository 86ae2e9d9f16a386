import type { BookingStore } from '../../ports/bookings.js';
import type { Clock } from '../../ports/clock.js';
import type { CloudEvent, EventBus } from '../../ports/events.js';
import { StoreUnavailableError } from '../../ports/store.js';
import type {
  WebhookDeliveryRecord,
  WebhookDeliveryStore,
  WebhookEndpointRecord,
  WebhookEndpointStore,
} from '../../ports/webhooks.js';
import { bookingSummary } from '../bookings/booking-summary.js';
import { deliveryId, webhookBody, webhookTargets } from './webhook-payloads.js';

export interface WebhookIntakeOptions {
  endpoints: WebhookEndpointStore;
  deliveries: WebhookDeliveryStore;
  bookings: BookingStore;
  clock: Clock;
  /** CloudEvents `source` of the webhooks. */
  source: string;
  /** Told after new deliveries were stored (wakes the dispatcher of this process). */
  onEnqueued?: () => void;
  /** Told about an event skipped because turning it into deliveries failed for a reason other than the store. */
  onSkipped?: (event: CloudEvent, error: unknown) => void;
}

/**
 * Turns platform events into stored deliveries, one per subscribed endpoint of the API key that owns
 * the booking. It runs on the relay's path out of the outbox (`withWebhookIntake`), so deliveries are
 * stored before the outbox rows are marked published:
 *
 *   relay: claim outbox rows ─▶ intake: enqueue deliveries (committed) ─▶ bus.publish ─▶ markPublished
 *                                  ✗ crash anywhere before markPublished: the rows are claimed again
 *                                    and enqueued again, which stores nothing new (delivery ids are
 *                                    derived from endpoint and event), so nothing is lost or doubled.
 *
 * The booking is read at intake, so the body carries its state as of that event.
 */
export class WebhookIntake {
  readonly #options: WebhookIntakeOptions;
  #sequence = 0;

  constructor(options: WebhookIntakeOptions) {
    this.#options = options;
  }

  /** Stores the deliveries `events` lead to; returns how many were new. Rejects with the store's error. */
  async accept(events: readonly CloudEvent[]): Promise<number> {
    const { deliveries } = this.#options;
    const endpointsOfKey = new Map<string, Promise<WebhookEndpointRecord[]>>();
    const batch: WebhookDeliveryRecord[] = [];
    for (const event of events) {
      try {
        batch.push(...(await this.#deliveriesOf(event, endpointsOfKey)));
      } catch (error) {
        // The store being down fails the batch, so the relay keeps the rows and tries again. Anything
        // else would fail the same way every time and stall the relay for every consumer: skip it.
        if (error instanceof StoreUnavailableError) throw error;
        this.#options.onSkipped?.(event, error);
      }
    }
    const added = await deliveries.enqueue(batch);
    if (added > 0) this.#options.onEnqueued?.();
    return added;
  }

  async #deliveriesOf(
    event: CloudEvent,
    endpointsOfKey: Map<string, Promise<WebhookEndpointRecord[]>>,
  ): Promise<WebhookDeliveryRecord[]> {
    const { endpoints, bookings, clock, source } = this.#options;
    const batch: WebhookDeliveryRecord[] = [];
    for (const target of webhookTargets(event)) {
      let listed = endpointsOfKey.get(target.apiKeyId);
      if (listed === undefined) {
        listed = endpoints.list(target.apiKeyId);
        endpointsOfKey.set(target.apiKeyId, listed);
      }
      const subscribed = (await listed).filter((e) => e.enabled && e.eventTypes.includes(target.type));
      if (subscribed.length === 0) continue;
      const booking = await bookings.get(target.bookingId);
      // The owner check is the event's own apiKeyId against the stored booking's: a mismatch means a
      // malformed event, and no other key's endpoint may ever see the booking.
      if (booking === undefined || booking.owner.apiKeyId !== target.apiKeyId) continue;
      const data = {
        // Passengers and contact stay out: no personal data leaves in events; the client reads them
        // with `GET /v1/bookings/{id}`.
        booking: bookingSummary(booking),
        ...(target.change === undefined ? {} : { change: target.change }),
      };
      const payload = webhookBody({ ...target, subject: booking.id }, source, event.time, data);
      const now = clock.now();
      for (const endpoint of subscribed)
        batch.push({
          id: deliveryId(endpoint.id, target.eventId),
          endpointId: endpoint.id,
          apiKeyId: endpoint.apiKeyId,
          eventType: target.type,
          eventId: target.eventId,
          orderKey: booking.id,
          sequence: this.#nextSequence(now),
          payload,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: now,
          createdAt: now,
        });
    }
    return batch;
  }

  /** Sorts by time, then by order of intake within this process (a booking's events pass one relay in order). */
  #nextSequence(now: number): string {
    this.#sequence = (this.#sequence + 1) % 1e9;
    return `${String(now).padStart(15, '0')}.${String(this.#sequence).padStart(9, '0')}`;
  }
}

/**
 * `bus` with the intake on its publishing path: the relay's events are enqueued as deliveries
 * before they are published (see WebhookIntake). A failed intake fails the publish, so the relay
 * keeps the rows and tries again.
 */
export function withWebhookIntake(bus: EventBus, intake: WebhookIntake): EventBus {
  return {
    async publish(events) {
      await intake.accept(events);
      await bus.publish(events);
    },
    subscribe: (group, handler, options) => bus.subscribe(group, handler, options),
    health: () => bus.health(),
    close: () => bus.close(),
  };
}
