import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { TokenRejectedError, type TokenVerifier, type VerifiedToken } from '../../ports/token-verifier.js';

/** Asymmetric algorithms only: a shared-secret HS256 key published in a JWKS would let anyone sign. */
export const ALLOWED_ALGORITHMS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'EdDSA'];

export interface JwtVerifierOptions {
  /** Resolves the verification key of a token (a remote or local JWKS). */
  keys: JWTVerifyGetKey;
  /** Required `iss`. */
  issuer: string;
  /** Required `aud` (one of, when the token lists several). */
  audience: string;
  /** Tolerance (s) for `exp` and `nbf` between our clock and the issuer's. */
  clockSkewSeconds: number;
  /** Injected current time (epoch ms) for tests; defaults to the wall clock. */
  now?: () => number;
}

/** Keys fetched (and cached, refreshed on an unknown `kid`) from an issuer's JWKS URL. */
export function remoteKeys(url: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(url), { timeoutDuration: 5000, cooldownDuration: 30_000 });
}

/** Keys from a JWKS document held in memory (the local development issuer's). */
export function localKeys(jwks: JSONWebKeySet): JWTVerifyGetKey {
  return createLocalJWKSet(jwks);
}

/** Verifies bearer JWTs with jose and names each way a token can fail. */
export class JwtVerifier implements TokenVerifier {
  readonly #options: JwtVerifierOptions;

  constructor(options: JwtVerifierOptions) {
    this.#options = options;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const { issuer, audience } = this.#options;
    if (token === '') throw new TokenRejectedError('missing', 'The bearer token is empty.');
    // jose would refuse `alg: none` too, but only as a generic unsupported-algorithm error; an
    // unsigned token is worth naming because it is the classic forgery attempt.
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (cause) {
      throw new TokenRejectedError('malformed', 'The bearer token is not a well-formed JWT.', { cause });
    }
    if (typeof alg !== 'string' || alg.toLowerCase() === 'none') {
      throw new TokenRejectedError('alg-none', 'Unsigned tokens (alg "none") are not accepted.');
    }
    if (!ALLOWED_ALGORITHMS.includes(alg)) {
      throw new TokenRejectedError('alg-not-allowed', `Tokens signed with ${alg} are not accepted.`);
    }
    try {
      const now = this.#options.now;
      const { payload } = await jwtVerify(token, this.#options.keys, {
        issuer,
        audience,
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: this.#options.clockSkewSeconds,
        ...(now ? { currentDate: new Date(now()) } : {}),
      });
      if (typeof payload.sub !== 'string' || payload.sub === '') {
        throw new TokenRejectedError('missing-subject', 'The token has no "sub" claim.');
      }
      return { subject: payload.sub, expiresAt: payload.exp ?? 0, claims: payload };
    } catch (error) {
      throw this.#explain(error);
    }
  }

  #explain(error: unknown): TokenRejectedError {
    if (error instanceof TokenRejectedError) return error;
    const { issuer, audience } = this.#options;
    const reject = (reason: ConstructorParameters<typeof TokenRejectedError>[0], message: string) =>
      new TokenRejectedError(reason, message, { cause: error });
    if (error instanceof errors.JWTExpired) return reject('expired', 'The token has expired.');
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === 'iss') return reject('wrong-issuer', `The token was not issued by ${issuer}.`);
      if (error.claim === 'aud')
        return reject('wrong-audience', `The token is not meant for audience ${audience}.`);
      if (error.claim === 'nbf') return reject('not-yet-valid', 'The token is not valid yet.');
      return reject('malformed', `The token's "${error.claim}" claim is invalid.`);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
      return reject('bad-signature', 'The token signature does not verify.');
    }
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
      return reject('unknown-key', 'The token is signed by a key the issuer does not publish.');
    }
    if (error instanceof errors.JOSEAlgNotAllowed) {
      return reject('alg-not-allowed', 'The token signing algorithm is not accepted.');
    }
    if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
      return reject('jwks-unavailable', 'The issuer keys could not be fetched; try again later.');
    }
    return reject('malformed', 'The bearer token is not a valid JWT.');
  }
}
