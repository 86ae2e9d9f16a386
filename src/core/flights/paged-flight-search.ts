import { type FlightSearchQuery, toFlightSearchRequest } from '../search/request-rules.js';
import type { SearchOptions } from '../search/search-dependencies.js';
import { SearchPages } from '../search/search-pages.js';
import type { SearchPage, SearchResults, SearchRun } from '../search/search-results.js';
import type { FlightOfferView } from './flight-offer-view.js';
import type { FlightSearchRequest } from './flight-search-request.js';

/**
 * What every flight search answers transports with: pages cut from the cached results of its own
 * `search`, under its own `cacheKey`. The inventory search and the supplier search differ only in
 * those two.
 */
export abstract class PagedFlightSearch {
  /** Requests and cache keys of queries seen lately, by the transport's identity of the query. */
  readonly #pages: SearchPages<FlightSearchQuery, FlightSearchRequest, FlightOfferView>;

  constructor(results: SearchResults) {
    this.#pages = new SearchPages({
      kind: 'flights',
      results,
      toRequest: toFlightSearchRequest,
      cacheKey: (request) => this.cacheKey(request),
      search: (request, options) => this.search(request, options),
    });
  }

  /** The cache key of a request: equivalent requests share it. */
  abstract cacheKey(request: FlightSearchRequest): string;

  /** Every offer for the request, with the tags of what it read. */
  abstract search(request: FlightSearchRequest, options?: SearchOptions): Promise<SearchRun<FlightOfferView>>;

  /** The first page for `queryId` when it is a fresh hit held in process (SearchPages.peek). */
  peek(queryId: string, limit: number): SearchPage<FlightOfferView> | undefined {
    return this.#pages.peek(queryId, limit);
  }

  /**
   * One page of offers for a query: the domain rules checked, the result from the cache or a fresh
   * search, the page cut from its snapshot. Every transport (v1, compatibility routes) calls this;
   * `signal` aborts when the client has gone (the search stops once no other request waits for it).
   * `queryId`, when given, identifies `query` exactly (the v1 routes pass the raw URL), so a query
   * asked again skips its normalisation.
   */
  page(
    query: FlightSearchQuery,
    limit: number,
    cursor?: string,
    signal?: AbortSignal,
    queryId?: string,
  ): Promise<SearchPage<FlightOfferView>> {
    return this.#pages.page(query, limit, cursor, signal, queryId);
  }
}
