import { createHmac, randomBytes } from 'node:crypto';
import type { WebhookSigningSecret } from '../../ports/webhooks.js';

/** Prefix of Standard Webhooks secrets; the rest is the base64 of the key bytes. */
const SECRET_PREFIX = 'whsec_';
/** 24 random bytes, as the Standard Webhooks reference libraries generate (between their 24 and 64 byte bounds). */
const SECRET_BYTES = 24;

/** A fresh `whsec_…` signing secret. */
export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The key bytes of a `whsec_` secret: the HMAC key is the base64-decoded part, not the string. */
function secretKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for one secret (Standard Webhooks, "Signature scheme"). */
export function signPayload(secret: string, id: string, timestampSeconds: number, body: string): string {
  const mac = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
}

/**
 * The three Standard Webhooks headers of one attempt. Every secret still valid at `now` signs, space
 * separated, so a receiver that has not yet switched to a rotated secret keeps verifying during the
 * overlap window.
 */
export function webhookHeaders(
  id: string,
  body: string,
  secrets: readonly WebhookSigningSecret[],
  now: number,
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = Math.floor(now / 1000);
  const signing = secrets.filter((s) => s.expiresAt === undefined || s.expiresAt > now);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signing.map((s) => signPayload(s.secret, id, timestamp, body)).join(' '),
  };
}
