import { LRUCache } from 'lru-cache';
import type { CacheOutcome } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import { invalidField } from '../errors.js';
import type { TokenSigner } from '../offers/signed-token.js';
import type { SupplierOutcomes } from '../suppliers/supplier-outcome.js';
import type { SearchSnapshot } from './search-snapshots.js';

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
  /**
   * What the page is, not how it is spelled: its snapshot's id, offset and limit. Every process
   * that cuts this page of an equal result gives the same version (the bytes differ only in the
   * moments the offers were stamped with), so it is what a transport's entity tag is made from.
   * Not part of the body.
   */
  readonly version: string;
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

/** Where a cursor points: the search (hash of its normalised query), its snapshot, the offset. */
export interface CursorPosition {
  q: string;
  s: string;
  o: number;
}

/**
 * Cuts pages from snapshots and signs and reads the cursors between them. Cut pages are kept by
 * search id, creation time, offset and limit: a snapshot is immutable, so a page of it is too (a
 * later run with the same result makes a new snapshot under the same id, with other times).
 */
export class SearchPageCutter {
  readonly #signer: TokenSigner;
  readonly #clock: Clock;
  readonly #pages: LRUCache<string, SearchPageContent<unknown>>;

  constructor(options: { signer: TokenSigner; clock: Clock; kept: number }) {
    this.#signer = options.signer;
    this.#clock = options.clock;
    this.#pages = new LRUCache({ max: options.kept });
  }

  /** The position a client's cursor names, or a field error when it is forged or of another search. */
  readCursor(cursor: string, queryHash: string): CursorPosition {
    const payload = this.#signer.verify(cursor) as Partial<CursorPosition> | undefined;
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
    return payload as CursorPosition;
  }

  /** `limit` offers of `snapshot` from `offset`, answered with the cache outcome `cache`. */
  cut<T>(
    snapshot: SearchSnapshot<T>,
    queryHash: string,
    offset: number,
    limit: number,
    cache: CacheOutcome,
  ): SearchPage<T> {
    const pageKey = `${snapshot.searchId}:${snapshot.createdAt}:${offset}:${limit}`;
    let content = this.#pages.get(pageKey) as SearchPageContent<T> | undefined;
    if (content === undefined) {
      content = this.#content(snapshot, queryHash, offset, limit);
      this.#pages.set(pageKey, content as SearchPageContent<unknown>);
    }
    const now = this.#clock.now();
    return {
      data: content.data,
      meta: content.meta,
      content,
      cache,
      maxAgeSeconds: Math.max(0, Math.floor((snapshot.expiresAt - now) / 1000)),
    };
  }

  /** Drops the cut pages (and with them the bytes a transport prepared for them). */
  release(): void {
    this.#pages.clear();
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
        ? this.#signer.sign({ q: queryHash, s: snapshot.searchId, o: next } satisfies CursorPosition)
        : null;
    return Object.freeze({
      data,
      version: `${snapshot.searchId}:${offset}:${limit}`,
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
