import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Cache, CacheOutcome, CacheResult } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import type { RecentInvalidations } from '../cache/recent-invalidations.js';
import { DomainError } from '../errors.js';
import type { TokenSigner } from '../offers/signed-token.js';
import { InFlightSearches } from './in-flight-searches.js';
import { type SearchPage, SearchPageCutter } from './search-page-cutter.js';
import { type SearchRun, type SearchSnapshot, SearchSnapshots } from './search-snapshots.js';
import { type KnownSearch, SearchWarmth, type WarmthPolicy } from './search-warmth.js';
import { SearchCancelledError } from './work-budget.js';

export type { SearchPage, SearchPageContent, SearchPageMeta } from './search-page-cutter.js';
export type { SearchRun, SearchSnapshot } from './search-snapshots.js';

/** Runs a search; `signal` aborts once no client waits for it any more. */
export type SearchRunner<T> = (signal: AbortSignal) => Promise<SearchRun<T>>;

export interface SearchResultsDependencies {
  /** Shared result cache keyed by normalised request (may be a pass-through). */
  cache: Cache;
  /** Where snapshots live by search id for paging; must really store. */
  snapshots: Cache;
  signer: TokenSigner;
  clock: Clock;
  /** Freshness of a cached result, ms. */
  ttlMs(kind: string): number;
  /** How long a stale result may stand in when the search fails, ms. */
  graceMs: number;
  /** How long paging through a snapshot stays possible, ms. */
  snapshotTtlMs: number;
  /** Invalidations seen on this instance; a result that raced one is not kept in the cache. */
  recentInvalidations?: RecentInvalidations;
  /** Snapshots and cut pages kept in process (they are immutable, so keeping them is always safe). */
  preparedPages?: number;
  /** Keeping popular searches warm (search-warmth.ts). Absent: no background work. */
  warmth?: WarmthPolicy;
  /** Told about background recomputations that failed (the entry then simply expires or stays dropped). */
  onBackgroundError?: (error: unknown) => void;
}

/** One search of one kind, as `page` and `peek` are asked for it. */
export interface SearchAsk<T> {
  /** Cache namespace of the results ('flights', 'hotels'). */
  kind: string;
  /** The normalised request's cache key. */
  key: string;
  /** The search, run on a miss (and again in the background when it is popular). */
  run: SearchRunner<T>;
  /** Offers per page. */
  limit: number;
  /** What a popular search is remembered and prewarmed by (JSON-serialisable). */
  request?: unknown;
}

/** A page asked for: the first, or the one a cursor points to; `signal` aborts when the client goes away. */
export interface PageAsk<T> extends SearchAsk<T> {
  cursor?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** The result cache's key of the pointer to a search's current snapshot. */
const pointerKey = (kind: string, queryHash: string): string => `${kind}:${queryHash}`;

/** The signal of background recomputations: no client waits for them, so nothing cancels them. */
const BACKGROUND = new AbortController().signal;

/** What the result cache keeps per normalised search: the id of its snapshot. */
interface SearchPointer {
  searchId: string;
}

/**
 * Runs searches through the result cache and pages them from immutable snapshots: page 2 is cut
 * from the same snapshot as page 1 and costs no new search. The concerns live beside it: the
 * snapshots (search-snapshots.ts), cutting pages and cursors (search-page-cutter.ts), sharing a
 * run between concurrent requests (in-flight-searches.ts) and keeping popular searches warm
 * (search-warmth.ts); this class holds the result cache's pointers and the order of the steps.
 */
export class SearchResults {
  readonly #deps: SearchResultsDependencies;
  readonly #snapshots: SearchSnapshots;
  readonly #pages: SearchPageCutter;
  readonly #inFlight = new InFlightSearches();
  readonly #warmth: SearchWarmth | undefined;
  /** Hashes of normalised keys: the same few thousand popular keys are hashed over and over. */
  readonly #queryHashes = new LRUCache<string, string>({ max: 50_000 });

  constructor(deps: SearchResultsDependencies) {
    this.#deps = deps;
    const kept = deps.preparedPages ?? 2_000;
    this.#snapshots = new SearchSnapshots({
      store: deps.snapshots,
      clock: deps.clock,
      ttlMs: deps.ttlMs,
      graceMs: deps.graceMs,
      snapshotTtlMs: deps.snapshotTtlMs,
      kept,
    });
    this.#pages = new SearchPageCutter({ signer: deps.signer, clock: deps.clock, kept });
    this.#warmth = deps.warmth
      ? new SearchWarmth({
          ...deps.warmth,
          clock: deps.clock,
          recompute: (cacheKey, search) => this.#recompute(cacheKey, search),
          ...(deps.onBackgroundError ? { onError: deps.onBackgroundError } : {}),
        })
      : undefined;
  }

  /**
   * After an inventory change dropped the entries tagged `tags`: recomputes, in the background and
   * one at a time, the popular searches among them, so their next request is a fresh hit.
   */
  recomputeInvalidated(tags: readonly string[]): void {
    this.#warmth?.invalidated(tags);
  }

  /**
   * Drops the snapshots and cut pages kept in process (and with them their prepared bytes): all of
   * it is rebuilt from the cache on the next request. For when the heap is over its bound.
   */
  release(): void {
    this.#snapshots.release();
    this.#pages.release();
  }

  /** Resolves once the background recomputations queued so far are done (tests, shutdown). */
  async settled(): Promise<void> {
    await this.#warmth?.settled();
  }

  /** The most asked-for searches lately, most popular first, with their requests. */
  popularRequests(count: number): { kind: string; request: unknown }[] {
    return this.#warmth?.popularRequests(count) ?? [];
  }

  /**
   * One page of a search. Without a cursor the result comes from the cache or from `run`; with
   * one, from the snapshot it points into. A snapshot this process does not hold (another worker
   * made it, or it was evicted) is found again the way the first page is, from the cache or by
   * running the search: snapshot ids are derived from the content, so if the result is still the
   * same the cursor's page is served from it, and if it changed the cursor is 410 search-expired.
   * `signal` aborts when the client goes away; the run is cancelled only once every request
   * waiting for it has gone.
   */
  async page<T>(ask: PageAsk<T>): Promise<SearchPage<T>> {
    const queryHash = this.#queryHash(ask.kind, ask.key);
    const retries = { retryIfEvicted: true, retryIfCancelled: true };
    if (ask.cursor !== undefined) {
      const position = this.#pages.readCursor(ask.cursor, queryHash);
      const snapshot = await this.#snapshots.get<T>(position.s);
      if (snapshot) return this.#pages.cut(snapshot, queryHash, position.o, ask.limit, 'HIT');
      const current = await this.#current(ask, queryHash, retries);
      if (current.snapshot.searchId !== position.s)
        throw new DomainError('search-expired', 'the search behind this cursor has expired; search again');
      return this.#pages.cut(current.snapshot, queryHash, position.o, ask.limit, current.outcome);
    }
    const current = await this.#current(ask, queryHash, retries);
    return this.#pages.cut(current.snapshot, queryHash, 0, ask.limit, current.outcome);
  }

  /**
   * The first page of a search when a fresh hit for it is held in process (the cache's pointer and
   * the snapshot it points to): the same page `page` would answer, without I/O or waiting.
   * Undefined when anything is not at hand; the caller then asks `page`.
   */
  peek<T>(ask: SearchAsk<T>): SearchPage<T> | undefined {
    const queryHash = this.#queryHash(ask.kind, ask.key);
    const cacheKey = pointerKey(ask.kind, queryHash);
    const result = this.#deps.cache.peek?.<SearchPointer>(cacheKey);
    if (result === undefined || result.outcome !== 'HIT') return undefined;
    const snapshot = this.#snapshots.kept<T>(result.entry.value.searchId);
    if (snapshot === undefined) return undefined;
    this.#observe(ask, queryHash, cacheKey, undefined, result);
    return this.#pages.cut(snapshot, queryHash, 0, ask.limit, 'HIT');
  }

  #observe<T>(
    ask: SearchAsk<T>,
    queryHash: string,
    cacheKey: string,
    tags: readonly string[] | undefined,
    result: CacheResult<SearchPointer>,
  ): void {
    this.#warmth?.observe(
      cacheKey,
      { kind: ask.kind, queryHash, request: ask.request, run: ask.run as SearchRunner<unknown> },
      tags,
      result,
    );
  }

  /**
   * Runs the search again and points its cache entry at the new snapshot, unless it raced an
   * invalidation or was cut by its deadline (that result depends on the load of the moment, not
   * the query). Answers the new tags, or undefined when nothing was kept.
   */
  async #recompute(cacheKey: string, known: KnownSearch): Promise<readonly string[] | undefined> {
    const startedAt = this.#deps.clock.now();
    const run = await known.run(BACKGROUND);
    if (run.partial === 'deadline') return undefined;
    if (this.#deps.recentInvalidations?.anySince(run.tags, startedAt)) return undefined;
    const snapshot = await this.#snapshots.create(known.kind, known.queryHash, run);
    await this.#deps.cache.set<SearchPointer>(
      cacheKey,
      { searchId: snapshot.searchId },
      { ttlMs: this.#deps.ttlMs(known.kind), graceMs: this.#deps.graceMs, tags: run.tags },
    );
    // An invalidation that landed while the pointer was written must not leave it behind.
    if (this.#deps.recentInvalidations?.anySince(run.tags, startedAt))
      await this.#deps.cache.delete(cacheKey);
    return run.tags;
  }

  #queryHash(kind: string, key: string): string {
    const text = `${kind}\n${key}`;
    let hash = this.#queryHashes.get(text);
    if (hash === undefined) {
      hash = createHash('sha256').update(text).digest('base64url').slice(0, 22);
      this.#queryHashes.set(text, hash);
    }
    return hash;
  }

  /**
   * The current snapshot of a search through the result cache, and how the cache answered: it
   * keeps a small pointer per normalised search, to the snapshot stored once by search id
   * (search-snapshots.ts).
   */
  async #current<T>(
    ask: PageAsk<T>,
    queryHash: string,
    retries: { retryIfEvicted: boolean; retryIfCancelled: boolean },
  ): Promise<{ snapshot: SearchSnapshot<T>; outcome: CacheOutcome }> {
    const { kind, signal } = ask;
    const cacheKey = pointerKey(kind, queryHash);
    const ran: { startedAt: number; tags: string[]; snapshot?: SearchSnapshot<T> } = {
      startedAt: 0,
      tags: [],
    };
    const shared = this.#inFlight.join(cacheKey, signal);
    let result: CacheResult<SearchPointer>;
    try {
      result = await this.#deps.cache.getOrSet<SearchPointer>(
        cacheKey,
        async (context) => {
          ran.startedAt = this.#deps.clock.now();
          const run = await ask.run(shared.signal);
          ran.tags = run.tags;
          context.setTags(run.tags);
          ran.snapshot = await this.#snapshots.create(kind, queryHash, run);
          return { searchId: ran.snapshot.searchId };
        },
        { ttlMs: this.#deps.ttlMs(kind), graceMs: this.#deps.graceMs },
      );
    } catch (error) {
      // The run was cancelled because every request it had went away; a request still waiting (one
      // that joined as the cancellation raced it) searches afresh instead of failing with it.
      if (error instanceof SearchCancelledError && !signal?.aborted && retries.retryIfCancelled) {
        return this.#current(ask, queryHash, { ...retries, retryIfCancelled: false });
      }
      throw error;
    } finally {
      shared.leave();
    }
    // A search that read the inventory while it changed is answered (it shows what it read) but not
    // kept: its invalidation may have run before its result was stored (recent-invalidations.ts).
    // Nor is one cut short by its deadline: that depends on the load of the moment, not the query.
    if (
      ran.snapshot &&
      (ran.snapshot.partial === 'deadline' ||
        this.#deps.recentInvalidations?.anySince(ran.tags, ran.startedAt))
    ) {
      await this.#deps.cache.delete(cacheKey);
    }
    this.#observe(ask, queryHash, cacheKey, ran.snapshot ? ran.tags : undefined, result);
    const snapshot = ran.snapshot ?? (await this.#snapshots.get<T>(result.entry.value.searchId));
    if (!snapshot) {
      // The snapshot was evicted before its pointer: search again, once.
      await this.#deps.cache.delete(cacheKey);
      this.#snapshots.forget(result.entry.value.searchId);
      if (!retries.retryIfEvicted)
        throw new DomainError('search-expired', 'the search result was evicted; search again');
      return this.#current(ask, queryHash, { ...retries, retryIfEvicted: false });
    }
    return { snapshot, outcome: result.outcome };
  }
}
