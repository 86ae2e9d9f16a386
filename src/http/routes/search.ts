import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SearchPage } from '../../core/search/search-results.js';
import { firstPageSearch } from '../answer-records.js';
import { clientGoneSignal } from '../client-gone.js';
import type { CacheDataType } from '../plugins/metrics.js';
import { problemResponses } from '../schemas/common.js';
import { FlightSearchQuery, FlightSearchResponse } from '../schemas/flights.js';
import { HotelSearchQuery, HotelSearchResponse } from '../schemas/hotels.js';
import { LocationQuery, LocationResponse } from '../schemas/locations.js';
import type { FrontAnswer, LearnedSearch, SearchFront } from '../search-front.js';
import { preparedBytes, sendLocations, sendSearchPage } from '../search-reply.js';
import type { ApiServices } from '../services.js';

const cacheHeaders = {
  'x-cache': Type.Union([Type.Literal('HIT'), Type.Literal('MISS'), Type.Literal('STALE')]),
  etag: Type.String(),
};

/** A fresh page held in process, as the front sends it: its prepared bytes and freshness. */
function pageAnswer(page: SearchPage<unknown> | undefined): FrontAnswer | undefined {
  const bytes = page && preparedBytes(page.content);
  return bytes && { bytes, maxAgeSeconds: page?.maxAgeSeconds };
}

/** The paging fields every search query has. */
type SearchQuery = { limit: number; cursor?: string | undefined };

/** What the search routes ask of a search use case: a page, or a fresh hit held in process. */
interface PagedSearch<Q> {
  page(
    query: Q,
    limit: number,
    cursor?: string,
    signal?: AbortSignal,
    queryId?: string,
  ): Promise<SearchPage<unknown>>;
  peek(queryId: string, limit: number): SearchPage<unknown> | undefined;
}

/**
 * The handler of a search route: a page of `search` sent from its prepared bytes, and, for a first
 * page, the front taught how to answer the same URL again.
 */
function searchHandler<Q>(
  route: '/v1/flights/search' | '/v1/hotels/search',
  cacheType: CacheDataType,
  search: PagedSearch<Q>,
  front: SearchFront | undefined,
) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    // The route's schema validated the query into Q and its paging fields.
    const query = request.query as Q & SearchQuery;
    const url = request.url;
    const page = await search.page(query, query.limit, query.cursor, clientGoneSignal(reply), url);
    if (query.cursor === undefined)
      front?.learn(url, () =>
        learnedSearch(route, cacheType, search, url, query.limit, request.query as Record<string, unknown>),
      );
    return sendSearchPage(request, reply, page);
  };
}

/**
 * What the front keeps of a search URL. Built here, not in the handler: a closure made in the
 * handler would keep the handler's whole scope alive — the request, its socket and the page —
 * for as long as the front remembers the URL (20,000 URLs).
 */
function learnedSearch<Q>(
  route: '/v1/flights/search' | '/v1/hotels/search',
  cacheType: CacheDataType,
  search: PagedSearch<Q>,
  url: string,
  limit: number,
  query: Record<string, unknown>,
): LearnedSearch {
  return {
    route,
    cacheType,
    peek: () => pageAnswer(search.peek(url, limit)),
    search: firstPageSearch(route, query),
  };
}

/** Location autocomplete and flight and hotel search. */
export const searchRoutes: FastifyPluginAsyncTypebox<{
  services: ApiServices;
  /** The cached-search front, told how to answer each first page the routes answered. */
  front?: SearchFront | undefined;
}> = async (app, { services, front }) => {
  app.get(
    '/v1/locations',
    {
      config: { cacheType: 'locations' },
      schema: {
        tags: ['search'],
        summary: 'Airport and city autocomplete',
        querystring: LocationQuery,
        response: {
          200: { ...LocationResponse, headers: { 'x-cache': cacheHeaders['x-cache'] } },
          ...problemResponses(400),
        },
      },
    },
    async (request, reply) => {
      const { query, url } = request;
      const { data, cache } = await services.locations.search(query.q, query.limit);
      front?.learn(url, () => ({
        route: '/v1/locations',
        cacheType: 'locations',
        peek: () => {
          const known = services.locations.peek(query.q, query.limit);
          const bytes = known && preparedBytes(known);
          return bytes && { bytes };
        },
      }));
      return sendLocations(request, reply, data, cache);
    },
  );

  app.get(
    '/v1/flights/search',
    {
      config: { cacheType: 'flights' },
      schema: {
        tags: ['search'],
        summary: 'Search flight offers',
        querystring: FlightSearchQuery,
        response: {
          200: { ...FlightSearchResponse, headers: cacheHeaders },
          304: Type.Null(),
          ...problemResponses(400, 410),
        },
      },
    },
    searchHandler('/v1/flights/search', 'flights', services.flights, front),
  );

  app.get(
    '/v1/hotels/search',
    {
      config: { cacheType: 'hotels' },
      schema: {
        tags: ['search'],
        summary: 'Search hotel offers',
        querystring: HotelSearchQuery,
        response: {
          200: { ...HotelSearchResponse, headers: cacheHeaders },
          304: Type.Null(),
          ...problemResponses(400, 410),
        },
      },
    },
    searchHandler('/v1/hotels/search', 'hotels', services.hotels, front),
  );
};
