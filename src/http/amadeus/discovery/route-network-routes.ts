import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { DestinationView, NearbyAirportView } from '../../../core/discovery/route-network.js';
import { toZonedIso } from '../../../kernel/zoned-time.js';
import type { ApiServices } from '../../services.js';
import { AMADEUS_TAG, baseUrl } from '../context.js';
import { amadeusBody, amadeusErrorResponses } from '../schemas.js';
import {
  AirlineDestinationsQuery,
  AirlinesQuery,
  AirlinesResponse,
  DirectDestinationsQuery,
  NearestAirportsQuery,
  NearestAirportsResponse,
  RouteDestinationsResponse,
} from './discovery-schemas.js';

const NEAREST_PATH = '/v1/reference-data/locations/airports';

/** A destination as Airport Routes and Airline Routes show it. */
function routeDestination({ airport, relevance }: DestinationView, now: number) {
  const local = toZonedIso(now, airport.timeZone);
  return {
    type: 'location' as const,
    subtype: 'airport' as const,
    name: airport.name.toUpperCase(),
    iataCode: airport.iata,
    geoCode: { latitude: airport.latitude, longitude: airport.longitude },
    address: {
      cityName: airport.city.toUpperCase(),
      countryName: airport.country.toUpperCase(),
      ...(airport.countryCode ? { countryCode: airport.countryCode } : {}),
    },
    timeZone: { offSet: local.slice(19), referenceLocalDateTime: local.slice(0, 19) },
    metrics: { relevance },
  };
}

/** An airport as Airport Nearest Relevant shows it. */
function nearbyAirport(view: NearbyAirportView, now: number) {
  const { airport } = view;
  return {
    type: 'location' as const,
    subType: 'AIRPORT' as const,
    name: airport.name.toUpperCase(),
    detailedName: `${airport.city}/${airport.countryCode ?? airport.country}: ${airport.name}`.toUpperCase(),
    timeZoneOffset: toZonedIso(now, airport.timeZone).slice(19),
    iataCode: airport.iata,
    geoCode: { latitude: airport.latitude, longitude: airport.longitude },
    address: {
      cityName: airport.city.toUpperCase(),
      cityCode: airport.cityCode,
      countryName: airport.country.toUpperCase(),
      ...(airport.countryCode ? { countryCode: airport.countryCode } : {}),
    },
    distance: { value: view.distanceKm, unit: 'KM' as const },
    analytics: { flights: { score: view.flightsScore }, travelers: { score: view.travelersScore } },
    relevance: view.relevance,
  };
}

const NEAREST_ORDER: Record<string, (a: NearbyAirportView, b: NearbyAirportView) => number> = {
  relevance: (a, b) => b.relevance - a.relevance,
  distance: (a, b) => a.distanceKm - b.distanceKm,
  'analytics.flights.score': (a, b) => b.flightsScore - a.flightsScore,
  'analytics.travelers.score': (a, b) => b.travelersScore - a.travelersScore,
};

/** A link to another page, with `page%5Boffset%5D=` spelt as the SDK's pagination looks for it. */
function pageLink(request: FastifyRequest, params: Record<string, string | number>, offset: number): string {
  const query = new URLSearchParams(
    Object.entries({ ...params, 'page[offset]': offset }).map(([k, v]): [string, string] => [k, String(v)]),
  );
  return `${baseUrl(request)}${NEAREST_PATH}?${query.toString()}`;
}

/**
 * Airline Code Lookup, Airport Nearest Relevant, Airport Routes and Airline Routes: what the
 * inventory's airlines and route network tell (core/discovery/route-network.ts).
 */
export const routeNetworkRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const network = services.discovery.network;

  app.get(
    '/v1/reference-data/airlines',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Airlines by code (Amadeus Airline Code Lookup v1)',
        description:
          'The airlines of the inventory; every one when airlineCodes is absent. No ICAO codes are kept.',
        querystring: AirlinesQuery,
        response: { 200: amadeusBody(AirlinesResponse, 'Airlines'), ...amadeusErrorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const codes = request.query.airlineCodes?.toUpperCase().split(',');
      const airlines = (await network.airlines(codes)).sort((a, b) => a.iata.localeCompare(b.iata));
      const found = new Set(airlines.map((a) => a.iata));
      const unknown = (codes ?? []).filter((code) => !found.has(code));
      return {
        meta: { count: airlines.length, links: { self: `${baseUrl(request)}${request.url}` } },
        data: airlines.map((airline) => ({
          type: 'airline' as const,
          iataCode: airline.iata,
          businessName: airline.name.toUpperCase(),
          commonName: airline.name.toUpperCase(),
        })),
        // Amadeus answered unknown codes with a warning, not an error.
        ...(unknown.length > 0
          ? {
              warnings: unknown.map((code) => ({
                code: 1797,
                title: 'NOT FOUND',
                detail: `no airline has the code ${code}`,
              })),
            }
          : {}),
      };
    },
  );

  app.get(
    NEAREST_PATH,
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Airports near a point (Amadeus Airport Nearest Relevant v1)',
        description:
          'Airports with flights in the inventory within radius km. analytics.flights.score: routes from the airport, relative to the busiest in the answer; analytics.travelers.score: the registry size of the airport; relevance: both, discounted by distance.',
        querystring: NearestAirportsQuery,
        response: {
          200: amadeusBody(NearestAirportsResponse, 'Airports, paged'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const { latitude, longitude, radius, sort } = request.query;
      const limit = request.query['page[limit]'];
      const offset = request.query['page[offset]'];
      const airports = (await network.nearestAirports(latitude, longitude, radius)).sort(NEAREST_ORDER[sort]);
      const params = { latitude, longitude, radius, sort, 'page[limit]': limit };
      const lastOffset = Math.max(0, Math.floor((airports.length - 1) / limit) * limit);
      const now = services.clock.now();
      return {
        meta: {
          count: airports.length,
          links: {
            self: pageLink(request, params, offset),
            ...(offset + limit < airports.length ? { next: pageLink(request, params, offset + limit) } : {}),
            ...(offset > 0 ? { previous: pageLink(request, params, Math.max(0, offset - limit)) } : {}),
            first: pageLink(request, params, 0),
            last: pageLink(request, params, lastOffset),
          },
        },
        data: airports.slice(offset, offset + limit).map((view) => nearbyAirport(view, now)),
      };
    },
  );

  app.get(
    '/v1/airport/direct-destinations',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Where an airport flies direct (Amadeus Airport Routes v1)',
        description:
          'Destinations of the direct routes from the airport (or every airport of a city code) in the inventory; metrics.relevance ranks them by airport size.',
        querystring: DirectDestinationsQuery,
        response: {
          200: amadeusBody(RouteDestinationsResponse, 'Destinations'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const { departureAirportCode, max, arrivalCountryCode } = request.query;
      const destinations = await network.directDestinations(departureAirportCode, {
        ...(max === undefined ? {} : { max }),
        ...(arrivalCountryCode === undefined ? {} : { arrivalCountryCode }),
      });
      const now = services.clock.now();
      return {
        meta: { count: destinations.length, links: { self: `${baseUrl(request)}${request.url}` } },
        data: destinations.map((d) => routeDestination(d, now)),
      };
    },
  );

  app.get(
    '/v1/airline/destinations',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Where an airline flies (Amadeus Airline Routes v1)',
        description:
          'Destinations of every route the airline operates in the inventory; metrics.relevance ranks them by airport size.',
        querystring: AirlineDestinationsQuery,
        response: {
          200: amadeusBody(RouteDestinationsResponse, 'Destinations'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const { airlineCode, max, arrivalCountryCode } = request.query;
      const destinations = await network.airlineDestinations(airlineCode, {
        ...(max === undefined ? {} : { max }),
        ...(arrivalCountryCode === undefined ? {} : { arrivalCountryCode }),
      });
      const now = services.clock.now();
      return {
        meta: { count: destinations.length, links: { self: `${baseUrl(request)}${request.url}` } },
        data: destinations.map((d) => routeDestination(d, now)),
      };
    },
  );
};
