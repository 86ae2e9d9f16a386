import { LRUCache } from 'lru-cache';

/** A search request in the core's terms with its cache key. */
export interface NormalisedSearch<R> {
  search: R;
  key: string;
}

/**
 * Normalised requests and cache keys by raw URL: popular searches arrive as the very same URL over
 * and over, and turning a query into a request and a key (dates checked, codes folded, parameters
 * sorted) was several per cent of a cached answer. Only successes are kept; a URL whose query is
 * refused is normalised (and refused) each time. Entries are shared: treat them as immutable.
 */
export class NormalisedSearches<R> {
  readonly #byUrl: LRUCache<string, NormalisedSearch<R>>;

  constructor(max = 20_000) {
    this.#byUrl = new LRUCache({ max });
  }

  get(url: string, normalise: () => NormalisedSearch<R>): NormalisedSearch<R> {
    let known = this.#byUrl.get(url);
    if (known === undefined) {
      known = normalise();
      this.#byUrl.set(url, known);
    }
    return known;
  }
}
