import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AccessTokens } from '../../core/gateway/access-tokens.js';
import {
  type ApiKeyPrincipal,
  ApiKeyRejectedError,
  type ApiKeyService,
} from '../../core/gateway/api-key-service.js';
import { isAmadeusRequest, judgedPath, TOKEN_PATH } from '../amadeus/paths.js';
import { replyWithProblem } from '../problems.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the request authenticated with; null on routes that need none. */
    apiKey: ApiKeyPrincipal | null;
  }
}

export interface ApiKeyAuthOptions {
  keys: ApiKeyService;
  /** Which requests need a key; defaults to every `/v1/*` path. */
  protects?: (request: FastifyRequest) => boolean;
  /**
   * Bearer tokens standing for a key on the Amadeus-compatible paths, whose clients never send
   * `x-api-key`; without it those paths are treated like any other.
   */
  accessTokens?: AccessTokens | undefined;
}

const BEARER = /^Bearer +([^ ]+) *$/i;

/**
 * Decided on the matched route pattern, not the raw URL: the router decodes percent-escapes, so
 * "/%761/locations" reaches the "/v1/locations" route while its raw URL does not start with "/v1/".
 * Unmatched /v1 paths still need a key, so probing them is metered like any other call.
 */
const isV1 = (request: FastifyRequest): boolean =>
  request.routeOptions.url?.startsWith('/v1/') ?? request.url.startsWith('/v1/');

/**
 * Requires a valid `x-api-key` on protected routes and attaches its principal as
 * `request.apiKey`. Every refusal is a 401 problem, whatever the header holds.
 */
const apiKeyAuthPlugin: FastifyPluginAsync<ApiKeyAuthOptions> = async (app, options) => {
  const protects = options.protects ?? isV1;
  app.decorateRequest('apiKey', null);
  const accessTokens = options.accessTokens;
  app.addHook('onRequest', async (request, reply) => {
    if (accessTokens !== undefined && isAmadeusRequest(request)) {
      // The token route is where the credentials are checked, so it needs no token itself. A path
      // no route serves is answered 404 (38196) as Amadeus's gateway did, not 401: a 401 sends the
      // developer chasing a credentials problem.
      if (judgedPath(request) === TOKEN_PATH || request.routeOptions.url === undefined) return;
      const header = request.headers.authorization;
      const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
      try {
        if (token === undefined) {
          throw new ApiKeyRejectedError(
            'missing',
            'The Authorization header must be "Bearer <access token>".',
          );
        }
        request.apiKey = await accessTokens.authenticate(token);
        return;
      } catch (error) {
        if (!(error instanceof ApiKeyRejectedError)) throw error;
        return replyWithProblem(request, reply, 'invalid-token', error.message);
      }
    }
    if (!protects(request)) return;
    const header = request.headers['x-api-key'];
    // A repeated header arrives as an array; which copy to trust is ambiguous, so neither is.
    const presented = Array.isArray(header) ? '\u0000' : header;
    try {
      request.apiKey = await options.keys.authenticate(presented);
    } catch (error) {
      if (!(error instanceof ApiKeyRejectedError)) throw error;
      return replyWithProblem(request, reply, 'invalid-api-key', error.message);
    }
  });
};

/** The API key authentication plugin (fastify-plugin: hooks apply to the whole app). */
export const apiKeyAuth = fp(apiKeyAuthPlugin, { fastify: '5.x', name: 'travel-platform-api-key-auth' });
