import { createHmac } from 'node:crypto';
import { type Clock, systemClock } from '../../ports/clock.js';
import type { UsagePlan } from '../../ports/usage-plan.js';
import { TokenSigner } from '../offers/signed-token.js';
import { type ApiKeyPrincipal, ApiKeyRejectedError, type ApiKeyService } from './api-key-service.js';

export interface AccessTokensOptions {
  keys: ApiKeyService;
  /** The server's signing secret (kept in the store); the token key is derived from it. */
  secret: string;
  clock?: Clock;
  /** Lifetime of a token, seconds. */
  ttlSeconds?: number;
}

/** A token granted for an API key (OAuth 2.0 client credentials). */
export interface GrantedToken {
  accessToken: string;
  expiresInSeconds: number;
  principal: ApiKeyPrincipal;
}

interface AccessTokenPayload {
  use: 'access';
  keyId: string;
  role: ApiKeyPrincipal['role'];
  plan: UsagePlan;
  /** Epoch seconds. */
  exp: number;
}

/** Lifetime Amadeus gave its tokens; clients written for it refresh on that rhythm. */
const DEFAULT_TTL_SECONDS = 1799;

/**
 * OAuth 2.0 client credentials over API keys: the client id is a key's id and the secret the whole
 * key. The token carries the key, its role and its plan, signed with a key derived from the secret
 * in the store, so it stays valid across restarts and on every instance. A revoked key's tokens stop
 * working within the key cache's lifetime, as the key itself does.
 */
export class AccessTokens {
  readonly #keys: ApiKeyService;
  readonly #signer: TokenSigner;
  readonly #clock: Clock;
  readonly #ttlSeconds: number;

  constructor(options: AccessTokensOptions) {
    this.#keys = options.keys;
    this.#signer = new TokenSigner(
      createHmac('sha256', options.secret).update('access-tokens').digest('hex'),
    );
    this.#clock = options.clock ?? systemClock;
    this.#ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  }

  /** A token for the key `clientSecret`, whose id must be `clientId`; rejects with ApiKeyRejectedError. */
  async grant(clientId: string, clientSecret: string): Promise<GrantedToken> {
    const principal = await this.#keys.authenticate(clientSecret);
    if (principal.keyId !== clientId) {
      throw new ApiKeyRejectedError('unknown', 'The client id does not belong to this client secret.');
    }
    const payload: AccessTokenPayload = {
      use: 'access',
      keyId: principal.keyId,
      role: principal.role,
      plan: principal.plan,
      exp: Math.floor(this.#clock.now() / 1000) + this.#ttlSeconds,
    };
    return { accessToken: this.#signer.sign(payload), expiresInSeconds: this.#ttlSeconds, principal };
  }

  /** The principal a token speaks for; rejects with ApiKeyRejectedError when forged, expired or revoked. */
  async authenticate(token: string): Promise<ApiKeyPrincipal> {
    const payload = this.#signer.verify(token) as Partial<AccessTokenPayload> | undefined;
    if (
      payload?.use !== 'access' ||
      typeof payload.keyId !== 'string' ||
      typeof payload.exp !== 'number' ||
      payload.plan === undefined ||
      (payload.role !== 'client' && payload.role !== 'admin')
    ) {
      throw new ApiKeyRejectedError('malformed', 'The access token is not valid.');
    }
    if (payload.exp * 1000 <= this.#clock.now()) {
      throw new ApiKeyRejectedError('unknown', 'The access token has expired.');
    }
    if (!(await this.#keys.isActive(payload.keyId))) {
      throw new ApiKeyRejectedError('revoked', 'The API key behind this access token has been revoked.');
    }
    return { keyId: payload.keyId, role: payload.role, plan: payload.plan };
  }
}
