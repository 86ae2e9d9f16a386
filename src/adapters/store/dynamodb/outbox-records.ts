import { randomBytes } from 'node:crypto';
import type { CloudEvent } from '../../../ports/events.js';
import type { Item } from './dynamo-table.js';
import { KIND, keys, TIMESTAMP } from './keys.js';

let lastTick = 0;

/**
 * A new outbox record id: microseconds since the epoch, strictly increasing within this process, then
 * a random suffix so two processes never collide. Sort-key order is therefore append order for every
 * append of this process — which keeps the events of one transaction, and of one booking's later
 * changes, in order (ports/outbox.ts promises no more).
 */
export function nextRecordId(now = Date.now()): string {
  lastTick = Math.max(now * 1000, lastTick + 1);
  return `${String(lastTick).padStart(16, '0')}-${randomBytes(4).toString('hex')}`;
}

/** The outbox items of `events`, in order; written by the same write path as the change they describe. */
export function outboxItems(events: readonly CloudEvent[], now = Date.now()): Item[] {
  return events.map((event) => ({
    ...keys.outbox(nextRecordId(now)),
    [KIND]: 'outbox',
    [TIMESTAMP]: now,
    eventId: event.id,
    type: event.type,
    event: JSON.stringify(event),
  }));
}
