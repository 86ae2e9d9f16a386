import { createHash, randomUUID } from 'node:crypto';
import type { Cache, CacheOutcome, CacheResult } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import type { RecentInvalidations } from '../cache/recent-invalidations.js';
import { DomainError, invalidField } from '../errors.js';
import type { TokenSigner } from '../offers/signed-token.js';
import type { SupplierOutcomes } from '../suppliers/supplier-outcome.js';
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

export interface SearchPage<T> {
  data: T[];
  meta: {
    count: number;
    total: number;
    nextCursor: string | null;
    searchId: string;
    cachedAt: string;
    expiresAt: string;
    /** True when the search hit its work budget and the offers are the best found in time. */
    partial: boolean;
    suppliers?: SupplierOutcomes;
  };
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
}

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
  /** Cancellation shared by the requests waiting for one search run, by cache key. */
  readonly #inFlight = new Map<string, SharedCancellation>();

  constructor(deps: SearchResultsDependencies) {
    this.#deps = deps;
  }

  /**
   * One page of the search `key` of `kind`. Without a cursor the result comes from the cache or
   * from `run`; with one, from the snapshot it points into (410 search-expired when gone).
   * `signal` aborts when the client goes away; the run is cancelled only once every request
   * waiting for it has gone, and a request still waiting never inherits another's cancellation.
   */
  async page<T>(
    kind: string,
    key: string,
    run: SearchRunner<T>,
    limit: number,
    cursor?: string,
    signal?: AbortSignal,
  ): Promise<SearchPage<T>> {
    const queryHash = createHash('sha256').update(`${kind}\n${key}`).digest('base64url').slice(0, 22);
    if (cursor !== undefined) {
      const position = this.#readCursor(cursor, queryHash);
      const entry = await this.#deps.snapshots.get<SearchSnapshot<T>>(`snapshot:${position.s}`);
      if (!entry)
        throw new DomainError('search-expired', 'the search behind this cursor has expired; search again');
      return this.#cut(entry.value, queryHash, position.o, limit, 'HIT');
    }
    return this.#fresh(kind, queryHash, run, limit, { retryIfEvicted: true, retryIfCancelled: true }, signal);
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
  ): Promise<SearchPage<T>> {
    const cacheKey = `${kind}:${queryHash}`;
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
          await this.#deps.snapshots.set(`snapshot:${snapshot.searchId}`, snapshot, {
            ttlMs: Math.max(this.#deps.snapshotTtlMs, this.#deps.ttlMs(kind) + this.#deps.graceMs),
          });
          return { searchId: snapshot.searchId };
        },
        { ttlMs: this.#deps.ttlMs(kind), graceMs: this.#deps.graceMs },
      );
    } catch (error) {
      // The run was cancelled because every request it had went away; a request still waiting (one
      // that joined as the cancellation raced it) searches afresh instead of failing with it.
      if (error instanceof SearchCancelledError && !signal?.aborted && retries.retryIfCancelled) {
        return this.#fresh(kind, queryHash, run, limit, { ...retries, retryIfCancelled: false }, signal);
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
    const snapshot =
      ran.snapshot ??
      (await this.#deps.snapshots.get<SearchSnapshot<T>>(`snapshot:${result.entry.value.searchId}`))?.value;
    if (!snapshot) {
      // The snapshot was evicted before its pointer: search again, once.
      await this.#deps.cache.delete(cacheKey);
      if (!retries.retryIfEvicted)
        throw new DomainError('search-expired', 'the search result was evicted; search again');
      return this.#fresh(kind, queryHash, run, limit, { ...retries, retryIfEvicted: false }, signal);
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
    const data = snapshot.offers.slice(offset, offset + limit);
    const next = offset + data.length;
    const nextCursor =
      next < snapshot.offers.length
        ? this.#deps.signer.sign({ q: queryHash, s: snapshot.searchId, o: next })
        : null;
    const now = this.#deps.clock.now();
    return {
      data,
      meta: {
        count: data.length,
        total: snapshot.offers.length,
        nextCursor,
        searchId: snapshot.searchId,
        cachedAt: new Date(snapshot.createdAt).toISOString(),
        expiresAt: new Date(snapshot.expiresAt).toISOString(),
        partial: snapshot.partial !== undefined,
        ...(snapshot.suppliers ? { suppliers: snapshot.suppliers } : {}),
      },
      cache,
      maxAgeSeconds: Math.max(0, Math.floor((snapshot.expiresAt - now) / 1000)),
    };
  }
}
