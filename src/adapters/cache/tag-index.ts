/**
 * Which cached keys carry which tag, so that `invalidateTags` can delete exactly those keys.
 *
 * Why not bentocache's own tags: it checks every tag of an entry on every read (one lookup per tag,
 * each through its locks and, on an L1 miss, through Redis). Search results carry dozens of tags
 * (one per route and date they read), so reads paid for invalidations that rarely happen, and the
 * tag timestamps crowded the bounded L1. Here reads pay nothing; an invalidation looks the tags up
 * once and deletes the keys everywhere (bentocache's delete travels the bus to every L1).
 */
export interface TagIndex {
  /** Records that `key` carries `tags`, for `ttlMs` (the life of the entry). */
  add(key: string, tags: readonly string[], ttlMs: number): Promise<void>;
  /** The keys carrying any of `tags`, forgotten by the index; empty when none (or unreachable). */
  take(tags: readonly string[]): Promise<string[]>;
  close(): Promise<void>;
}

/** The index of this process's entries. Entries evicted by the LRU linger until they expire here. */
export class LocalTagIndex implements TagIndex {
  readonly #keysByTag = new Map<string, Map<string, number>>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(sweepEveryMs = 60_000) {
    this.#sweeper = setInterval(() => this.#sweep(Date.now()), sweepEveryMs);
    this.#sweeper.unref();
  }

  async add(key: string, tags: readonly string[], ttlMs: number): Promise<void> {
    const expiresAt = Date.now() + ttlMs;
    for (const tag of tags) {
      let keys = this.#keysByTag.get(tag);
      if (!keys) {
        keys = new Map();
        this.#keysByTag.set(tag, keys);
      }
      keys.set(key, Math.max(expiresAt, keys.get(key) ?? 0));
    }
  }

  async take(tags: readonly string[]): Promise<string[]> {
    const now = Date.now();
    const found = new Set<string>();
    for (const tag of tags) {
      for (const [key, expiresAt] of this.#keysByTag.get(tag) ?? []) if (expiresAt > now) found.add(key);
      this.#keysByTag.delete(tag);
    }
    return [...found];
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#keysByTag.clear();
  }

  #sweep(now: number): void {
    for (const [tag, keys] of this.#keysByTag) {
      for (const [key, expiresAt] of keys) if (expiresAt <= now) keys.delete(key);
      if (keys.size === 0) this.#keysByTag.delete(tag);
    }
  }
}
