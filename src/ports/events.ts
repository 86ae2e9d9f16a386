/** Event types the platform emits (DESIGN.md §4). */
export type EventType =
  | 'search.performed'
  | 'offer.priced'
  | 'booking.created'
  | 'booking.cancelled'
  | 'price.updated'
  | 'availability.changed';

/** A CloudEvents 1.0 shaped event. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  /** Unique id; consumers deduplicate by it. */
  id: string;
  type: EventType;
  /** URI-reference of the producer, e.g. "/travel-platform/api". */
  source: string;
  /** ISO 8601 UTC time of the occurrence. */
  time: string;
  datacontenttype: 'application/json';
  data: T;
}
