import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { AccessTokens } from '../../core/gateway/access-tokens.js';
import type { ApiKeyService } from '../../core/gateway/api-key-service.js';
import type { DashboardSessions } from '../../core/gateway/dashboard-sessions.js';
import type { UsageMeter } from '../../core/gateway/usage-meter.js';
import type { Clock } from '../../ports/clock.js';
import type { FailurePolicy, RateLimiter } from '../../ports/rate-limiter.js';
import type { TokenIssuer, TokenVerifier } from '../../ports/token-verifier.js';
import { adminApiKeyRoutes } from './admin-api-keys.js';
import { apiKeyAuth } from './api-key-auth.js';
import { bearerAuth } from './bearer-auth.js';
import { credentialThrottle } from './credential-throttle.js';
import { type HardeningOptions, hardening } from './hardening.js';
import { jwksRoute } from './jwks-route.js';
import { rateLimit } from './rate-limit.js';
import { usageMetering } from './usage-metering.js';

export interface GatewayOptions {
  keys: ApiKeyService;
  limiter: RateLimiter;
  /** Failed credential attempts (API keys, secrets, tokens) one client address may make per window. */
  credentialFailures: FailurePolicy;
  meter: UsageMeter;
  verifier: TokenVerifier;
  /** The local development issuer, whose JWKS is then served; undefined with an external issuer. */
  issuer?: TokenIssuer | undefined;
  hardening: HardeningOptions;
  /**
   * OAuth 2.0 client-credential tokens standing for an API key on the Amadeus-compatible routes;
   * without it those routes are not served.
   */
  accessTokens?: AccessTokens | undefined;
  /** Signed sign-ins of the live dashboard (admin key); without it /dashboard is not served. */
  dashboardSessions?: DashboardSessions | undefined;
  clock?: Clock;
  /** Close the limiter with the app (default true). */
  closeLimiter?: boolean;
}

/**
 * Everything the gateway adds to an app, in the order it must run: load shedding and security
 * headers, the failed-credential throttle, API key, usage plan, usage metering, then the bearer
 * decorator, admin key routes and the development JWKS.
 */
const gatewayPlugin: FastifyPluginAsync<GatewayOptions> = async (app, options) => {
  await app.register(hardening, options.hardening);
  await app.register(credentialThrottle, {
    limiter: options.limiter,
    policy: options.credentialFailures,
    clock: options.clock,
  });
  await app.register(apiKeyAuth, { keys: options.keys, accessTokens: options.accessTokens });
  await app.register(rateLimit, { limiter: options.limiter });
  await app.register(usageMetering, { meter: options.meter, clock: options.clock });
  await app.register(bearerAuth, { verifier: options.verifier });
  await app.register(adminApiKeyRoutes, { keys: options.keys, meter: options.meter, clock: options.clock });
  if (options.issuer !== undefined) await app.register(jwksRoute, { issuer: options.issuer });
  if (options.closeLimiter ?? true) app.addHook('onClose', async () => options.limiter.close());
};

/** The whole gateway as one plugin (fastify-plugin: its hooks and decorators are app-wide). */
export const gateway = fp(gatewayPlugin, { fastify: '5.x', name: 'travel-platform-gateway' });
