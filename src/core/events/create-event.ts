import { type Clock, systemClock } from '../../ports/clock.js';
import type { CloudEvent, EventType } from '../../ports/events.js';
import { uuidV7 } from './uuid-v7.js';

/** Where events come from and how their time is read. */
export interface EventOrigin {
  /** URI-reference of the producer, e.g. "/travel-platform/api". */
  source: string;
  clock?: Clock;
}

/** A new CloudEvent of `type` carrying `data`, with a fresh UUID v7 id and the current time. */
export function createEvent<T>(type: EventType, data: T, origin: EventOrigin): CloudEvent<T> {
  const now = (origin.clock ?? systemClock).now();
  return {
    specversion: '1.0',
    id: uuidV7(now),
    type,
    source: origin.source,
    time: new Date(now).toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** `createEvent` bound to one origin, for a component that emits many events. */
export function eventFactory(origin: EventOrigin): <T>(type: EventType, data: T) => CloudEvent<T> {
  return (type, data) => createEvent(type, data, origin);
}
