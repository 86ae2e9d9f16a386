import type { FastifyRequest } from 'fastify';

/**
 * Path prefixes of the Amadeus Self-Service APIs: every request under them is answered in Amadeus's
 * form (bearer tokens, `{errors: […]}` bodies its SDKs parse, code 38196 for a resource not served).
 * The one list of them: a compatibility route added under one of these is served, not refused.
 * `/v1/analytics/` is ours (usage analytics), so only Amadeus's one API under it is listed.
 */
export const AMADEUS_PREFIXES: readonly string[] = [
  '/v1/security/',
  '/v1/shopping/',
  '/v1/booking/',
  '/v1/reference-data/',
  '/v1/airport/',
  '/v1/airline/',
  '/v1/travel/',
  '/v1/location/',
  '/v1/ordering/',
  '/v1/schedule/',
  '/v1/e-reputation/',
  '/v1/duty-of-care/',
  '/v1/safety/',
  '/v1/analytics/itinerary-price-metrics',
  '/v2/',
  '/v3/',
];

/** Where clients trade their client credentials for a bearer token. */
export const TOKEN_PATH = '/v1/security/oauth2/token';

/** The routes that search (metered as searches, as the v1 `/search` routes are). */
export const AMADEUS_SEARCH_PATHS: ReadonlySet<string> = new Set([
  '/v2/shopping/flight-offers',
  '/v3/shopping/hotel-offers',
]);

/** The path a request is judged by: its matched route pattern, else its raw path (unknown routes). */
export function judgedPath(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0] ?? '';
}

/** True for requests under the Amadeus-compatible paths (answered in Amadeus's error shape). */
export function isAmadeusRequest(request: FastifyRequest): boolean {
  const path = judgedPath(request);
  return AMADEUS_PREFIXES.some((prefix) => path.startsWith(prefix));
}
