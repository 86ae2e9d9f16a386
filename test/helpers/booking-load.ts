import type { BookingClient } from './bookings.js';

/** One booking request of a load and how it ended. */
export interface BookingAttempt {
  /** Its number in the load (the body is `options.body(index)`). */
  index: number;
  /** Its idempotency key. */
  key: string;
  /** HTTP status, or 0 when no answer came (connection refused or reset, or `timeoutMs` passed). */
  status: number;
  /** The problem `type` of an error answer. */
  problemType?: string;
  contentType?: string;
  /** The booking id of a 201. */
  bookingId?: string;
  /** Why no answer came (status 0). */
  error?: string;
  /** ms since the load started, when it was sent and when it ended. */
  sentMs: number;
  endedMs: number;
}

export interface BookingLoadOptions {
  /** Requests in flight at once. */
  concurrency: number;
  /** A request unanswered this long counts as a hang (status 0). */
  timeoutMs: number;
  /** Prefix of the idempotency keys (each request its own key). */
  label: string;
  /** The booking body of request `i`. */
  body(i: number): unknown;
  /** Pause (ms) between one answer and the next request of the same loop; default 0. */
  pauseMs?: number;
  /** Stop by itself after this many requests (default: run until stopped). */
  requests?: number;
}

/**
 * A booking load that runs until stopped (or `requests` were sent): `concurrency` loops, each sending
 * one booking (a new idempotency key) after the previous answer, round robin over `clients` (an
 * array the caller may shrink, as a balancer drops a dead backend). Every attempt is kept with
 * its timing, so a run can tell what was answered during a fault and what after it healed.
 */
export class BookingLoad {
  readonly attempts: BookingAttempt[] = [];
  readonly #started = performance.now();
  readonly #loops: Promise<void>[];
  #stopping = false;
  #next = 0;

  constructor(
    readonly clients: readonly BookingClient[],
    readonly options: BookingLoadOptions,
  ) {
    this.#loops = Array.from({ length: options.concurrency }, () => this.#loop());
  }

  /** ms since the load started. */
  now(): number {
    return performance.now() - this.#started;
  }

  /** Resolves with every attempt once `requests` were all answered (or the load was stopped). */
  async done(): Promise<BookingAttempt[]> {
    await Promise.all(this.#loops);
    return this.attempts;
  }

  /** Stops sending and resolves with every attempt once those in flight ended. */
  async stop(): Promise<BookingAttempt[]> {
    this.#stopping = true;
    await Promise.all(this.#loops);
    return this.attempts;
  }

  async #loop(): Promise<void> {
    while (!this.#stopping && this.#next < (this.options.requests ?? Number.POSITIVE_INFINITY)) {
      const i = this.#next++;
      this.attempts.push(await this.#send(i));
      if (this.options.pauseMs) await new Promise((resolve) => setTimeout(resolve, this.options.pauseMs));
    }
  }

  async #send(i: number): Promise<BookingAttempt> {
    const client = this.clients[i % this.clients.length] as BookingClient;
    const key = `${this.options.label}-${i}`;
    const sentMs = this.now();
    try {
      const response = await client.book(
        this.options.body(i),
        key,
        AbortSignal.timeout(this.options.timeoutMs),
      );
      const contentType = response.headers.get('content-type') ?? undefined;
      const json = (await response.json().catch(() => ({}))) as { type?: string; data?: { id?: string } };
      return {
        index: i,
        key,
        status: response.status,
        ...(contentType ? { contentType } : {}),
        ...(json.type ? { problemType: json.type } : {}),
        ...(response.status === 201 && json.data?.id ? { bookingId: json.data.id } : {}),
        sentMs,
        endedMs: this.now(),
      };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      return {
        index: i,
        key,
        status: 0,
        error: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
        sentMs,
        endedMs: this.now(),
      };
    }
  }
}

/** Answers counted by status and problem type ("201", "503 service-unavailable", "0 TimeoutError…"). */
export function tally(attempts: readonly BookingAttempt[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const attempt of attempts) {
    const what =
      attempt.status === 0
        ? `0 ${attempt.error?.split(':')[0] ?? ''}`
        : `${attempt.status}${attempt.problemType ? ` ${attempt.problemType.split('/').pop()}` : ''}`;
    counts[what] = (counts[what] ?? 0) + 1;
  }
  return counts;
}

/** Every attempt that is not a booking, a sold-out refusal or a 503 problem+json: what a fault must never cause. */
export function unexpectedAnswers(attempts: readonly BookingAttempt[]): BookingAttempt[] {
  return attempts.filter(
    (a) =>
      !(
        a.status === 201 ||
        (a.status === 409 && a.problemType?.endsWith('/sold-out')) ||
        (a.status === 503 && a.contentType?.startsWith('application/problem+json'))
      ),
  );
}

/**
 * How long after `healedMs` the service answered bookings again: from the heal to the end of the first
 * booking sent after it that the store decided — a 201, or a 409 sold-out, which the store's
 * conditional write answers just the same once the load has taken every seat (undefined when none
 * came).
 */
export function recoveryMs(attempts: readonly BookingAttempt[], healedMs: number): number | undefined {
  const decided = (a: BookingAttempt): boolean =>
    a.status === 201 || (a.status === 409 && a.problemType?.endsWith('/sold-out') === true);
  const after = attempts.filter((a) => decided(a) && a.sentMs >= healedMs);
  if (after.length === 0) return undefined;
  return Math.min(...after.map((a) => a.endedMs)) - healedMs;
}
