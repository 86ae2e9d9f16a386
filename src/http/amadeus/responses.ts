import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { type Problem, problem } from '../problems.js';
import { type AmadeusErrorBody, amadeusErrors, type FieldNames } from './errors.js';
import { isAmadeusRequest, judgedPath, TOKEN_PATH } from './paths.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How a compatibility route names the core's field names ("query.origin") in its request. */
    amadeusFields?: FieldNames;
  }
}

/** The media type Amadeus answered with. Its SDK parses a body only when the type is exactly this or application/json. */
export const AMADEUS_JSON = 'application/vnd.amadeus+json';

/** Sends an Amadeus error body with its status. */
export function sendAmadeusErrors(reply: FastifyReply, body: AmadeusErrorBody): FastifyReply {
  return reply
    .code(body.errors[0]?.status ?? 500)
    .type(AMADEUS_JSON)
    .serializer(JSON.stringify)
    .send(body);
}

/** An Amadeus error for a URL the router refused (too long, badly percent-encoded). */
export function sendFrameworkError(
  request: FastifyRequest,
  reply: FastifyReply,
  statusCode: number | undefined,
): FastifyReply {
  const body =
    statusCode === 414
      ? problem('uri-too-long', 'a path segment is longer than allowed')
      : problem('invalid-request', 'the URL is not validly percent-encoded');
  return sendAmadeusErrors(reply, amadeusErrors({ ...body, instance: request.url.split('?')[0] }));
}

/** The route's field names, for error sources. */
export function fieldNamesOf(request: FastifyRequest): FieldNames | undefined {
  return request.routeOptions.config?.amadeusFields;
}

/**
 * Every answer under the Amadeus paths in Amadeus's form, whoever produced it: problem+json bodies
 * (from the API key check, the rate limiter, load shedding, the 404 handler) become `{errors: […]}`,
 * and JSON answers carry their media type with no `charset` parameter, which the SDK cannot parse.
 * App-wide (fastify-plugin), so it also sees replies for unknown routes under those paths.
 */
const amadeusResponsesPlugin: FastifyPluginAsync = async (app) => {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!isAmadeusRequest(request)) return payload;
    const type = String(reply.getHeader('content-type') ?? '');
    if (type.startsWith('application/problem+json') && typeof payload === 'string') {
      const problem = JSON.parse(payload) as Problem;
      reply.header('content-type', AMADEUS_JSON);
      return JSON.stringify(amadeusErrors(problem, { fieldNames: fieldNamesOf(request) }));
    }
    if (type.startsWith(AMADEUS_JSON) || type.startsWith('application/json')) {
      // The token endpoint answered plain JSON at Amadeus; everything else its own media type.
      reply.header('content-type', judgedPath(request) === TOKEN_PATH ? 'application/json' : AMADEUS_JSON);
    }
    return payload;
  });
};

export const amadeusResponses = fp(amadeusResponsesPlugin, {
  fastify: '5.x',
  name: 'travel-platform-amadeus-responses',
});
