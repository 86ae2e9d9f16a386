import type { CloudEvent } from './events.js';

/** Which process appended: only appends of this process are worth relaying to the others. */
export type AppendOrigin = 'this-process' | 'another-process';

/**
 * How long a published record is kept at least (for looking into what was relayed); pruning and a
 * store's own expiry may forget it after that.
 */
export const PUBLISHED_OUTBOX_RETENTION_MS = 24 * 3_600_000;

/** One event waiting in (or published from) the outbox. */
export interface OutboxRecord {
  /**
   * The record's id in the outbox: opaque, unique, never reused, and not comparable — a backend may
   * use a sequence number, a UUID or a sort key. Not the event's id: a replayed event gets a new record.
   */
  id: string;
  event: CloudEvent;
}

/**
 * The relay's side of the transactional outbox. Appending is each backend's own job, inside the same
 * transaction as the change the events describe (a booking, an inventory update, a dead-letter
 * replay), so this port only reads and marks. Every method rejects with StoreUnavailableError when the
 * store fails.
 *
 * Order is per aggregate, not global: a backend without one serialising writer (PostgreSQL with
 * concurrent transactions, DynamoDB) cannot promise that ids or timestamps follow commit order.
 * - The aggregate of an event is its CloudEvents `subject` (the booking id of `booking.*` events).
 *   Writes to one aggregate are serialised by the store's conditional writes, so "commit order" is
 *   well defined for them: `claim` returns records with the same subject in the order they committed.
 * - Events appended by one transaction are returned in the order they were appended.
 * - Nothing else is ordered: events without a subject (`price.updated`, `availability.changed` say
 *   only "re-read this inventory") and events of different subjects may come in any order.
 * - A record committed late is never skipped: `claim` returns every committed, unpublished record
 *   eventually, whatever was published before it (no high-water mark).
 */
export interface Outbox {
  /**
   * Takes (or renews) the relay lease for `owner` for `leaseMs` and returns up to `limit` unpublished
   * records in the order above. Returns [] when nothing is pending or another relay holds a live
   * lease, so several processes sharing one store publish through one relay at a time.
   */
  claim(owner: string, limit: number, leaseMs: number): Promise<OutboxRecord[]>;
  /** Marks the records published; ids already published or unknown are ignored. */
  markPublished(ids: readonly string[]): Promise<void>;
  /** Gives up the lease if `owner` holds it, so another relay can take over at once. */
  release(owner: string): Promise<void>;
  /**
   * Calls `listener` with 'this-process' soon after an append by this process, once the appending
   * transaction has ended (it may have rolled back: the listener only means "look now"). A backend
   * whose store tells every process of commits (PostgreSQL LISTEN/NOTIFY) also calls it with
   * 'another-process' for appends committed elsewhere; on the others they are found by polling
   * `claim`, or by what the caller relays between processes. Returns the function that unregisters
   * the listener.
   */
  onAppend(listener: (origin: AppendOrigin) => void): () => void;
  /** Deletes records published before `before` (epoch ms); returns how many were deleted. */
  prunePublished(before: number): Promise<number>;
}
