import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import type { IssuerKeyStorage } from '../../ports/issuer-keys.js';
import type { TokenIssuer } from '../../ports/token-verifier.js';

export interface LocalIssuerOptions {
  storage: IssuerKeyStorage;
  /** `iss` of minted tokens. */
  issuer: string;
  /** `aud` of minted tokens. */
  audience: string;
}

const ALG = 'ES256';
const DEFAULT_TTL_SECONDS = 3600;

/**
 * The embedded default's OAuth 2.0 issuer for development: an ES256 key pair made on first
 * start and persisted, so tokens survive restarts and every process sharing the store agrees.
 * ES256 over RS256: keys are small and generated in a millisecond.
 */
export class LocalTokenIssuer implements TokenIssuer {
  readonly #privateKey: CryptoKey;
  readonly #publicJwk: JWK;
  readonly #issuer: string;
  readonly #audience: string;

  private constructor(privateKey: CryptoKey, publicJwk: JWK, options: LocalIssuerOptions) {
    this.#privateKey = privateKey;
    this.#publicJwk = publicJwk;
    this.#issuer = options.issuer;
    this.#audience = options.audience;
  }

  /** Loads the stored key pair, creating and storing one on first start. */
  static async open(options: LocalIssuerOptions): Promise<LocalTokenIssuer> {
    let stored = await options.storage.load();
    if (stored === undefined) {
      const pair = await generateKeyPair(ALG, { extractable: true });
      const jwk = { ...(await exportJWK(pair.privateKey)), kid: randomUUID(), alg: ALG, use: 'sig' };
      stored = await options.storage.saveIfAbsent(JSON.stringify(jwk));
    }
    const privateJwk = JSON.parse(stored) as JWK;
    const privateKey = (await importJWK(privateJwk, ALG)) as CryptoKey;
    const { d: _secret, ...publicJwk } = privateJwk;
    return new LocalTokenIssuer(privateKey, publicJwk, options);
  }

  async mint(subject: string, ttlSeconds = DEFAULT_TTL_SECONDS): Promise<string> {
    return new SignJWT({})
      .setProtectedHeader({ alg: ALG, kid: this.#publicJwk.kid ?? '', typ: 'JWT' })
      .setSubject(subject)
      .setIssuer(this.#issuer)
      .setAudience(this.#audience)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(this.#privateKey);
  }

  async jwks(): Promise<{ keys: Record<string, unknown>[] }> {
    return { keys: [{ ...this.#publicJwk }] };
  }
}
