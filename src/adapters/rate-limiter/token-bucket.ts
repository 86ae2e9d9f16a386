/**
 * Token-bucket arithmetic shared by every backend (the Redis script mirrors `refill`): a bucket
 * holds up to `burstLimit` tokens, gains `rateLimit` tokens per second, and each request takes
 * one. A new bucket starts full, so an idle key may send `burstLimit` requests at once.
 */

/** A bucket's level at a point in time. */
export interface BucketState {
  /** Tokens held (fractional: refills accrue continuously). */
  tokens: number;
  /** Epoch ms of `tokens`. */
  updatedAt: number;
}

/** The level of `state` at `now`, capped at `burstLimit`; time never runs backwards. */
export function refill(
  state: BucketState | undefined,
  now: number,
  rateLimit: number,
  burstLimit: number,
): BucketState {
  if (state === undefined) return { tokens: burstLimit, updatedAt: now };
  // A caller whose clock lags the last writer's (another process) gets no refill rather than a
  // negative one, and does not move the bucket's time back.
  const elapsed = Math.max(0, now - state.updatedAt);
  return {
    tokens: Math.min(burstLimit, state.tokens + (elapsed * rateLimit) / 1000),
    updatedAt: Math.max(now, state.updatedAt),
  };
}

/** Milliseconds until a bucket at `tokens` holds one whole token. */
export function msUntilToken(tokens: number, rateLimit: number): number {
  return tokens >= 1 ? 0 : ((1 - tokens) * 1000) / rateLimit;
}

/** Milliseconds until a bucket at `tokens` is full again. */
export function msUntilFull(tokens: number, rateLimit: number, burstLimit: number): number {
  return (Math.max(0, burstLimit - tokens) * 1000) / rateLimit;
}
