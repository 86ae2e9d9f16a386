import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors.js';
import type { LocationView } from '../../core/locations/location-search.js';
import { toZonedIso } from '../../kernel/zoned-time.js';
import type { ApiServices } from '../services.js';
import { AMADEUS_TAG, baseUrl } from './context.js';
import { LocationParams, LocationResponse, LocationsQuery, LocationsResponse } from './place-schemas.js';
import { amadeusBody, amadeusErrorResponses } from './schemas.js';

/** Matches fetched per keyword; the pages are cut from them (one cache entry per keyword). */
const MATCHES = 50;

const LOCATIONS_PATH = '/v1/reference-data/locations';

/** A location as Amadeus's Airport & City Search shows it. */
function amadeusLocation(location: LocationView, base: string, now: number) {
  const subType = location.type === 'airport' ? 'AIRPORT' : 'CITY';
  const id = `${subType === 'AIRPORT' ? 'A' : 'C'}${location.iataCode}`;
  return {
    type: 'location' as const,
    subType,
    name: location.name.toUpperCase(),
    detailedName: `${location.cityName}/${location.country}: ${location.name}`.toUpperCase(),
    id,
    self: { href: `${base}${LOCATIONS_PATH}/${id}`, methods: ['GET'] },
    timeZoneOffset: toZonedIso(now, location.timeZone).slice(19),
    iataCode: location.iataCode,
    geoCode: { latitude: location.latitude, longitude: location.longitude },
    address: {
      cityName: location.cityName.toUpperCase(),
      cityCode: location.cityCode,
      countryName: location.country.toUpperCase(),
      ...(location.countryCode ? { countryCode: location.countryCode } : {}),
    },
  };
}

/** A link to another page, with `page%5Boffset%5D=` spelt as the SDK's pagination looks for it. */
function pageLink(request: FastifyRequest, params: Record<string, string | number>, offset: number): string {
  const query = new URLSearchParams(
    Object.entries({ ...params, 'page[offset]': offset }).map(([k, v]): [string, string] => [k, String(v)]),
  );
  return `${baseUrl(request)}${LOCATIONS_PATH}?${query.toString()}`;
}

/** Airport & City Search: keyword search and lookup by id, over the core's location search. */
export const locationRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.get(
    LOCATIONS_PATH,
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Airports and cities by keyword (Amadeus Airport & City Search v1)',
        description:
          'Paged with page[limit] and page[offset]; meta.links carries next, previous, first and last.',
        querystring: LocationsQuery,
        response: {
          200: amadeusBody(LocationsResponse, 'Matching locations'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const { keyword, subType, view, countryCode } = request.query;
      const country = countryCode?.toUpperCase();
      const limit = request.query['page[limit]'];
      const offset = request.query['page[offset]'];
      const wanted = new Set(subType.split(','));
      const { data } = await services.locations.search(keyword, MATCHES);
      const matches = data.filter(
        (location) =>
          wanted.has(location.type.toUpperCase()) &&
          (country === undefined || location.countryCode === country),
      );
      const base = baseUrl(request);
      const params = {
        keyword,
        subType,
        view,
        ...(country ? { countryCode: country } : {}),
        'page[limit]': limit,
      };
      const lastOffset = Math.max(0, Math.floor((matches.length - 1) / limit) * limit);
      const now = services.clock.now();
      return {
        meta: {
          count: matches.length,
          links: {
            self: pageLink(request, params, offset),
            ...(offset + limit < matches.length ? { next: pageLink(request, params, offset + limit) } : {}),
            ...(offset > 0 ? { previous: pageLink(request, params, Math.max(0, offset - limit)) } : {}),
            first: pageLink(request, params, 0),
            last: pageLink(request, params, lastOffset),
          },
        },
        data: matches.slice(offset, offset + limit).map((location) => amadeusLocation(location, base, now)),
      };
    },
  );

  app.get(
    `${LOCATIONS_PATH}/:locationId`,
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'One airport or city by id (Amadeus Airport & City Search v1)',
        description: 'Ids are A or C followed by the IATA code: ALHR, CLON.',
        params: LocationParams,
        response: {
          200: amadeusBody(LocationResponse, 'The location'),
          ...amadeusErrorResponses(401, 404, 429),
        },
      },
    },
    async (request) => {
      const id = request.params.locationId.toUpperCase();
      const match = /^([AC])([A-Z]{3})$/.exec(id);
      const code = match?.[2];
      const type = match?.[1] === 'A' ? 'airport' : 'city';
      const { data } = code === undefined ? { data: [] } : await services.locations.search(code, MATCHES);
      const found =
        data.find((l) => l.iataCode === code && l.type === type) ??
        // A city with one airport is listed as its airport; it is still a city.
        (type === 'city'
          ? data
              .map((l) => ({ ...l, type: 'city' as const, iataCode: l.cityCode }))
              .find((l) => l.cityCode === code)
          : undefined);
      if (!found) throw new DomainError('not-found', `no location has the id ${request.params.locationId}`);
      const location = amadeusLocation(found, baseUrl(request), services.clock.now());
      return { meta: { links: { self: location.self.href } }, data: location };
    },
  );
};
