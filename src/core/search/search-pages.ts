import { NormalisedQueries } from './normalised-queries.js';
import type { SearchOptions } from './search-dependencies.js';
import type { SearchPage, SearchResults, SearchRun, SearchRunner } from './search-results.js';

/** What a search use case brings to answer pages: how it reads a query, keys it and searches. */
export interface SearchPagesSpec<Q, R, T> {
  /** Cache namespace of the results ('flights', 'hotels'). */
  kind: string;
  results: SearchResults;
  /** The domain rules: a transport's query as a request, or a field error. */
  toRequest(query: Q): R;
  cacheKey(request: R): string;
  search(request: R, options: SearchOptions): Promise<SearchRun<T>>;
}

/**
 * One page of offers for a query — the domain rules checked, the result from the cache or a fresh
 * search, the page cut from its snapshot — shared by every search use case, so each transport (v1,
 * compatibility routes, Lambda) pages the same way. `queryId` is the transport's identity of the
 * query (the v1 routes give the raw URL), under which the normalised request is remembered;
 * `signal` aborts when the client has gone (the search stops once no other request waits for it).
 */
export class SearchPages<Q, R, T> {
  readonly #spec: SearchPagesSpec<Q, R, T>;
  readonly #queries = new NormalisedQueries<R>();

  constructor(spec: SearchPagesSpec<Q, R, T>) {
    this.#spec = spec;
  }

  /**
   * The first page of `limit` offers for the query known as `queryId`, when it can be answered now
   * without I/O: the query was normalised before and its result is a fresh hit held in process.
   * Undefined otherwise (then `page` answers). Counts towards the query's popularity like `page`.
   */
  peek(queryId: string, limit: number): SearchPage<T> | undefined {
    const known = this.#queries.known(queryId);
    if (known === undefined) return undefined;
    const { request, key } = known;
    return this.#spec.results.peek({
      kind: this.#spec.kind,
      key,
      run: this.#runner(request),
      limit,
      request,
    });
  }

  page(
    query: Q,
    limit: number,
    cursor?: string,
    signal?: AbortSignal,
    queryId?: string,
  ): Promise<SearchPage<T>> {
    const spec = this.#spec;
    const { request, key } = this.#queries.get(queryId, () => {
      const request = spec.toRequest(query);
      return { request, key: spec.cacheKey(request) };
    });
    return spec.results.page({
      kind: spec.kind,
      key,
      run: this.#runner(request),
      limit,
      cursor,
      signal,
      request,
    });
  }

  /** The search of `request`, as the results run it on a miss or a background refresh. */
  #runner(request: R): SearchRunner<T> {
    return (searchSignal) => this.#spec.search(request, { signal: searchSignal });
  }
}
