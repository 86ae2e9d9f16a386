/** Options for one cached value. */
export interface CacheSetOptions {
  /** Time (ms) the value is fresh. */
  ttlMs: number;
  /** Extra time (ms) after expiry during which the value may still be served as STALE if the origin fails. */
  graceMs?: number;
  /** Tags the value depends on; `invalidateTags` drops every value carrying one of them. */
  tags?: readonly string[];
}

/** A value read from the cache with its freshness. */
export interface CacheEntry<T> {
  value: T;
  /** Epoch ms the value was stored. */
  storedAt: number;
  /** Epoch ms the value stops being fresh. */
  expiresAt: number;
  /** True when the value is past `expiresAt` but still within its grace period. */
  stale: boolean;
}

/** How a `getOrSet` answer was produced. */
export type CacheOutcome = 'HIT' | 'MISS' | 'STALE';

/** Lets a factory declare what the value it computes depends on, once it knows. */
export interface CacheFactoryContext {
  /** Tags of the value being computed, replacing any given in the options. */
  setTags(tags: readonly string[]): void;
}

export interface CacheResult<T> {
  entry: CacheEntry<T>;
  outcome: CacheOutcome;
}

/**
 * Key/value cache of JSON-serialisable values, possibly shared between instances.
 * Failures of a remote tier never throw out of `get`/`getOrSet`: the cache degrades to a miss.
 */
export interface Cache {
  /** The fresh or in-grace entry for `key`, or undefined on a miss. */
  get<T>(key: string): Promise<CacheEntry<T> | undefined>;
  /** Stores `value` under `key`. */
  set<T>(key: string, value: T, options: CacheSetOptions): Promise<void>;
  /**
   * The fresh value for `key`, or the result of `factory` stored under it. Concurrent misses on one
   * key run `factory` once. If `factory` throws and an entry within its grace period exists, that
   * entry is returned with outcome STALE; otherwise the factory's error is rethrown.
   */
  getOrSet<T>(
    key: string,
    factory: (context: CacheFactoryContext) => Promise<T>,
    options: CacheSetOptions,
  ): Promise<CacheResult<T>>;
  /** Drops every entry tagged with any of `tags`, on every instance sharing this cache. */
  invalidateTags(tags: readonly string[]): Promise<void>;
  /** Drops one key on every instance. */
  delete(key: string): Promise<void>;
  /** 'ok', or 'degraded' when a remote tier is unreachable and only the local tier serves. */
  health(): Promise<'ok' | 'degraded'>;
  close(): Promise<void>;
}
