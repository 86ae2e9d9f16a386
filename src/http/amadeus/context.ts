import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { BookingOwner } from '../../ports/bookings.js';

/** The OpenAPI tag of every compatibility route. */
export const AMADEUS_TAG = 'amadeus-compatible';

/** The end user a compatibility request acts for: Amadeus knows only the client application. */
export function clientOwner(request: FastifyRequest): BookingOwner {
  const keyId = request.apiKey?.keyId ?? '';
  return { sub: `client:${keyId}`, apiKeyId: keyId };
}

/** The scheme and host the client reached us on, for absolute links. */
export function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * The client's Idempotency-Key when it sends a valid one (the SDK never does), else a fresh key:
 * every request is then a new booking, as with Amadeus.
 */
export function idempotencyKeyOf(request: FastifyRequest): string {
  const given = request.headers['idempotency-key'];
  return typeof given === 'string' && /^[\x20-\x7E]{1,255}$/.test(given) ? given : randomUUID();
}
