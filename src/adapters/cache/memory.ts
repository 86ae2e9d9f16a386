import type {
  Cache,
  CacheEntry,
  CacheFactoryContext,
  CacheResult,
  CacheSetOptions,
} from '../../ports/cache.js';

interface Stored {
  value: unknown;
  storedAt: number;
  expiresAt: number;
  graceUntil: number;
  tags: readonly string[];
}

/** Provisional in-process cache (replaced by the cache work): TTL, grace, tags, single-flight. */
export class MemoryCache implements Cache {
  readonly #entries = new Map<string, Stored>();
  readonly #inFlight = new Map<string, Promise<CacheResult<unknown>>>();
  readonly #maxEntries: number;

  constructor(options: { maxEntries?: number } = {}) {
    this.#maxEntries = options.maxEntries ?? 10_000;
  }

  async get<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const stored = this.#entries.get(key);
    const now = Date.now();
    if (!stored || stored.graceUntil <= now) return undefined;
    return {
      value: stored.value as T,
      storedAt: stored.storedAt,
      expiresAt: stored.expiresAt,
      stale: stored.expiresAt <= now,
    };
  }

  async set<T>(key: string, value: T, options: CacheSetOptions): Promise<void> {
    const now = Date.now();
    this.#entries.delete(key);
    this.#entries.set(key, {
      value,
      storedAt: now,
      expiresAt: now + options.ttlMs,
      graceUntil: now + options.ttlMs + (options.graceMs ?? 0),
      tags: options.tags ?? [],
    });
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  async getOrSet<T>(
    key: string,
    factory: (context: CacheFactoryContext) => Promise<T>,
    options: CacheSetOptions,
  ): Promise<CacheResult<T>> {
    const cached = await this.get<T>(key);
    if (cached && !cached.stale) return { entry: cached, outcome: 'HIT' };
    const running = this.#inFlight.get(key);
    if (running) return running as Promise<CacheResult<T>>;
    const work = (async (): Promise<CacheResult<T>> => {
      let tags = options.tags ?? [];
      try {
        const value = await factory({ setTags: (t) => (tags = t) });
        await this.set(key, value, { ...options, tags });
        return { entry: (await this.get<T>(key)) as CacheEntry<T>, outcome: 'MISS' };
      } catch (error) {
        if (cached) return { entry: cached, outcome: 'STALE' };
        throw error;
      } finally {
        this.#inFlight.delete(key);
      }
    })();
    this.#inFlight.set(key, work);
    return work;
  }

  async invalidateTags(tags: readonly string[]): Promise<void> {
    const dropped = new Set(tags);
    for (const [key, stored] of this.#entries)
      if (stored.tags.some((t) => dropped.has(t))) this.#entries.delete(key);
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async health(): Promise<'ok' | 'degraded'> {
    return 'ok';
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
