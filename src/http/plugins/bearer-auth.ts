import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TokenRejectedError, type TokenVerifier } from '../../ports/token-verifier.js';
import { replyWithProblem } from '../problems.js';

/** The end user a booking request acts for. */
export interface AuthenticatedUser {
  /** The token's `sub`. */
  sub: string;
  /** The API key (client app) the request came through. */
  apiKeyId: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `requireBearer` on routes that use it; null elsewhere. */
    user: AuthenticatedUser | null;
  }
  interface FastifyInstance {
    /** preHandler requiring `Authorization: Bearer <JWT>`; sets `request.user` or answers 401. */
    requireBearer: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;
  }
}

export interface BearerAuthOptions {
  verifier: TokenVerifier;
}

const BEARER = /^Bearer +([^ ]+) *$/i;

/** Decorates the app with `requireBearer`, the preHandler that booking routes use. */
const bearerAuthPlugin: FastifyPluginAsync<BearerAuthOptions> = async (app, options) => {
  app.decorateRequest('user', null);
  app.decorate('requireBearer', async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    const token = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (token === undefined) {
      return refuse(request, reply, 'The Authorization header must be "Bearer <token>".');
    }
    try {
      const verified = await options.verifier.verify(token);
      request.user = { sub: verified.subject, apiKeyId: request.apiKey?.keyId ?? '' };
      return undefined;
    } catch (error) {
      if (!(error instanceof TokenRejectedError)) throw error;
      if (error.reason === 'jwks-unavailable') {
        reply.header('retry-after', 5);
        return replyWithProblem(request, reply, 'token-keys-unavailable', error.message);
      }
      return refuse(request, reply, error.message);
    }
  });
};

function refuse(request: FastifyRequest, reply: FastifyReply, detail: string): FastifyReply {
  // RFC 6750 §3: a 401 for a bearer-protected resource names the scheme and the error.
  reply.header(
    'www-authenticate',
    `Bearer error="invalid_token", error_description="${detail.replaceAll('"', "'")}"`,
  );
  return replyWithProblem(request, reply, 'invalid-token', detail);
}

/** The bearer token plugin (fastify-plugin: the decorator is visible app-wide). */
export const bearerAuth = fp(bearerAuthPlugin, { fastify: '5.x', name: 'travel-platform-bearer-auth' });
