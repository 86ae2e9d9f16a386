import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError } from 'fastify';
import { DomainError } from '../../core/errors.js';
import type { AccessTokens } from '../../core/gateway/access-tokens.js';
import { toProblem } from '../error-handler.js';
import type { ApiServices } from '../services.js';
import { formFields } from '../validation/form-body.js';
import { strictJsonParser } from '../validation/strict-json-parser.js';
import { discoveryRoutes } from './discovery/discovery-routes.js';
import { amadeusErrors } from './errors.js';
import { flightOfferRoutes } from './flight-offer-routes.js';
import { flightOrderRoutes } from './flight-order-routes.js';
import { AmadeusFlightOffer, FlightOrderSchema } from './flight-schemas.js';
import { hotelOrderRoutes } from './hotel-order-routes.js';
import { hotelRoutes } from './hotel-routes.js';
import { locationRoutes } from './location-routes.js';
import { AmadeusHotelOffers, AmadeusLocation } from './place-schemas.js';
import { foldQueryLists } from './query-lists.js';
import { AMADEUS_JSON, fieldNamesOf, sendAmadeusErrors } from './responses.js';
import { AmadeusErrorSchema } from './schemas.js';
import { tokenRoute } from './token-route.js';

export interface AmadeusRoutesOptions {
  services: ApiServices;
  accessTokens: AccessTokens;
}

/**
 * The routes of the Amadeus Self-Service APIs that its SDK calls, as thin mappers over the same use
 * cases as /v1, in their own scope: Amadeus's media types and body parsing (an empty body is no
 * body, as the SDK's DELETE sends it), errors as `{errors: […]}`, and plain JSON.stringify output so
 * no member of a returned offer is dropped (clients send offers back whole).
 */
export const amadeusRoutes: FastifyPluginAsyncTypebox<AmadeusRoutesOptions> = async (app, options) => {
  app.addSchema(AmadeusErrorSchema);
  app.addSchema(AmadeusFlightOffer);
  app.addSchema(FlightOrderSchema);
  app.addSchema(AmadeusLocation);
  app.addSchema(AmadeusHotelOffers);

  app.removeContentTypeParser('application/json');
  const json = strictJsonParser(app);
  app.addContentTypeParser(
    ['application/json', AMADEUS_JSON],
    { parseAs: 'string' },
    (request, body, done) => {
      if (body === '') {
        done(null, undefined);
        return;
      }
      json(request, String(body), done);
    },
  );
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, formFields(String(body)));
    },
  );
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook('preValidation', async (request) => {
    request.query = foldQueryLists(request.query as Record<string, unknown>);
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toProblem(error, request);
    if (error instanceof DomainError && typeof error.details.retryAfterSeconds === 'number') {
      reply.header('retry-after', String(error.details.retryAfterSeconds));
    }
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendAmadeusErrors(
      reply,
      amadeusErrors(problem, {
        fieldNames: fieldNamesOf(request),
        schemaViolation: Boolean(error.validation),
      }),
    );
  });

  await app.register(tokenRoute, { accessTokens: options.accessTokens });
  await app.register(locationRoutes, { services: options.services });
  await app.register(flightOfferRoutes, { services: options.services });
  await app.register(flightOrderRoutes, { services: options.services });
  await app.register(hotelRoutes, { services: options.services });
  await app.register(hotelOrderRoutes, { services: options.services });
  await app.register(discoveryRoutes, { services: options.services });
};
