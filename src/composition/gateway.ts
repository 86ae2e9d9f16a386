import type { JSONWebKeySet } from 'jose';
import { JwtVerifier, localKeys, remoteKeys } from '../adapters/auth/jwt-verifier.js';
import { LocalTokenIssuer } from '../adapters/auth/local-issuer.js';
import { createRateLimiter } from '../adapters/rate-limiter/create.js';
import type { Config } from '../config.js';
import { AccessTokens } from '../core/gateway/access-tokens.js';
import { ApiKeyService } from '../core/gateway/api-key-service.js';
import { DashboardSessions } from '../core/gateway/dashboard-sessions.js';
import { type DevelopmentKeys, ensureDevelopmentKeys } from '../core/gateway/development-keys.js';
import { UsageMeter } from '../core/gateway/usage-meter.js';
import type { GatewayOptions } from '../http/plugins/gateway.js';
import { type Clock, systemClock } from '../ports/clock.js';
import type { StoreBackend } from '../ports/store-backend.js';

type GatewayConfig = Pick<
  Config,
  | 'rateLimiter'
  | 'authFailureLimit'
  | 'authFailureWindowSeconds'
  | 'apiKeyStaleSeconds'
  | 'redisUrl'
  | 'adminApiKey'
  | 'defaultPlan'
  | 'jwtJwksUrl'
  | 'jwtIssuer'
  | 'jwtAudience'
  | 'jwtClockSkewSeconds'
  | 'maxEventLoopDelayMs'
  | 'maxHeapUsedBytes'
  | 'corsOrigins'
  | 'dashboardSessionSecrets'
>;

/** The gateway's dependencies, ready for `app.register(gateway, components.options)`. */
export interface GatewayComponents {
  options: GatewayOptions;
  /** Keys generated on this first start, to print once; undefined otherwise. */
  developmentKeys: DevelopmentKeys | undefined;
  /** Closes the rate limiter and the usage meter (the app does not: `closeLimiter: false`). */
  close(): Promise<void>;
}

/**
 * Wires the gateway's adapters from configuration over the store backend's key stores: API keys,
 * rate limiter (Redis loaded only when chosen), usage meter, token verifier and, without an
 * external JWKS, the local development issuer.
 */
export async function createGatewayComponents(
  config: GatewayConfig,
  stores: Pick<StoreBackend, 'apiKeys' | 'issuerKeys' | 'inventory'>,
  clock: Clock = systemClock,
  /** The server's signing secret, from which access tokens' key (and by default dashboard sessions') is derived. */
  signingSecret?: string,
): Promise<GatewayComponents> {
  const store = stores.apiKeys;
  const keys = new ApiKeyService({
    store,
    clock,
    defaultPlan: config.defaultPlan,
    adminApiKey: config.adminApiKey,
    staleOnOutageMs: config.apiKeyStaleSeconds * 1000,
  });
  const limiter = await createRateLimiter({ backend: config.rateLimiter, redisUrl: config.redisUrl, clock });
  const meter = new UsageMeter({ store });
  const issuer =
    config.jwtJwksUrl === undefined
      ? await LocalTokenIssuer.open({
          storage: stores.issuerKeys,
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
        })
      : undefined;
  const verifier = new JwtVerifier({
    keys:
      issuer === undefined
        ? remoteKeys(config.jwtJwksUrl ?? '')
        : localKeys((await issuer.jwks()) as unknown as JSONWebKeySet),
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    clockSkewSeconds: config.jwtClockSkewSeconds,
    now: () => clock.now(),
  });
  const developmentKeys = await ensureDevelopmentKeys(keys, config.adminApiKey !== undefined);
  return {
    options: {
      keys,
      limiter,
      credentialFailures: {
        maxFailures: config.authFailureLimit,
        windowMs: config.authFailureWindowSeconds * 1000,
      },
      meter,
      verifier,
      issuer,
      accessTokens:
        signingSecret === undefined ? undefined : new AccessTokens({ keys, secret: signingSecret, clock }),
      dashboardSessions: dashboardSessions(config, keys, stores.inventory, clock, signingSecret),
      clock,
      // The platform owns the limiter and closes it after the app.
      closeLimiter: false,
      hardening: {
        corsOrigins: config.corsOrigins,
        maxEventLoopDelayMs: config.maxEventLoopDelayMs,
        maxHeapUsedBytes: config.maxHeapUsedBytes,
      },
    },
    developmentKeys,
    async close() {
      await limiter.close();
      await meter.close();
    },
  };
}

/**
 * Dashboard sign-ins signed with the configured secrets, or with the server's signing secret, which
 * every process sharing the store has: a session opened on one worker or instance is valid on all.
 */
function dashboardSessions(
  config: GatewayConfig,
  keys: ApiKeyService,
  marks: StoreBackend['inventory'],
  clock: Clock,
  signingSecret: string | undefined,
): DashboardSessions | undefined {
  const secrets =
    config.dashboardSessionSecrets.length > 0
      ? config.dashboardSessionSecrets
      : signingSecret === undefined
        ? []
        : [signingSecret];
  return secrets.length === 0 ? undefined : new DashboardSessions({ secrets, keys, marks, clock });
}
