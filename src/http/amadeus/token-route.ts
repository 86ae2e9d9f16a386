import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { AccessTokens } from '../../core/gateway/access-tokens.js';
import { ApiKeyRejectedError } from '../../core/gateway/api-key-service.js';
import { AMADEUS_TAG } from './context.js';
import { TOKEN_PATH } from './paths.js';
import { amadeusBody, amadeusErrorResponses } from './schemas.js';
import { OAuthErrorSchema, TokenBody, TokenResponse } from './token-schemas.js';

/** Amadeus's code for every refused token request. */
const INVALID_PARAMETERS = 38187;

function oauthError(reply: FastifyReply, status: number, error: string, description: string) {
  return reply
    .code(status)
    .type('application/json')
    .send({ error, error_description: description, code: INVALID_PARAMETERS, title: 'Invalid parameters' });
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) as Amadeus served them: form-encoded, the
 * credentials in the body. Refusals are OAuth error bodies, as Amadeus sent, not `errors[]`.
 */
export const tokenRoute: FastifyPluginAsyncTypebox<{ accessTokens: AccessTokens }> = async (
  app,
  { accessTokens },
) => {
  app.post(
    TOKEN_PATH,
    {
      // A malformed body (a repeated field, an overlong one) is an OAuth error too, naming the field.
      attachValidation: true,
      // Guessed secrets are throttled per client address (plugins/credential-throttle.ts).
      config: { checksCredentials: true },
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Access token for an API key (OAuth 2.0 client credentials)',
        description:
          'client_id is the API key id (as `keys list` shows it), client_secret the whole API key. The token stands for the key, its plan and its limits.',
        security: [],
        consumes: ['application/x-www-form-urlencoded'],
        body: TokenBody,
        response: {
          200: amadeusBody(TokenResponse, 'A bearer token', 'application/json'),
          400: amadeusBody(
            OAuthErrorSchema,
            'Unsupported grant type or missing credentials',
            'application/json',
          ),
          401: amadeusBody(OAuthErrorSchema, 'Client credentials are invalid', 'application/json'),
          ...amadeusErrorResponses(415, 429),
        },
      },
    },
    async (request, reply) => {
      if (request.validationError) {
        const [first] = request.validationError.validation;
        const field = first?.instancePath.replace(/^\//, '') || 'body';
        return oauthError(reply, 400, 'invalid_request', `${field} ${first?.message ?? 'is invalid'}`);
      }
      const { grant_type: grantType, client_id: clientId, client_secret: clientSecret } = request.body;
      if (grantType !== 'client_credentials') {
        return oauthError(reply, 400, 'unsupported_grant_type', 'Only client_credentials is supported');
      }
      if (!clientId || !clientSecret) {
        return oauthError(
          reply,
          400,
          'invalid_request',
          'Mandatory parameters missing: client_id, client_secret',
        );
      }
      try {
        const granted = await accessTokens.grant(clientId, clientSecret);
        reply.header('cache-control', 'no-store');
        return reply.type('application/json').send({
          type: 'amadeusOAuth2Token',
          username: granted.principal.keyId,
          application_name: granted.principal.keyId,
          client_id: clientId,
          token_type: 'Bearer',
          access_token: granted.accessToken,
          expires_in: granted.expiresInSeconds,
          state: 'approved',
          scope: '',
        });
      } catch (error) {
        if (!(error instanceof ApiKeyRejectedError)) throw error;
        return oauthError(reply, 401, 'invalid_client', 'Client credentials are invalid');
      }
    },
  );
};
