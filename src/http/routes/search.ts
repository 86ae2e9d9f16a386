import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { SearchPage } from '../../core/search/search-results.js';
import { clientGoneSignal } from '../client-gone.js';
import { searchOf } from '../plugins/analytics-recorder.js';
import { problemResponses } from '../schemas/common.js';
import { FlightSearchQuery, FlightSearchResponse } from '../schemas/flights.js';
import { HotelSearchQuery, HotelSearchResponse } from '../schemas/hotels.js';
import { LocationQuery, LocationResponse } from '../schemas/locations.js';
import type { FrontAnswer, SearchFront } from '../search-front.js';
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
      return sendLocations(reply, data, cache);
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
    async (request, reply) => {
      const { query, url } = request;
      const page = await services.flights.page(
        query,
        query.limit,
        query.cursor,
        clientGoneSignal(reply),
        url,
      );
      if (query.cursor === undefined)
        front?.learn(url, () => ({
          route: '/v1/flights/search',
          cacheType: 'flights',
          peek: () => pageAnswer(services.flights.peek(url, query.limit)),
          search: searchOf('/v1/flights/search', query),
        }));
      return sendSearchPage(request, reply, page);
    },
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
    async (request, reply) => {
      const { query, url } = request;
      const page = await services.hotels.page(query, query.limit, query.cursor, clientGoneSignal(reply), url);
      if (query.cursor === undefined)
        front?.learn(url, () => ({
          route: '/v1/hotels/search',
          cacheType: 'hotels',
          peek: () => pageAnswer(services.hotels.peek(url, query.limit)),
          search: searchOf('/v1/hotels/search', query),
        }));
      return sendSearchPage(request, reply, page);
    },
  );
};
