import { randomUUID } from 'node:crypto';
import type { DeadLetter } from '../../ports/dead-letters.js';
import type { CloudEvent } from '../../ports/events.js';

/**
 * A row of `dead_letters` as selected by DEAD_LETTER_COLUMNS in both relational backends (SQLite,
 * PostgreSQL). `event` is as the driver returns it: PostgreSQL parses json columns, SQLite hands
 * back the text (`DeadLetterRow<string>`).
 */
export interface DeadLetterRow<Event = CloudEvent> {
  id: string;
  consumer: string;
  event: Event;
  error: string;
  attempts: number;
  parked_at: number;
}

export const DEAD_LETTER_COLUMNS = 'id, consumer, event, error, attempts, parked_at';

/** Columns of a new dead letter, in the order of `newDeadLetter(…).values`. */
export const NEW_DEAD_LETTER_COLUMNS = 'id, consumer, event_id, type, event, error, attempts, parked_at';

/** A dead letter about to be parked: the port's record, and its row's values (the event as JSON text). */
export function newDeadLetter(
  event: CloudEvent,
  consumer: string,
  error: string,
  attempts: number,
  parkedAt: number,
): { letter: DeadLetter; values: [string, string, string, string, string, string, number, number] } {
  const row: DeadLetterRow = { id: randomUUID(), consumer, event, error, attempts, parked_at: parkedAt };
  return {
    letter: toDeadLetter(row),
    values: [row.id, consumer, event.id, event.type, JSON.stringify(event), error, attempts, parkedAt],
  };
}

export function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    event: row.event,
    consumer: row.consumer,
    error: row.error,
    attempts: row.attempts,
    parkedAt: new Date(row.parked_at).toISOString(),
  };
}
