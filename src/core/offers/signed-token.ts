import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Opaque, tamper-evident tokens (offer ids, cursors): base64url(JSON) + "." + truncated HMAC-SHA256.
 * The payload is readable by anyone but any change to it or to the signature is detected, so an
 * offer id can carry everything needed to re-price it without a server-side lookup.
 */
export class TokenSigner {
  readonly #secret: Buffer;

  constructor(secret: string) {
    this.#secret = Buffer.from(secret, 'utf8');
  }

  /** Encodes and signs a JSON-serialisable payload. */
  sign(payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.#mac(body)}`;
  }

  /** The payload of a token this signer made, or undefined for anything forged, truncated or garbled. */
  verify(token: string): unknown {
    if (token.length > 4096) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.#mac(body), 'base64url');
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest().subarray(0, 16).toString('base64url');
  }
}
