import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `tp_live_<id>_<secret>`: a 16-hex-digit public id (what admins list and
 * revoke, and what the store is looked up by) and 32 random bytes of base64url secret.
 *
 * Stored as SHA-256, not scrypt/argon2: a password hash is slow to make guessing
 * low-entropy human passwords expensive, but these secrets carry 256 random bits, so a
 * preimage search is hopeless anyway, and a slow hash would cost tens of milliseconds on
 * every single API request.
 */
const PREFIX = 'tp_live_';
const KEY_PATTERN = /^tp_live_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Longest header value even considered; anything longer is refused before hashing. */
export const MAX_API_KEY_LENGTH = 256;

/** A freshly generated key: show `key` once, store `id` and `secretHash`. */
export interface GeneratedApiKey {
  id: string;
  key: string;
  secretHash: string;
}

/** Generates a new random key. */
export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(8).toString('hex');
  const key = `${PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, secretHash: hashApiKey(key) };
}

/** The key id of a well-formed `tp_live_` key, or undefined. */
export function parseApiKeyId(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

/** Hex SHA-256 of the whole key string. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares `key` with a stored hash in time independent of where they differ. */
export function apiKeyMatches(key: string, secretHash: string): boolean {
  const actual = Buffer.from(hashApiKey(key), 'hex');
  const expected = Buffer.from(secretHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** True for a header value made of visible ASCII only, of a sane length. */
export function isPlausibleApiKey(value: string): boolean {
  return value.length > 0 && value.length <= MAX_API_KEY_LENGTH && /^[\x21-\x7e]+$/.test(value);
}
