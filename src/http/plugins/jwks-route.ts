import type { FastifyPluginAsync } from 'fastify';
import type { TokenIssuer } from '../../ports/token-verifier.js';

export interface JwksRouteOptions {
  issuer: TokenIssuer;
}

/** Serves the development issuer's public keys at `/.well-known/jwks.json`. */
export const jwksRoute: FastifyPluginAsync<JwksRouteOptions> = async (app, options) => {
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return options.issuer.jwks();
  });
};
