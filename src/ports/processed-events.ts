/**
 * How long a mark is kept at least: redelivery never comes later (SQS and stream retries end within a
 * day), so pruning and a store's own expiry may forget marks older than this.
 */
export const PROCESSED_EVENT_RETENTION_MS = 7 * 86_400_000;

/**
 * Which events each consumer has already handled, so a redelivered event is skipped.
 * Every method rejects with StoreUnavailableError when the store fails.
 */
export interface ProcessedEvents {
  /** True when `consumer` has marked `eventId`; false otherwise. */
  has(consumer: string, eventId: string): Promise<boolean>;
  /** Records that `consumer` handled `eventId`; marking twice is a no-op. */
  mark(consumer: string, eventId: string): Promise<void>;
  /** Forgets marks older than `before` (epoch ms); returns how many were deleted. */
  prune(before: number): Promise<number>;
}
