import type { AppendOrigin } from '../../ports/outbox.js';

/**
 * Tells the local relay to look now, once the writes that appended have ended: the `onAppend` of
 * this process's appends, for backends whose store does not call back by itself. Several appends in
 * one tick make one call.
 */
export class AppendSignal {
  readonly #listeners = new Set<(origin: AppendOrigin) => void>();
  #scheduled = false;

  listen(listener: (origin: AppendOrigin) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  appended(): void {
    if (this.#scheduled || this.#listeners.size === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      for (const listener of this.#listeners) listener('this-process');
    });
  }
}
