import type { CloudEvent } from './events.js';

/** One event written to the outbox, numbered in commit order. */
export interface OutboxRecord {
  /** Position in the outbox; increases with commit order and is never reused. */
  seq: number;
  event: CloudEvent;
}

/**
 * The relay's side of the transactional outbox. Appending is the store's job, inside the same
 * transaction as the change the events describe (see adapters/events/sqlite-outbox.ts), so this port
 * only reads and marks. Every method rejects with StoreUnavailableError when the store fails.
 */
export interface Outbox {
  /**
   * Takes (or renews) the relay lease for `owner` for `leaseMs` and returns up to `limit` unpublished
   * records in `seq` order. Returns [] when nothing is pending or another relay holds a live lease, so
   * several processes sharing one store publish through one relay at a time and keep the order.
   */
  claim(owner: string, limit: number, leaseMs: number): Promise<OutboxRecord[]>;
  /** Marks the records published; seqs already published or unknown are ignored. */
  markPublished(seqs: readonly number[]): Promise<void>;
  /** Gives up the lease if `owner` holds it, so another relay can take over at once. */
  release(owner: string): Promise<void>;
  /**
   * Calls `listener` soon after a local append, once the appending transaction has ended (it may have
   * rolled back: the listener only means "look now"). Returns the function that unregisters it.
   */
  onAppend(listener: () => void): () => void;
  /** Deletes records published before `before` (epoch ms); returns how many were deleted. */
  prunePublished(before: number): Promise<number>;
}
