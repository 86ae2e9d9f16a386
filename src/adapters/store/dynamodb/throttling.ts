/** DynamoDB's answers meaning "too much at once, try again shortly" (the documented throttling errors). */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

export function isThrottling(error: unknown): boolean {
  return error instanceof Error && THROTTLING.has(error.name);
}

/**
 * A kept-alive connection the server closed just as a request went out on it (ECONNRESET, "socket
 * hang up"): the request never reached DynamoDB, so it is retried like throttling, as the SDK's own
 * retry strategy does.
 */
export function isDroppedConnection(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as Error & { code?: unknown }).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || error.message === 'socket hang up';
}

/** Retries of one request before the adapter gives up and answers "throttled". */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** First delay; doubles each retry, with full jitter. */
  baseDelayMs: number;
  /** Largest single delay. */
  maxDelayMs: number;
}

/** About 2 s of retries at most, well inside any request timeout: a throttled store never hangs a request. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 25, maxDelayMs: 800 };

/** Delay before retry number `retry` (1 = the first retry). */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
