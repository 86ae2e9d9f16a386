import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A MAC over what a client must send back unchanged (a whole offer in another API's shape), so a
 * server that keeps no state can tell its own offer from an edited one. The material is written as
 * canonical JSON (object keys sorted), so key order and whitespace do not matter; values do.
 */
export class OfferSeal {
  readonly #key: Buffer;

  /** `secret` is the server's signing secret; the seal key is derived from it for this use only. */
  constructor(secret: string) {
    this.#key = createHmac('sha256', secret).update('offer-seal').digest();
  }

  seal(material: unknown): string {
    return createHmac('sha256', this.#key)
      .update(canonicalJson(material))
      .digest()
      .subarray(0, 18)
      .toString('base64url');
  }

  /** True when `seal` was made by this server over exactly `material`. */
  matches(material: unknown, seal: string): boolean {
    const expected = Buffer.from(this.seal(material), 'base64url');
    const given = Buffer.from(seal, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** JSON with object keys sorted at every level; `undefined` members are left out as JSON does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
