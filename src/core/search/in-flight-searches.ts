import { SharedCancellation } from './shared-cancellation.js';

/**
 * The search runs under way, by cache key, with the cancellation their waiting requests share: a
 * run is cancelled only once every request waiting for it has gone, and a request still waiting
 * never inherits another's cancellation (a cancelled run is replaced by a new one).
 */
export class InFlightSearches {
  readonly #byKey = new Map<string, SharedCancellation>();

  /**
   * Joins the run of `key` with the request's `signal`: answers the run's own signal, and `leave`,
   * called once the request is done with the run (answered or failed).
   */
  join(key: string, signal: AbortSignal | undefined): { signal: AbortSignal; leave(): void } {
    let shared = this.#byKey.get(key);
    if (!shared || shared.signal.aborted) {
      shared = new SharedCancellation();
      this.#byKey.set(key, shared);
    }
    const run = shared;
    const leave = run.join(signal);
    return {
      signal: run.signal,
      leave: () => {
        leave();
        if (run.idle && this.#byKey.get(key) === run) this.#byKey.delete(key);
      },
    };
  }
}
