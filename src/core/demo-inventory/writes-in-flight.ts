/**
 * Bounded concurrent writes: the generator computes the next batch while a networked store still
 * writes the previous ones (and a store with several connections writes them in parallel). An
 * in-process store that writes synchronously is unaffected.
 */
export class WritesInFlight {
  readonly #pending = new Set<Promise<void>>();
  readonly #limit: number;
  #failure: { error: unknown } | undefined;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** Starts `write`, first waiting while `limit` writes are in flight; rejects with an earlier write's error. */
  async add(write: () => Promise<void>): Promise<void> {
    while (this.#pending.size >= this.#limit) await Promise.race(this.#pending);
    this.#throwIfFailed();
    const pending: Promise<void> = write()
      .catch((error: unknown) => {
        this.#failure ??= { error };
      })
      .finally(() => this.#pending.delete(pending));
    this.#pending.add(pending);
  }

  /** Resolves once every write finished; rejects with the first error any of them had. */
  async drain(): Promise<void> {
    await Promise.all(this.#pending);
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#failure.error;
  }
}
