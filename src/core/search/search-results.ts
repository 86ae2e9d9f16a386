import { createHash, randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
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

export interface SearchPageMeta {
  count: number;
  total: number;
  nextCursor: string | null;
  searchId: string;
  cachedAt: string;
  expiresAt: string;
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
  /** Snapshots and cut pages kept in process (they are immutable, so keeping them is always safe). */
  preparedPages?: number;
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
  /**
   * Snapshots by search id and pages by search id, offset and limit. A search id names one
   * immutable result set, so these never go stale: freshness is decided by the result cache's
   * pointer, read on every request; these only spare re-reading and re-cutting what it points to.
   */
  readonly #snapshots: LRUCache<string, { snapshot: SearchSnapshot<unknown>; keepUntil: number }>;
  readonly #pages: LRUCache<string, SearchPageContent<unknown>>;
  /** Hashes of normalised keys: the same few thousand popular keys are hashed over and over. */
  readonly #queryHashes = new LRUCache<string, string>({ max: 50_000 });

  constructor(deps: SearchResultsDependencies) {
    this.#deps = deps;
    const max = deps.preparedPages ?? 2_000;
    this.#snapshots = new LRUCache({ max });
    this.#pages = new LRUCache({ max });
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
    const queryHash = this.#queryHash(kind, key);
    if (cursor !== undefined) {
      const position = this.#readCursor(cursor, queryHash);
      const snapshot = await this.#snapshot<T>(position.s);
      if (!snapshot)
        throw new DomainError('search-expired', 'the search behind this cursor has expired; search again');
      return this.#cut(snapshot, queryHash, position.o, limit, 'HIT');
    }
    return this.#fresh(kind, queryHash, run, limit, true);
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

  /** The snapshot with `searchId`, from process memory first, then from the snapshot store. */
  async #snapshot<T>(searchId: string): Promise<SearchSnapshot<T> | undefined> {
    const kept = this.#snapshots.get(searchId);
    if (kept !== undefined) {
      if (kept.keepUntil > this.#deps.clock.now()) return kept.snapshot as SearchSnapshot<T>;
      this.#snapshots.delete(searchId);
    }
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
        this.#keep(snapshot, now + this.#snapshotTtlMs(kind));
        await this.#deps.snapshots.set(`snapshot:${snapshot.searchId}`, snapshot, {
          ttlMs: this.#snapshotTtlMs(kind),
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
    const snapshot = ran.snapshot ?? (await this.#snapshot<T>(result.entry.value.searchId));
    if (!snapshot) {
      // The snapshot was evicted before its pointer: search again, once.
      await this.#deps.cache.delete(cacheKey);
      this.#snapshots.delete(result.entry.value.searchId);
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
      }),
    });
  }
}
