import { LRUCache } from 'lru-cache';
import type { CacheOutcome } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import { Popularity } from './popularity.js';
import type { SearchRunner } from './search-results.js';

/** A search as the warmth remembers it, to recompute it without a request. */
export interface KnownSearch {
  kind: string;
  queryHash: string;
  /** The search's request as the caller gave it (JSON-serialisable), for a prewarm after restart. */
  request: unknown;
  run: SearchRunner<unknown>;
  /** Tags of its last computed result; unknown (empty) until this instance computed it once. */
  tags: readonly string[];
}

/** When popular searches are kept warm. */
export interface WarmthPolicy {
  /** Requests within the popularity window that make a search popular. */
  minRequests: number;
  windowMs: number;
  /** Share of its freshness left below which a popular hit is recomputed ahead of time. */
  refreshBeforeExpiry: number;
}

export interface SearchWarmthOptions extends WarmthPolicy {
  clock: Clock;
  /**
   * Runs `search` again and stores its result under `cacheKey`; answers its new tags, or undefined
   * when the result was not kept (it raced an invalidation, or was cut by its deadline).
   */
  recompute(cacheKey: string, search: KnownSearch): Promise<readonly string[] | undefined>;
  /** Told about background recomputations that failed (the entry then simply expires or stays dropped). */
  onError?: (error: unknown) => void;
}

/** Popular searches remembered for background recomputation. */
const KNOWN_SEARCHES = 5_000;

/**
 * Keeping popular searches warm: a key asked `minRequests` times within the popularity window is
 * recomputed in the background when less than `refreshBeforeExpiry` of its freshness is left, and
 * right after an inventory change invalidates it. Recomputations run one after another, never
 * competing with each other for the store.
 */
export class SearchWarmth {
  readonly #o: SearchWarmthOptions;
  readonly #popularity: Popularity;
  readonly #known = new LRUCache<string, KnownSearch>({ max: KNOWN_SEARCHES });
  /** Cache keys with a background recomputation queued or running. */
  readonly #refreshing = new Set<string>();
  #background: Promise<void> = Promise.resolve();

  constructor(options: SearchWarmthOptions) {
    this.#o = options;
    this.#popularity = new Popularity(options.clock, options.windowMs);
  }

  /**
   * Counts a request for `cacheKey` and, for a popular key close to expiry, refreshes it ahead of
   * time. `tags` are those of a result this request computed (undefined when it read the cache).
   */
  observe(
    cacheKey: string,
    search: Omit<KnownSearch, 'tags'>,
    tags: readonly string[] | undefined,
    result: { outcome: CacheOutcome; entry: { expiresAt: number; storedAt: number } },
  ): void {
    const count = this.#popularity.hit(cacheKey);
    if (count < this.#o.minRequests && tags === undefined) return;
    const known: KnownSearch = { ...search, tags: tags ?? this.#known.get(cacheKey)?.tags ?? [] };
    this.#known.set(cacheKey, known);
    if (count < this.#o.minRequests || result.outcome !== 'HIT') return;
    const lifetime = result.entry.expiresAt - result.entry.storedAt;
    // The cache stamps its entries with its own time (Date.now), so the time left is read on it.
    const left = result.entry.expiresAt - Date.now();
    if (left < lifetime * this.#o.refreshBeforeExpiry) this.#recomputeInBackground(cacheKey, known);
  }

  /**
   * After an inventory change dropped the entries tagged `tags`: recomputes, in the background and
   * one at a time, the popular searches among them, so their next request is a fresh hit. Each
   * recomputation reads the store after the change committed (events are sent after commit).
   */
  invalidated(tags: readonly string[]): void {
    if (tags.length === 0) return;
    const dropped = new Set(tags);
    const invalidatedAt = this.#o.clock.now();
    for (const [cacheKey, known] of this.#known.entries()) {
      if (this.#popularity.count(cacheKey) < this.#o.minRequests) continue;
      if (known.tags.some((tag) => dropped.has(tag)))
        this.#recomputeInBackground(cacheKey, known, invalidatedAt);
    }
  }

  /** The most asked-for searches lately, most popular first, with their requests. */
  popularRequests(count: number): { kind: string; request: unknown }[] {
    return [...this.#known.entries()]
      .filter(([, known]) => known.request !== undefined)
      .map(([cacheKey, known]) => ({ known, count: this.#popularity.count(cacheKey) }))
      .filter(({ count }) => count > 0)
      .sort((a, b) => b.count - a.count)
      .slice(0, count)
      .map(({ known }) => ({ kind: known.kind, request: known.request }));
  }

  /** Resolves once the background recomputations queued so far are done (tests, shutdown). */
  async settled(): Promise<void> {
    await this.#background;
  }

  /** `after`: the recomputation starts on a later clock tick (see #clockPast). */
  #recomputeInBackground(cacheKey: string, known: KnownSearch, after?: number): void {
    if (this.#refreshing.has(cacheKey)) return;
    this.#refreshing.add(cacheKey);
    this.#background = this.#background
      .then(() => (after === undefined ? undefined : this.#clockPast(after)))
      .then(async () => {
        const tags = await this.#o.recompute(cacheKey, known);
        if (tags !== undefined) this.#known.set(cacheKey, { ...known, tags });
      })
      .catch((error: unknown) => this.#o.onError?.(error))
      .finally(() => this.#refreshing.delete(cacheKey));
  }

  /**
   * Waits (a few ms at most) until the clock reads later than `time`; a clock that stands still is
   * not waited for. Invalidations are compared by millisecond (recent-invalidations.ts): a
   * recomputation started in the millisecond of the invalidation that asked for it would count as
   * racing it and be dropped.
   */
  async #clockPast(time: number): Promise<void> {
    for (let tries = 0; tries < 5 && this.#o.clock.now() <= time; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
}
