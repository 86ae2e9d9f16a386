/** Exponential backoff of a retried attempt. */
export interface BackoffPolicy {
  /** Delay (ms) before the first retry. */
  baseMs: number;
  /** Upper bound (ms) of any delay. */
  maxMs: number;
}

/**
 * Delay before retrying after failed attempt `attempt` (1-based): base·2^(attempt−1), capped, with
 * "equal jitter" (half fixed, half random) so consumers failing together do not retry in lockstep
 * yet each still waits at least half the nominal delay. `random` returns [0, 1).
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}
