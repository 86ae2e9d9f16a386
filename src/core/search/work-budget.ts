import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '../../ports/clock.js';

/** How much work one search may do, whatever its input. */
export interface WorkLimits {
  /** Wall time from the start of the search, ms; past it the search ends with what it has. */
  timeMs: number;
  /** Steps (route-graph nodes visited, connections tried, offers built) one search may take. */
  maxSteps: number;
}

/** Defaults for a search built without limits: generous for any real query, finite for every input. */
export const DEFAULT_WORK_LIMITS: WorkLimits = { timeMs: 8_000, maxSteps: 2_000_000 };

/**
 * The work budget of one search under a request timeout: its deadline leaves a fifth of the timeout
 * to price, sign and send what it found, so a search at its budget still answers within the timeout.
 */
export function searchWorkLimits(requestTimeoutMs: number): WorkLimits {
  return { ...DEFAULT_WORK_LIMITS, timeMs: Math.floor(requestTimeoutMs * 0.8) };
}

/** Longest stretch of work between two yields to the event loop, ms. */
const SLICE_MS = 10;
/** Steps between two looks at the clock. */
const STEPS_PER_CLOCK_READ = 512;

/** The client that asked for a search went away (or every client waiting for it did). */
export class SearchCancelledError extends Error {
  constructor() {
    super('the search was cancelled: no client is waiting for it any more');
    this.name = 'SearchCancelledError';
  }
}

/** Why a search stopped early; its offers are then the best found so far. */
export type BudgetExhaustion = 'deadline' | 'steps';

/**
 * The work budget of one search: a step count and a deadline, checked inside its loops, and the
 * cancellation signal of the client(s) waiting for it. Loops call `spend` per unit of work and stop
 * when it answers false; between chunks of work they await `checkpoint`, which yields to the event
 * loop so other requests are served, and throws `SearchCancelledError` once nobody waits.
 */
export class WorkBudget {
  readonly #clock: Clock;
  readonly #deadline: number;
  readonly #signal: AbortSignal | undefined;
  #stepsLeft: number;
  #untilClockRead = STEPS_PER_CLOCK_READ;
  #sliceStart: number;
  #exhausted: BudgetExhaustion | undefined;

  constructor(limits: WorkLimits, clock: Clock, signal?: AbortSignal) {
    this.#clock = clock;
    this.#signal = signal;
    this.#sliceStart = clock.now();
    this.#deadline = this.#sliceStart + limits.timeMs;
    this.#stepsLeft = limits.maxSteps;
  }

  /** Why the search stopped early, or undefined while within budget. */
  get exhausted(): BudgetExhaustion | undefined {
    return this.#exhausted;
  }

  /** Steps still granted (0 once exhausted). */
  get stepsLeft(): number {
    return this.#exhausted ? 0 : Math.max(0, this.#stepsLeft);
  }

  /** Counts `steps` units of work; false once the budget is spent (the caller stops, keeping what it has). */
  spend(steps = 1): boolean {
    if (this.#exhausted) return false;
    this.#stepsLeft -= steps;
    if (this.#stepsLeft < 0) {
      this.#exhausted = 'steps';
      return false;
    }
    this.#untilClockRead -= steps;
    if (this.#untilClockRead <= 0) {
      this.#untilClockRead = STEPS_PER_CLOCK_READ;
      if (this.#clock.now() >= this.#deadline) this.#exhausted = 'deadline';
    }
    return this.#exhausted === undefined;
  }

  /**
   * Between chunks of work: throws `SearchCancelledError` when nobody waits for the search any more;
   * yields to the event loop when the current slice of work has run long; answers false once the
   * budget is spent.
   */
  async checkpoint(): Promise<boolean> {
    this.throwIfCancelled();
    const now = this.#clock.now();
    if (now - this.#sliceStart >= SLICE_MS) {
      await nextTurn();
      this.throwIfCancelled();
      this.#sliceStart = this.#clock.now();
    }
    if (!this.#exhausted && this.#clock.now() >= this.#deadline) this.#exhausted = 'deadline';
    return this.#exhausted === undefined;
  }

  /** Throws `SearchCancelledError` when nobody waits for the search any more. */
  throwIfCancelled(): void {
    if (this.#signal?.aborted) throw new SearchCancelledError();
  }
}
