/** Exponential backoff of a retried attempt. */
export interface BackoffPolicy {
  /** Delay (ms) before the first retry. */
  baseMs: number;
  /** Upper bound (ms) of any delay. */
  maxMs: number;
  /**
   * How much of the delay is random: `equal` (the default) waits at least half the nominal delay,
   * `full` anywhere from 0 to it (for calls made while someone waits, where a short first retry
   * matters more than spreading the load).
   */
  jitter?: 'equal' | 'full';
}

/**
 * Delay before retrying after failed attempt `attempt` (1-based): base·2^(attempt−1), capped, with
 * jitter so callers failing together do not retry in lockstep. With "equal jitter" (half fixed,
 * half random) each still waits at least half the nominal delay. `random` returns [0, 1).
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const nominal = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  if (policy.jitter === 'full') return Math.round(random() * nominal);
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

/** Resolves after `ms`, or as soon as `signal` aborts (never rejects: the caller checks the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
