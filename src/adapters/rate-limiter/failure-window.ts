/**
 * Failed-attempt arithmetic shared by every backend (the Redis script mirrors `addFailure`): a
 * subject's first failure opens a window of `windowMs`; failures inside it are counted, and once
 * they reach the policy's `maxFailures` the subject waits for the window to end. A fixed window,
 * not a sliding one: it costs one small record per subject, and a success never resets it, so a
 * guesser holding one valid key cannot clear its own count by using it.
 */
import type { FailurePolicy } from '../../ports/rate-limiter.js';

/** One subject's failures in its current window. */
export interface FailureWindow {
  failures: number;
  /** Epoch ms of the window's first failure. */
  openedAt: number;
}

/** The window after one more failure at `now`: a fresh one when none is open at `now`. */
export function addFailure(window: FailureWindow | undefined, now: number, windowMs: number): FailureWindow {
  if (window === undefined || now >= window.openedAt + windowMs) return { failures: 1, openedAt: now };
  return { failures: window.failures + 1, openedAt: window.openedAt };
}

/** The window with one failure taken back at `now`, or undefined when it has passed or counts none. */
export function removeFailure(
  window: FailureWindow | undefined,
  now: number,
  windowMs: number,
): FailureWindow | undefined {
  if (window === undefined || now >= window.openedAt + windowMs || window.failures <= 0) return undefined;
  return { failures: window.failures - 1, openedAt: window.openedAt };
}

/** Whole seconds (≥ 1) the subject of `window` must wait at `now`, or 0 when it may try now. */
export function failureWaitSeconds(
  window: FailureWindow | undefined,
  now: number,
  policy: FailurePolicy,
): number {
  if (window === undefined || window.failures < policy.maxFailures) return 0;
  const ms = window.openedAt + policy.windowMs - now;
  return ms <= 0 ? 0 : Math.max(1, Math.ceil(ms / 1000));
}
