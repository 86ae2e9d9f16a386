import type { CloudEvent } from './events.js';

/** An event a consumer gave up on after its retries. */
export interface DeadLetter {
  /** Id of this dead letter (not the event's id). */
  id: string;
  event: CloudEvent;
  /** The consumer that failed it. */
  consumer: string;
  /** Message of the last error. */
  error: string;
  /** Attempts made before parking. */
  attempts: number;
  /** ISO 8601 UTC time it was parked. */
  parkedAt: string;
}

/** Filter of `DeadLetterStore.list`. */
export interface DeadLetterQuery {
  consumer?: string;
  /** At most this many, oldest first; default 100. */
  limit?: number;
}

/**
 * Where failing events wait for an operator (`travel-platform dlq list|replay`).
 * Every method rejects with StoreUnavailableError when the store fails.
 */
export interface DeadLetterStore {
  /** Records that `consumer` gave up on `event`; returns the stored dead letter. */
  park(event: CloudEvent, consumer: string, error: string, attempts: number): Promise<DeadLetter>;
  /** Parked events, oldest first; [] when there are none. */
  list(query?: DeadLetterQuery): Promise<DeadLetter[]>;
  /** The dead letter with `id`, or undefined. */
  get(id: string): Promise<DeadLetter | undefined>;
  /**
   * Moves the given dead letters (all when `ids` is omitted) back to the outbox in one transaction, so
   * the relay delivers them again; consumers that already processed the event skip it by id. Returns
   * the dead letters moved; unknown ids are ignored.
   */
  requeue(ids?: readonly string[]): Promise<DeadLetter[]>;
  /** Deletes a dead letter without replaying it; false when `id` is unknown. */
  remove(id: string): Promise<boolean>;
}
