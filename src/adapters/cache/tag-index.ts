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

/** Heap per (tag, key) record of the local index: its slot in the tag's map and a boxed expiry. */
const TAG_RECORD_BYTES = 56;

/**
 * The index of this process's entries. An entry the in-process tier pushes out is forgotten here
 * too (`forget`); otherwise it lingers until it expires, and under distinct searches the index
 * would outgrow the tier it indexes (a search carries dozens of tags).
 */
export class LocalTagIndex implements TagIndex {
  readonly #keysByTag = new Map<string, Map<string, number>>();
  /** The tags each key was last added with, to forget it. */
  readonly #tagsByKey = new Map<string, readonly string[]>();
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
    this.#tagsByKey.set(key, tags);
  }

  /** What the index holds for `key`: a map slot and a boxed expiry per tag, ~56 bytes each (measured). */
  bytesOf(key: string): number {
    return (this.#tagsByKey.get(key)?.length ?? 0) * TAG_RECORD_BYTES;
  }

  /** Forgets `key` (the tier no longer holds it), under the tags it was last added with. */
  forget(key: string): void {
    const tags = this.#tagsByKey.get(key);
    if (tags === undefined) return;
    this.#tagsByKey.delete(key);
    for (const tag of tags) {
      const keys = this.#keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.#keysByTag.delete(tag);
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
    this.#tagsByKey.clear();
  }

  #sweep(now: number): void {
    for (const [tag, keys] of this.#keysByTag) {
      for (const [key, expiresAt] of keys) {
        if (expiresAt > now) continue;
        keys.delete(key);
        this.#tagsByKey.delete(key);
      }
      if (keys.size === 0) this.#keysByTag.delete(tag);
    }
  }
}
