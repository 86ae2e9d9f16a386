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
