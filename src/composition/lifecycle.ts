/** Background work of one part of the platform: begun by `start`, ended by `close` (both optional). */
export interface LifecyclePart {
  start?(): unknown;
  close?(): unknown;
}

/**
 * The start and close order of a platform, as one list: `start` runs each part's start in list
 * order (once, however often it is called), `close` each part's close in reverse. A part listed
 * after another may rely on it while it runs — the relay after the bus it publishes to, the
 * subscription of cache invalidation before the relay, so it hears everything relayed — and is
 * closed before it. `close` ends every part whether or not `start` ran (CLI commands never start).
 */
export class Lifecycle {
  readonly #parts: readonly LifecyclePart[];
  #started: Promise<void> | undefined;

  /** `parts` in start order; undefined entries (parts configured off) are skipped. */
  constructor(parts: readonly (LifecyclePart | undefined)[]) {
    this.#parts = parts.filter((part): part is LifecyclePart => part !== undefined);
  }

  start(): Promise<void> {
    this.#started ??= (async () => {
      for (const part of this.#parts) await part.start?.();
    })();
    return this.#started;
  }

  async close(): Promise<void> {
    for (const part of [...this.#parts].reverse()) await part.close?.();
  }
}
