import { createHash } from 'node:crypto';
import type { CloudEvent, EventType } from '../../ports/events.js';
import type { WebhookEventType } from '../../ports/webhooks.js';
import type { AffectedBooking, BookingEventData, ScheduleChangedData } from '../events/inventory-events.js';

/** One booking an event is about, and what the webhook of its owner says. */
export interface WebhookTarget {
  type: WebhookEventType;
  apiKeyId: string;
  bookingId: string;
  /** Id of the webhook's CloudEvent: the platform event's, or derived from it per booking. */
  eventId: string;
  /** What the event adds to the booking's state (the schedule change). */
  change?: AffectedBooking;
}

const BOOKING_EVENTS: Partial<Record<EventType, WebhookEventType>> = {
  'booking.created': 'booking.created',
  'booking.cancelled': 'booking.cancelled',
};

/** The webhooks a platform event leads to; [] for events clients are not told about. */
export function webhookTargets(event: CloudEvent): WebhookTarget[] {
  const bookingType = BOOKING_EVENTS[event.type];
  if (bookingType !== undefined) {
    const data = event.data as Partial<BookingEventData> | null;
    if (typeof data?.bookingId !== 'string' || typeof data.apiKeyId !== 'string') return [];
    return [{ type: bookingType, apiKeyId: data.apiKeyId, bookingId: data.bookingId, eventId: event.id }];
  }
  if (event.type === 'schedule.changed') {
    const affected = (event.data as Partial<ScheduleChangedData> | null)?.affectedBookings;
    if (!Array.isArray(affected)) return [];
    return affected.map((change) => ({
      type: 'booking.schedule_changed' as const,
      apiKeyId: change.apiKeyId,
      bookingId: change.bookingId,
      // One event per booking is the producer's rule; should one name several, each still gets its own id.
      eventId: affected.length === 1 ? event.id : derivedId(event.id, change.bookingId),
      change,
    }));
  }
  return [];
}

/** The body of a webhook: a CloudEvent of the webhook type, serialised once so every retry signs the same bytes. */
export function webhookBody(
  target: Pick<WebhookTarget, 'type' | 'eventId'> & { subject?: string },
  source: string,
  time: string,
  data: Record<string, unknown>,
): string {
  return JSON.stringify({
    specversion: '1.0',
    id: target.eventId,
    type: target.type,
    source,
    ...(target.subject === undefined ? {} : { subject: target.subject }),
    time,
    datacontenttype: 'application/json',
    data,
  });
}

/** The delivery id (`webhook-id`) of an event to an endpoint: the same on every enqueue, so enqueuing twice is one delivery. */
export function deliveryId(endpointId: string, eventId: string): string {
  return `msg_${derivedId(endpointId, eventId)}`;
}

function derivedId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url').slice(0, 32);
}
