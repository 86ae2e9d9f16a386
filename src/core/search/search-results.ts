import { createHash, randomUUID } from 'node:crypto';
import type { Cache, CacheOutcome } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import type { RecentInvalidations } from '../cache/recent-invalidations.js';
import { DomainError, invalidField } from '../errors.js';
import type { TokenSigner } from '../offers/signed-token.js';

/** The immutable result set of one search; every page of it is cut from here. */
export interface SearchSnapshot<T> {
  searchId: string;
  createdAt: number;
  expiresAt: number;
  offers: T[];
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
  };
  cache: CacheOutcome;
  /** Seconds the answer stays fresh, for cache-control. */
  maxAgeSeconds: number;
}

/** What a search runner returns: the offers and the tags of what they depend on. */
export interface SearchRun<T> {
  offers: T[];
  tags: string[];
}

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

  constructor(deps: SearchResultsDependencies) {
    this.#deps = deps;
  }

  /**
   * One page of the search `key` of `kind`. Without a cursor the result comes from the cache or
   * from `run`; with one, from the snapshot it points into (410 search-expired when gone).
   */
  async page<T>(
    kind: string,
    key: string,
    run: () => Promise<SearchRun<T>>,
    limit: number,
    cursor?: string,
  ): Promise<SearchPage<T>> {
    const queryHash = createHash('sha256').update(`${kind}\n${key}`).digest('base64url').slice(0, 22);
    if (cursor !== undefined) {
      const position = this.#readCursor(cursor, queryHash);
      const entry = await this.#deps.snapshots.get<SearchSnapshot<T>>(`snapshot:${position.s}`);
      if (!entry)
        throw new DomainError('search-expired', 'the search behind this cursor has expired; search again');
      return this.#cut(entry.value, queryHash, position.o, limit, 'HIT');
    }
    return this.#fresh(kind, queryHash, run, limit, true);
  }

  /**
   * The cache keeps a small pointer per normalised search; the snapshot it points to is stored once,
   * by search id, without tags, so invalidating a search never pulls pages from under a client that
   * is paging through it.
   */
  async #fresh<T>(
    kind: string,
    queryHash: string,
    run: () => Promise<SearchRun<T>>,
    limit: number,
    retryIfEvicted: boolean,
  ): Promise<SearchPage<T>> {
    const cacheKey = `${kind}:${queryHash}`;
    const ran: { startedAt: number; tags: string[]; snapshot?: SearchSnapshot<T> } = {
      startedAt: 0,
      tags: [],
    };
    const result = await this.#deps.cache.getOrSet<SearchPointer>(
      cacheKey,
      async (context) => {
        ran.startedAt = this.#deps.clock.now();
        const { offers, tags } = await run();
        ran.tags = tags;
        context.setTags(tags);
        const now = this.#deps.clock.now();
        const snapshot: SearchSnapshot<T> = {
          searchId: randomUUID(),
          createdAt: now,
          expiresAt: now + this.#deps.ttlMs(kind),
          offers,
        };
        ran.snapshot = snapshot;
        await this.#deps.snapshots.set(`snapshot:${snapshot.searchId}`, snapshot, {
          ttlMs: Math.max(this.#deps.snapshotTtlMs, this.#deps.ttlMs(kind) + this.#deps.graceMs),
        });
        return { searchId: snapshot.searchId };
      },
      { ttlMs: this.#deps.ttlMs(kind), graceMs: this.#deps.graceMs },
    );
    // A search that read the inventory while it changed is answered (it shows what it read) but not
    // kept: its invalidation may have run before its result was stored (recent-invalidations.ts).
    if (ran.snapshot && this.#deps.recentInvalidations?.anySince(ran.tags, ran.startedAt)) {
      await this.#deps.cache.delete(cacheKey);
    }
    const snapshot =
      ran.snapshot ??
      (await this.#deps.snapshots.get<SearchSnapshot<T>>(`snapshot:${result.entry.value.searchId}`))?.value;
    if (!snapshot) {
      // The snapshot was evicted before its pointer: search again, once.
      await this.#deps.cache.delete(cacheKey);
      if (!retryIfEvicted)
        throw new DomainError('search-expired', 'the search result was evicted; search again');
      return this.#fresh(kind, queryHash, run, limit, false);
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
      },
      cache,
      maxAgeSeconds: Math.max(0, Math.floor((snapshot.expiresAt - now) / 1000)),
    };
  }
}
