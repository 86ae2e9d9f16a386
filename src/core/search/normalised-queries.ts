import { LRUCache } from 'lru-cache';

/** A search request in the core's terms with its cache key. */
export interface NormalisedQuery<R> {
  request: R;
  key: string;
}

/**
 * Normalised requests and cache keys by the transport's identity of a query (the v1 routes give
 * the raw URL): popular searches arrive as the very same URL over and over, and turning a query
 * into a request and a key (dates checked, codes folded, parameters sorted) was several per cent
 * of a cached answer. Only successes are kept; a query that is refused is normalised (and refused)
 * each time. Entries are shared: treat them as immutable.
 */
export class NormalisedQueries<R> {
  readonly #byId: LRUCache<string, NormalisedQuery<R>>;

  constructor(max = 20_000) {
    this.#byId = new LRUCache({ max });
  }

  /** The normalised query known as `id`, if it was normalised before (and is still kept). */
  known(id: string): NormalisedQuery<R> | undefined {
    return this.#byId.get(id);
  }

  /** The normalised query known as `id`, normalised now when new; without an id, never kept. */
  get(id: string | undefined, normalise: () => NormalisedQuery<R>): NormalisedQuery<R> {
    if (id === undefined) return normalise();
    let known = this.#byId.get(id);
    if (known === undefined) {
      known = normalise();
      this.#byId.set(id, known);
    }
    return known;
  }
}
