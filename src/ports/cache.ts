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
  /** The cached value. It is shared with the cache: treat it as immutable. */
  value: T;
  /** Epoch ms the value was stored. */
  storedAt: number;
  /** Epoch ms the value stops being fresh. */
  expiresAt: number;
  /**
   * True when the value is no longer fresh (past `expiresAt`, or its tags were invalidated) but is
   * still within its grace period.
   */
  stale: boolean;
}

/** Lets a factory declare what the value it computes depends on, once it knows. */
export interface CacheFactoryContext {
  /** Tags of the value being computed, replacing any given in the options. */
  setTags(tags: readonly string[]): void;
}

/** How a `getOrSet` answer was produced. */
export type CacheOutcome = 'HIT' | 'MISS' | 'STALE';

export interface CacheResult<T> {
  entry: CacheEntry<T>;
  outcome: CacheOutcome;
}

/** Size of the in-process tier, for metrics and for checking its bounds. */
export interface CacheStats {
  /** Entries held in process (bookkeeping entries such as tag timestamps included). */
  entries: number;
  /** Bytes held in process, as estimated on the V8 heap (values, keys and bookkeeping). */
  bytes: number;
}

/**
 * Key/value cache of JSON-serialisable values, possibly shared between instances.
 * Failures of a remote tier never throw out of `get`/`getOrSet`: the cache degrades to its local tier.
 */
export interface Cache {
  /** The fresh or in-grace entry for `key` (`stale` tells which), or undefined on a miss. Never throws. */
  get<T>(key: string): Promise<CacheEntry<T> | undefined>;
  /** Stores `value` under `key` and makes other instances drop their copy; a remote failure is not thrown. */
  set<T>(key: string, value: T, options: CacheSetOptions): Promise<void>;
  /**
   * The fresh value for `key` (HIT), or the result of `factory` stored under it (MISS). Concurrent
   * misses on one key run `factory` once. If `factory` throws and an entry within its grace period
   * exists, that entry is returned with outcome STALE; otherwise the factory's own error is rethrown.
   */
  getOrSet<T>(
    key: string,
    factory: (context: CacheFactoryContext) => Promise<T>,
    options: CacheSetOptions,
  ): Promise<CacheResult<T>>;
  /**
   * Makes every entry tagged with any of `tags` stop being fresh, on every instance sharing this cache
   * (they stay usable as STALE within their grace period). A remote failure is not thrown.
   */
  invalidateTags(tags: readonly string[]): Promise<void>;
  /** Drops one key on every instance; nothing happens on a miss. */
  delete(key: string): Promise<void>;
  /** 'ok', or 'degraded' when a remote tier is unreachable and only the local tier serves. */
  health(): Promise<'ok' | 'degraded'>;
  /**
   * The fresh answer this process holds for `key`, without I/O: exactly what `getOrSet` would answer
   * as a HIT right now, or undefined when the key is not held in process or not known to be fresh
   * (the caller then asks `getOrSet`). Absent on backends that keep nothing in process.
   */
  peek?<T>(key: string): CacheResult<T> | undefined;
  /** Size of the in-process tier; absent on backends that keep nothing in process. */
  stats?(): CacheStats;
  /**
   * Gives memory back: drops expired in-process entries, then the least recently used ones until
   * at most `share` (0–1) of the tier's byte budget is held. Called when the heap is over its bound.
   * Absent on backends that keep nothing in process.
   */
  shrink?(share: number): void;
  /** Releases connections and timers; the cache must not be used afterwards. */
  close(): Promise<void>;
}
