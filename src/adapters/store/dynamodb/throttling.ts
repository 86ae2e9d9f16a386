import type { BackoffPolicy } from '../../../kernel/backoff.js';

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

/** Retries of one request before the adapter gives up and answers "throttled": backoff with equal jitter. */
export interface RetryPolicy extends BackoffPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
}

/** About 2 s of retries at most, well inside any request timeout: a throttled store never hangs a request. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseMs: 25, maxMs: 800 };
