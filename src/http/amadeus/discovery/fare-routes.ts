import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CheapestFare, FareAnswer } from '../../../core/discovery/cheapest-fares.js';
import { formatAmount } from '../../../core/money/money.js';
import type { ApiServices } from '../../services.js';
import { AMADEUS_TAG, baseUrl } from '../context.js';
import { AMADEUS_JSON } from '../responses.js';
import { amadeusBody, amadeusErrorResponses } from '../schemas.js';
import {
  FlightDatesQuery,
  FlightDatesResponse,
  FlightDestinationsQuery,
  FlightDestinationsResponse,
} from './discovery-schemas.js';

const DESTINATIONS_PATH = '/v1/shopping/flight-destinations';
const DATES_PATH = '/v1/shopping/flight-dates';
const OFFERS_PATH = '/v2/shopping/flight-offers';

/** Said on every answer asked with nonStop=false: the aggregates hold direct flights only. */
const DIRECT_ONLY_WARNING = {
  status: 200,
  code: 0,
  title: 'DIRECT FLIGHTS ONLY',
  detail:
    'Prices are of direct flights; connecting itineraries are not aggregated. Flight Offers Search (links.flightOffers) also finds them.',
};

/**
 * Bodies already rendered for a cached answer, by the base URL they link to and the defaults used. Answers are shared,
 * immutable values of the cache, so a hit sends the same bytes without mapping and serialising a
 * calendar of hundreds of fares again; a recomputed answer is a new object and renders afresh.
 */
const renderedBodies = new WeakMap<object, Map<string, string>>();
/** Renderings remembered per answer; more (clients reaching us under many host names) start over. */
const MAX_BASES_PER_ANSWER = 4;

function rendered(answer: FareAnswer, base: string, render: () => unknown): string {
  let bodies = renderedBodies.get(answer.fares);
  if (bodies === undefined) {
    bodies = new Map();
    renderedBodies.set(answer.fares, bodies);
  }
  // Equal questions share the answer; which parameters were left to their defaults may differ.
  const id = `${base} ${answer.defaulted.join(',')}`;
  let body = bodies.get(id);
  if (body === undefined) {
    body = JSON.stringify(render());
    if (bodies.size >= MAX_BASES_PER_ANSWER) bodies.clear();
    bodies.set(id, body);
  }
  return body;
}

/** A query string with commas left readable, as Amadeus writes its links. */
function query(params: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(params)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => `${name}=${encodeURIComponent(String(value)).replace(/%2C/g, ',')}`)
    .join('&');
}

/** The parameters an answer was computed with, defaults included, as Amadeus repeats them in links. */
function answerParams(answer: FareAnswer, withDestination: boolean) {
  const r = answer.resolved;
  return {
    origin: r.origin,
    ...(withDestination ? { destination: r.destination } : {}),
    departureDate: r.departureDate,
    oneWay: r.oneWay,
    duration: r.oneWay ? undefined : r.duration,
    nonStop: r.nonStop,
    maxPrice: r.maxPrice,
    viewBy: r.viewBy,
  };
}

function offersLink(base: string, fare: CheapestFare, nonStop: boolean): string {
  return `${base}${OFFERS_PATH}?${query({
    originLocationCode: fare.origin,
    destinationLocationCode: fare.destination,
    departureDate: fare.departureDate,
    returnDate: fare.returnDate,
    adults: 1,
    nonStop,
  })}`;
}

/** What both answers share: prices, dictionaries, meta with defaults, the direct-only warning. */
function answerBody(answer: FareAnswer, base: string, selfPath: string, withDestination: boolean) {
  const used = new Set([answer.resolved.origin, ...answer.fares.map((f) => f.destination)]);
  const locations = Object.fromEntries(
    answer.airports
      .filter((airport) => used.has(airport.iata))
      .map((airport) => [airport.iata, { subType: 'AIRPORT', detailedName: airport.name.toUpperCase() }]),
  );
  const defaults = Object.fromEntries(
    answer.defaulted.map((name) => [name, answer.resolved[name as keyof FareAnswer['resolved']]]),
  );
  const currencyName =
    new Intl.DisplayNames(['en'], { type: 'currency' }).of(answer.currency) ?? answer.currency;
  return {
    dictionaries: { currencies: { [answer.currency]: currencyName.toUpperCase() }, locations },
    meta: {
      currency: answer.currency,
      links: { self: `${base}${selfPath}?${query(answerParams(answer, withDestination))}` },
      defaults,
      // The aggregates hold each route's cheapest direct fare per day: said on every answer, so an
      // app reading meta knows a connection may be cheaper (the warning says it where that matters).
      directFlightsOnly: true,
    },
    ...(answer.resolved.nonStop ? {} : { warnings: [DIRECT_ONLY_WARNING] }),
  };
}

/**
 * Flight Inspiration Search and Flight Cheapest Date Search, answered from the cached fare
 * aggregates of the inventory's direct flights (core/discovery/cheapest-fares.ts).
 */
export const fareRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (app, { services }) => {
  app.get(
    DESTINATIONS_PATH,
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Cheapest destinations from an origin (Amadeus Flight Inspiration Search v1)',
        description:
          'Cheapest economy fare for one adult to every destination flown direct from the origin, from cached aggregates of the inventory (invalidated by price and seat changes). Prices in USD.',
        querystring: FlightDestinationsQuery,
        response: {
          200: amadeusBody(FlightDestinationsResponse, 'Cheapest fares by destination'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request, reply) => {
      const answer = await services.discovery.fares.destinations(request.query);
      const base = baseUrl(request);
      const params = answerParams(answer, false);
      reply.type(AMADEUS_JSON);
      return rendered(answer, base, () => ({
        data: answer.fares.map((fare) => ({
          type: 'flight-destination' as const,
          origin: fare.origin,
          destination: fare.destination,
          departureDate: fare.departureDate,
          ...(fare.returnDate ? { returnDate: fare.returnDate } : {}),
          price: { total: formatAmount({ minor: fare.total, currency: answer.currency }) },
          links: {
            flightDates: `${base}${DATES_PATH}?${query({
              origin: params.origin,
              destination: fare.destination,
              departureDate: params.departureDate,
              oneWay: params.oneWay,
              duration: params.duration,
              nonStop: params.nonStop,
              viewBy: params.oneWay ? 'DATE' : 'DURATION',
            })}`,
            flightOffers: offersLink(base, fare, answer.resolved.nonStop),
          },
        })),
        ...answerBody(answer, base, DESTINATIONS_PATH, false),
      }));
    },
  );

  app.get(
    DATES_PATH,
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Cheapest dates between two places (Amadeus Flight Cheapest Date Search v1)',
        description:
          'Cheapest direct economy fare for one adult per departure date (and stay), from the same cached aggregates as Flight Inspiration. Prices in USD.',
        querystring: FlightDatesQuery,
        response: {
          200: amadeusBody(FlightDatesResponse, 'Cheapest fares by date'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request, reply) => {
      const answer = await services.discovery.fares.dates(request.query);
      const base = baseUrl(request);
      const params = answerParams(answer, false);
      reply.type(AMADEUS_JSON);
      return rendered(answer, base, () => ({
        data: answer.fares.map((fare) => ({
          type: 'flight-date' as const,
          origin: fare.origin,
          destination: fare.destination,
          departureDate: fare.departureDate,
          ...(fare.returnDate ? { returnDate: fare.returnDate } : {}),
          price: { total: formatAmount({ minor: fare.total, currency: answer.currency }) },
          links: {
            flightDestinations: `${base}${DESTINATIONS_PATH}?${query({
              ...params,
              maxPrice: undefined,
              viewBy: params.oneWay ? 'DATE' : 'DURATION',
            })}`,
            flightOffers: offersLink(base, fare, answer.resolved.nonStop),
          },
        })),
        ...answerBody(answer, base, DATES_PATH, true),
      }));
    },
  );
};
