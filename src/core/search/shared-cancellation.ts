/**
 * One cancellation signal for work several callers wait for (a search run once for concurrent
 * identical requests): it aborts only when every caller that joined has gone away. A caller
 * without a signal of its own keeps the work alive until it leaves.
 */
export class SharedCancellation {
  readonly #controller = new AbortController();
  #waiting = 0;

  /** Aborts once every caller has gone away. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Whether no caller waits any more (the entry can be forgotten). */
  get idle(): boolean {
    return this.#waiting === 0;
  }

  /** Registers a caller; call the returned function once it no longer waits (answered or failed). */
  join(signal: AbortSignal | undefined): () => void {
    this.#waiting++;
    let left = false;
    const leave = (gone: boolean): void => {
      if (left) return;
      left = true;
      signal?.removeEventListener('abort', onAbort);
      this.#waiting--;
      if (gone && this.#waiting === 0) this.#controller.abort();
    };
    const onAbort = (): void => leave(true);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    return () => leave(false);
  }
}
