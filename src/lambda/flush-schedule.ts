/**
 * When an invocation also writes what the sandbox buffered (usage counts, analytics rollups): at
 * most once per `intervalMs`, and on the first invocation. A frozen sandbox runs no timers, so the
 * writes ride on invocations; writing on every one put two store round trips on each answer.
 */
export class FlushSchedule {
  readonly #intervalMs: number;
  readonly #now: () => number;
  #lastAt: number | undefined;

  constructor(intervalMs: number, now: () => number = () => performance.now()) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** True when this invocation should write (and then counts it as written). */
  due(): boolean {
    const now = this.#now();
    if (this.#lastAt !== undefined && now - this.#lastAt < this.#intervalMs) return false;
    this.#lastAt = now;
    return true;
  }
}
