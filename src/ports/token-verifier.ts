/** The caller a verified bearer token speaks for. */
export interface VerifiedToken {
  /** The `sub` claim. */
  subject: string;
  /** Epoch seconds the token expires. */
  expiresAt: number;
  /** Every claim of the token. */
  claims: Readonly<Record<string, unknown>>;
}

/** Why a bearer token was refused; each reason has its own client-facing detail. */
export type TokenRejection =
  | 'missing'
  | 'malformed'
  | 'alg-none'
  | 'alg-not-allowed'
  | 'bad-signature'
  | 'unknown-key'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'missing-subject'
  | 'jwks-unavailable';

/** A bearer token that does not prove who the caller is. `message` is safe to show the client. */
export class TokenRejectedError extends Error {
  constructor(
    readonly reason: TokenRejection,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TokenRejectedError';
  }
}

/** Verifies OAuth 2.0 bearer JWTs against keys, issuer, audience and expiry. */
export interface TokenVerifier {
  /** The verified token, or rejects with `TokenRejectedError` saying why. */
  verify(token: string): Promise<VerifiedToken>;
}

/** Issues tokens for development (the embedded local issuer). */
export interface TokenIssuer {
  /** A signed JWT for `subject`, valid `ttlSeconds`. */
  mint(subject: string, ttlSeconds?: number): Promise<string>;
  /** The public keys verifying issued tokens, as a JWKS document. */
  jwks(): Promise<{ keys: Record<string, unknown>[] }>;
}
