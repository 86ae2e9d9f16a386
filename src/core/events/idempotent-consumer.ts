import { backoffDelay } from '../../kernel/backoff.js';
import type { DeadLetter, DeadLetterStore } from '../../ports/dead-letters.js';
import type { CloudEvent, EventHandler } from '../../ports/events.js';
import type { ProcessedEvents } from '../../ports/processed-events.js';

/** What a consumer does and the stores and policy that make it safe to redeliver to. */
export interface IdempotentConsumerOptions {
  /** Stable name of the consumer: the key of its processed marks and dead letters. */
  name: string;
  /** The work; rejecting means "try again". */
  handle: (event: CloudEvent) => Promise<void>;
  /**
   * The work is harmless to repeat (dropping cache entries): run it without first reading the marks,
   * which would put a store round trip between every event's arrival and its effect; a duplicate
   * then repeats the work instead of being skipped. Marks are still written.
   */
  repeatable?: boolean;
  processed: ProcessedEvents;
  /**
   * Where events that failed `maxAttempts` times are parked. Without it the handler rejects instead,
   * for a transport with a dead-letter queue of its own (SQS in front of a Lambda consumer).
   */
  deadLetters?: DeadLetterStore;
  /** Attempts before parking (≥ 1). Keep the total backoff below the bus's claim idle time. */
  maxAttempts: number;
  /** Delay (ms) before the first retry; doubles each attempt, with jitter. */
  retryBaseMs: number;
  /** Cap (ms) of one retry delay; default 30000. */
  retryMaxMs?: number;
  /** Waits between attempts; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** [0, 1) source of the jitter. */
  random?: () => number;
  /** Told about each failed attempt that will be retried. */
  onRetry?: (event: CloudEvent, attempt: number, error: Error, delayMs: number) => void;
  /** Told when an event is parked. */
  onParked?: (letter: DeadLetter) => void;
}

/**
 * Wraps `handle` into a bus handler that is idempotent by event id and never blocks its group on a
 * poison event:
 *
 *   delivered ─▶ processed? ─yes─▶ ack (skip)
 *                  │no
 *                  ▼
 *               handle ─ok─▶ mark processed ─▶ ack
 *                  │fails
 *                  ▼
 *               attempt < max ? ─yes─▶ sleep(backoff) ─▶ handle …
 *                  │no
 *                  ▼
 *               park in dead letters ─▶ ack      (dlq replay puts it back on the bus)
 *
 * The mark follows the work, so a crash between them re-runs the work once: handlers must tolerate
 * that (cache invalidation does), or mark in their own transaction (SqliteProcessedEvents.markSync).
 * If reading the marks or parking fails, the returned handler rejects and the bus redelivers later.
 */
export function idempotentConsumer(options: IdempotentConsumerOptions): EventHandler {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const policy = { baseMs: options.retryBaseMs, maxMs: options.retryMaxMs ?? 30_000 };
  // The same id delivered again while it is still running here waits for that run instead of repeating it.
  const running = new Map<string, Promise<void>>();

  async function process(event: CloudEvent): Promise<void> {
    if (!options.repeatable && (await options.processed.has(options.name, event.id))) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await options.handle(event);
      } catch (cause) {
        const error = cause instanceof Error ? cause : new Error(String(cause));
        if (attempt >= options.maxAttempts) {
          if (options.deadLetters === undefined) throw error;
          const letter = await options.deadLetters.park(event, options.name, error.message, attempt);
          options.onParked?.(letter);
          return;
        }
        const delayMs = backoffDelay(attempt, policy, options.random);
        options.onRetry?.(event, attempt, error, delayMs);
        await sleep(delayMs);
        continue;
      }
      await options.processed.mark(options.name, event.id);
      return;
    }
  }

  return async (event) => {
    const current = running.get(event.id);
    if (current !== undefined) return current;
    const run = process(event).finally(() => running.delete(event.id));
    running.set(event.id, run);
    return run;
  };
}
