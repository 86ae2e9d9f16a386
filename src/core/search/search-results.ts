import { createHash, randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Cache, CacheOutcome, CacheResult } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import type { RecentInvalidations } from '../cache/recent-invalidations.js';
import { DomainError, invalidField } from '../errors.js';
import type { TokenSigner } from '../offers/signed-token.js';
import type { SupplierOutcomes } from '../suppliers/supplier-outcome.js';
import { Popularity } from './popularity.js';
import { SharedCancellation } from './shared-cancellation.js';
import { type BudgetExhaustion, SearchCancelledError } from './work-budget.js';

/** The immutable result set of one search; every page of it is cut from here. */
export interface SearchSnapshot<T> {
  searchId: string;
  createdAt: number;
  expiresAt: number;
  offers: T[];
  /** Set when the search hit its work budget: the offers are the best it found in time. */
  partial?: BudgetExhaustion;
  /** How each supplier took part (flight searches across suppliers). */
  suppliers?: SupplierOutcomes;
}

export interface SearchPageMeta {
  count: number;
  total: number;
  nextCursor: string | null;
  searchId: string;
  cachedAt: string;
  expiresAt: string;
  /** True when the search hit its work budget and the offers are the best found in time. */
  partial: boolean;
  /** How each supplier took part (flight searches across suppliers). */
  suppliers?: SupplierOutcomes;
}

/**
 * What a client receives for one page of one snapshot. It is the same object for every request of
 * that page (snapshots are immutable), so a transport may keep its serialised bytes keyed by it.
 */
export interface SearchPageContent<T> {
  readonly data: T[];
  readonly meta: SearchPageMeta;
}

export interface SearchPage<T> {
  data: T[];
  meta: SearchPageMeta;
  /** The shared, immutable body of this page (`data` and `meta` are its fields). */
  content: SearchPageContent<T>;
  cache: CacheOutcome;
  /** Seconds the answer stays fresh, for cache-control. */
  maxAgeSeconds: number;
}

/** What a search runner returns: the offers and the tags of what they depend on. */
export interface SearchRun<T> {
  offers: T[];
  tags: string[];
  /** Set when the search hit its work budget: the offers are the best found so far. */
  partial?: BudgetExhaustion;
  suppliers?: SupplierOutcomes;
}

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
  /**
   * Keeping popular searches warm: a key asked `minRequests` times within the popularity window is
   * recomputed in the background when less than `refreshBeforeExpiry` of its freshness is left,
   * and right after an inventory change invalidates it. Absent: no background work.
   */
  warmth?: { minRequests: number; windowMs: number; refreshBeforeExpiry: number };
  /** Told about background recomputations that failed (the entry then simply expires or stays dropped). */
  onBackgroundError?: (error: unknown) => void;
}

/** What is remembered about a popular search, to recompute it without a request. */
interface KnownSearch {
  kind: string;
  queryHash: string;
  /** The search's request as the caller gave it (JSON-serialisable), for a prewarm after restart. */
  request: unknown;
  run: SearchRunner<unknown>;
  /** Tags of its last computed result; unknown (empty) until this instance computed it once. */
  tags: readonly string[];
}

/** The result cache's key of the pointer to a search's current snapshot. */
const pointerKey = (kind: string, queryHash: string): string => `${kind}:${queryHash}`;

/** Popular searches remembered for background recomputation. */
const KNOWN_SEARCHES = 5_000;

/** The signal of background recomputations: no client waits for them, so nothing cancels them. */
const BACKGROUND = new AbortController().signal;

/** What the result cache keeps per normalised search: the id of its snapshot. */
interface SearchPointer {
  searchId: string;
}

interface CursorPayload {
  q: string;
  s: string;
  o: number;
}

/**
 * Runs searches through the result cache and pages them from immutable snapshots: page 2 is cut
 * from the same snapshot as page 1 and costs no new search.
 */
export class SearchResults {
  readonly #deps: SearchResultsDependencies;
  /**
   * Snapshots by search id and pages by search id, offset and limit. A search id names one
   * immutable result set, so these never go stale: freshness is decided by the result cache's
   * pointer, read on every request; these only spare re-reading and re-cutting what it points to.
   */
  readonly #snapshots: LRUCache<string, { snapshot: SearchSnapshot<unknown>; keepUntil: number }>;
  readonly #pages: LRUCache<string, SearchPageContent<unknown>>;
  /** Hashes of normalised keys: the same few thousand popular keys are hashed over and over. */
  readonly #queryHashes = new LRUCache<string, string>({ max: 50_000 });
  readonly #popularity: Popularity | undefined;
  readonly #known = new LRUCache<string, KnownSearch>({ max: KNOWN_SEARCHES });
  /** Cache keys with a background recomputation queued or running. */
  readonly #refreshing = new Set<string>();
  /** Background recomputations run one after another, never competing with each other for the store. */
  #background: Promise<void> = Promise.resolve();
  /** Cancellation shared by the requests waiting for one search run, by cache key. */
  readonly #inFlight = new Map<string, SharedCancellation>();

  constructor(deps: SearchResultsDependencies) {
    this.#deps = deps;
    const max = deps.preparedPages ?? 2_000;
    this.#snapshots = new LRUCache({ max });
    this.#pages = new LRUCache({ max });
    this.#popularity = deps.warmth ? new Popularity(deps.clock, deps.warmth.windowMs) : undefined;
  }

  /**
   * After an inventory change dropped the entries tagged `tags`: recomputes, in the background and
   * one at a time, the popular searches among them, so their next request is a fresh hit. Each
   * recomputation reads the store after the change committed (events are sent after commit).
   */
  recomputeInvalidated(tags: readonly string[]): void {
    const warmth = this.#deps.warmth;
    if (!warmth || !this.#popularity || tags.length === 0) return;
    const dropped = new Set(tags);
    const invalidatedAt = this.#deps.clock.now();
    for (const [cacheKey, known] of this.#known.entries()) {
      if (this.#popularity.count(cacheKey) < warmth.minRequests) continue;
      if (known.tags.some((tag) => dropped.has(tag)))
        this.#recomputeInBackground(cacheKey, known, invalidatedAt);
    }
  }

  /**
   * Drops the snapshots and cut pages kept in process (and with them their prepared bytes): all of
   * it is rebuilt from the cache on the next request. For when the heap is over its bound.
   */
  release(): void {
    this.#snapshots.clear();
    this.#pages.clear();
  }

  /** Resolves once the background recomputations queued so far are done (tests, shutdown). */
  async settled(): Promise<void> {
    await this.#background;
  }

  /**
   * One page of the search `key` of `kind`. Without a cursor the result comes from the cache or
   * from `run`; with one, from the snapshot it points into (410 search-expired when gone).
   * `signal` aborts when the client goes away; the run is cancelled only once every request
   * waiting for it has gone, and a request still waiting never inherits another's cancellation.
   * `request` (JSON-serialisable) is what a popular search is remembered and prewarmed by.
   */
  async page<T>(
    kind: string,
    key: string,
    run: SearchRunner<T>,
    limit: number,
    cursor?: string,
    signal?: AbortSignal,
    request?: unknown,
  ): Promise<SearchPage<T>> {
    const queryHash = this.#queryHash(kind, key);
    if (cursor !== undefined) {
      const position = this.#readCursor(cursor, queryHash);
      const snapshot = await this.#snapshot<T>(position.s);
      if (!snapshot)
        throw new DomainError('search-expired', 'the search behind this cursor has expired; search again');
      return this.#cut(snapshot, queryHash, position.o, limit, 'HIT');
    }
    return this.#fresh(
      kind,
      queryHash,
      run,
      limit,
      { retryIfEvicted: true, retryIfCancelled: true },
      signal,
      request,
    );
  }

  /**
   * The first page of the search `key` of `kind` when a fresh hit for it is held in process (the
   * cache's pointer and the snapshot it points to): the same page `page` would answer, without I/O
   * or waiting. Undefined when anything is not at hand; the caller then asks `page`.
   */
  peek<T>(
    kind: string,
    key: string,
    run: SearchRunner<T>,
    limit: number,
    request?: unknown,
  ): SearchPage<T> | undefined {
    const queryHash = this.#queryHash(kind, key);
    const cacheKey = pointerKey(kind, queryHash);
    const result = this.#deps.cache.peek?.<SearchPointer>(cacheKey);
    if (result === undefined || result.outcome !== 'HIT') return undefined;
    const snapshot = this.#keptSnapshot<T>(result.entry.value.searchId);
    if (snapshot === undefined) return undefined;
    this.#observe(kind, queryHash, cacheKey, run, request, undefined, result);
    return this.#cut(snapshot, queryHash, 0, limit, 'HIT');
  }

  /** The most asked-for searches lately, most popular first, with their requests. */
  popularRequests(count: number): { kind: string; request: unknown }[] {
    const popularity = this.#popularity;
    if (!popularity) return [];
    return [...this.#known.entries()]
      .filter(([, known]) => known.request !== undefined)
      .map(([cacheKey, known]) => ({ known, count: popularity.count(cacheKey) }))
      .filter(({ count }) => count > 0)
      .sort((a, b) => b.count - a.count)
      .slice(0, count)
      .map(({ known }) => ({ kind: known.kind, request: known.request }));
  }

  /** Counts the request and, for a popular key close to expiry, refreshes it ahead of time. */
  #observe<T>(
    kind: string,
    queryHash: string,
    cacheKey: string,
    run: SearchRunner<T>,
    request: unknown,
    tags: readonly string[] | undefined,
    result: { outcome: CacheOutcome; entry: { expiresAt: number; storedAt: number } },
  ): void {
    const warmth = this.#deps.warmth;
    if (!warmth || !this.#popularity) return;
    const count = this.#popularity.hit(cacheKey);
    if (count < warmth.minRequests && tags === undefined) return;
    const known: KnownSearch = {
      kind,
      queryHash,
      request,
      run: run as SearchRunner<unknown>,
      tags: tags ?? this.#known.get(cacheKey)?.tags ?? [],
    };
    this.#known.set(cacheKey, known);
    if (count < warmth.minRequests || result.outcome !== 'HIT') return;
    const lifetime = result.entry.expiresAt - result.entry.storedAt;
    const left = result.entry.expiresAt - Date.now();
    if (left < lifetime * warmth.refreshBeforeExpiry) this.#recomputeInBackground(cacheKey, known);
  }

  /** `after`: the recomputation starts on a later clock tick (see #recompute). */
  #recomputeInBackground(cacheKey: string, known: KnownSearch, after?: number): void {
    if (this.#refreshing.has(cacheKey)) return;
    this.#refreshing.add(cacheKey);
    this.#background = this.#background
      .then(() => (after === undefined ? undefined : this.#clockPast(after)))
      .then(() => this.#recompute(cacheKey, known))
      .catch((error: unknown) => this.#deps.onBackgroundError?.(error))
      .finally(() => this.#refreshing.delete(cacheKey));
  }

  /**
   * Runs the search again and stores its result under `cacheKey`, unless it raced an invalidation
   * or was cut by its deadline (that result depends on the load of the moment, not the query).
   */
  async #recompute(cacheKey: string, known: KnownSearch): Promise<void> {
    // Invalidations are compared by millisecond (recent-invalidations.ts): a recomputation started in
    // the millisecond of the invalidation that asked for it would count as racing it and be dropped,
    // hence #clockPast before it starts.
    const startedAt = this.#deps.clock.now();
    const { offers, tags, partial, suppliers } = await known.run(BACKGROUND);
    if (partial === 'deadline') return;
    const now = this.#deps.clock.now();
    const ttlMs = this.#deps.ttlMs(known.kind);
    const snapshot: SearchSnapshot<unknown> = {
      searchId: randomUUID(),
      createdAt: now,
      expiresAt: now + ttlMs,
      offers,
      ...(partial ? { partial } : {}),
      ...(suppliers ? { suppliers } : {}),
    };
    if (this.#deps.recentInvalidations?.anySince(tags, startedAt)) return;
    this.#keep(snapshot, now + this.#snapshotTtlMs(known.kind));
    await this.#deps.snapshots.set(`snapshot:${snapshot.searchId}`, snapshot, {
      ttlMs: this.#snapshotTtlMs(known.kind),
    });
    await this.#deps.cache.set<SearchPointer>(
      cacheKey,
      { searchId: snapshot.searchId },
      { ttlMs, graceMs: this.#deps.graceMs, tags },
    );
    // An invalidation that landed while the pointer was written must not leave it behind.
    if (this.#deps.recentInvalidations?.anySince(tags, startedAt)) await this.#deps.cache.delete(cacheKey);
    this.#known.set(cacheKey, { ...known, tags });
  }

  /** Waits (a few ms at most) until the clock reads later than `time`; a clock that stands still is not waited for. */
  async #clockPast(time: number): Promise<void> {
    for (let tries = 0; tries < 5 && this.#deps.clock.now() <= time; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
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

  /** The snapshot with `searchId` if process memory still keeps it. */
  #keptSnapshot<T>(searchId: string): SearchSnapshot<T> | undefined {
    const kept = this.#snapshots.get(searchId);
    if (kept === undefined) return undefined;
    if (kept.keepUntil > this.#deps.clock.now()) return kept.snapshot as SearchSnapshot<T>;
    this.#snapshots.delete(searchId);
    return undefined;
  }

  /** The snapshot with `searchId`, from process memory first, then from the snapshot store. */
  async #snapshot<T>(searchId: string): Promise<SearchSnapshot<T> | undefined> {
    const kept = this.#keptSnapshot<T>(searchId);
    if (kept !== undefined) return kept;
    const stored = await this.#deps.snapshots.get<SearchSnapshot<T>>(`snapshot:${searchId}`);
    if (stored === undefined) return undefined;
    this.#keep(stored.value, stored.expiresAt);
    return stored.value;
  }

  #keep<T>(snapshot: SearchSnapshot<T>, keepUntil: number): void {
    this.#snapshots.set(snapshot.searchId, { snapshot: snapshot as SearchSnapshot<unknown>, keepUntil });
  }

  #snapshotTtlMs(kind: string): number {
    return Math.max(this.#deps.snapshotTtlMs, this.#deps.ttlMs(kind) + this.#deps.graceMs);
  }

  /**
   * The cache keeps a small pointer per normalised search; the snapshot it points to is stored once,
   * by search id, without tags, so invalidating a search never pulls pages from under a client that
   * is paging through it.
   */
  async #fresh<T>(
    kind: string,
    queryHash: string,
    run: SearchRunner<T>,
    limit: number,
    retries: { retryIfEvicted: boolean; retryIfCancelled: boolean },
    signal: AbortSignal | undefined,
    request: unknown,
  ): Promise<SearchPage<T>> {
    const cacheKey = pointerKey(kind, queryHash);
    const ran: { startedAt: number; tags: string[]; snapshot?: SearchSnapshot<T> } = {
      startedAt: 0,
      tags: [],
    };
    let shared = this.#inFlight.get(cacheKey);
    if (!shared || shared.signal.aborted) {
      shared = new SharedCancellation();
      this.#inFlight.set(cacheKey, shared);
    }
    const runSignal = shared.signal;
    const leave = shared.join(signal);
    let result: CacheResult<SearchPointer>;
    try {
      result = await this.#deps.cache.getOrSet<SearchPointer>(
        cacheKey,
        async (context) => {
          ran.startedAt = this.#deps.clock.now();
          const { offers, tags, partial, suppliers } = await run(runSignal);
          ran.tags = tags;
          context.setTags(tags);
          const now = this.#deps.clock.now();
          const snapshot: SearchSnapshot<T> = {
            searchId: randomUUID(),
            createdAt: now,
            expiresAt: now + this.#deps.ttlMs(kind),
            offers,
            ...(partial ? { partial } : {}),
            ...(suppliers ? { suppliers } : {}),
          };
          ran.snapshot = snapshot;
          this.#keep(snapshot, now + this.#snapshotTtlMs(kind));
          await this.#deps.snapshots.set(`snapshot:${snapshot.searchId}`, snapshot, {
            ttlMs: this.#snapshotTtlMs(kind),
          });
          return { searchId: snapshot.searchId };
        },
        { ttlMs: this.#deps.ttlMs(kind), graceMs: this.#deps.graceMs },
      );
    } catch (error) {
      // The run was cancelled because every request it had went away; a request still waiting (one
      // that joined as the cancellation raced it) searches afresh instead of failing with it.
      if (error instanceof SearchCancelledError && !signal?.aborted && retries.retryIfCancelled) {
        return this.#fresh(
          kind,
          queryHash,
          run,
          limit,
          { ...retries, retryIfCancelled: false },
          signal,
          request,
        );
      }
      throw error;
    } finally {
      leave();
      if (shared.idle && this.#inFlight.get(cacheKey) === shared) this.#inFlight.delete(cacheKey);
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
    this.#observe(kind, queryHash, cacheKey, run, request, ran.snapshot ? ran.tags : undefined, result);
    const snapshot = ran.snapshot ?? (await this.#snapshot<T>(result.entry.value.searchId));
    if (!snapshot) {
      // The snapshot was evicted before its pointer: search again, once.
      await this.#deps.cache.delete(cacheKey);
      this.#snapshots.delete(result.entry.value.searchId);
      if (!retries.retryIfEvicted)
        throw new DomainError('search-expired', 'the search result was evicted; search again');
      return this.#fresh(kind, queryHash, run, limit, { ...retries, retryIfEvicted: false }, signal, request);
    }
    return this.#cut(snapshot, queryHash, 0, limit, result.outcome);
  }

  #readCursor(cursor: string, queryHash: string): CursorPayload {
    const payload = this.#deps.signer.verify(cursor) as Partial<CursorPayload> | undefined;
    if (
      !payload ||
      typeof payload.q !== 'string' ||
      typeof payload.s !== 'string' ||
      !Number.isInteger(payload.o) ||
      (payload.o ?? -1) < 0
    ) {
      throw invalidField('query.cursor', 'malformed cursor');
    }
    if (payload.q !== queryHash) throw invalidField('query.cursor', 'the cursor belongs to another search');
    return payload as CursorPayload;
  }

  #cut<T>(
    snapshot: SearchSnapshot<T>,
    queryHash: string,
    offset: number,
    limit: number,
    cache: CacheOutcome,
  ): SearchPage<T> {
    const pageKey = `${snapshot.searchId}:${offset}:${limit}`;
    let content = this.#pages.get(pageKey) as SearchPageContent<T> | undefined;
    if (content === undefined) {
      content = this.#content(snapshot, queryHash, offset, limit);
      this.#pages.set(pageKey, content as SearchPageContent<unknown>);
    }
    const now = this.#deps.clock.now();
    return {
      data: content.data,
      meta: content.meta,
      content,
      cache,
      maxAgeSeconds: Math.max(0, Math.floor((snapshot.expiresAt - now) / 1000)),
    };
  }

  #content<T>(
    snapshot: SearchSnapshot<T>,
    queryHash: string,
    offset: number,
    limit: number,
  ): SearchPageContent<T> {
    const data = snapshot.offers.slice(offset, offset + limit);
    const next = offset + data.length;
    const nextCursor =
      next < snapshot.offers.length
        ? this.#deps.signer.sign({ q: queryHash, s: snapshot.searchId, o: next })
        : null;
    return Object.freeze({
      data,
      meta: Object.freeze({
        count: data.length,
        total: snapshot.offers.length,
        nextCursor,
        searchId: snapshot.searchId,
        cachedAt: new Date(snapshot.createdAt).toISOString(),
        expiresAt: new Date(snapshot.expiresAt).toISOString(),
        partial: snapshot.partial !== undefined,
        ...(snapshot.suppliers ? { suppliers: snapshot.suppliers } : {}),
      }),
    });
  }
}
