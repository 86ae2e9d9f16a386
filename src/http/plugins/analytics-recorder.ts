import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { AnalyticsService } from '../../core/analytics/analytics-service.js';
import type { CacheOutcomeName, RequestSample } from '../../core/analytics/request-sample.js';
import type { ApiKeyPrincipal } from '../../core/gateway/api-key-service.js';

export interface AnalyticsRecorderOptions {
  analytics: AnalyticsService;
}

const OUTCOMES: Record<string, CacheOutcomeName> = { HIT: 'hit', MISS: 'miss', STALE: 'stale' };

/** "flights.search", "bookings", "admin", … from the route pattern; "unmatched" for unknown /v1 paths. */
export function routeGroup(pattern: string | undefined): string {
  if (pattern === undefined) return 'unmatched';
  const [, , first, second] = pattern.split('/');
  return second === 'search' ? `${first}.search` : (first ?? 'other');
}

/**
 * Hands every answered /v1 request to analytics after the response is sent: a handful of field
 * reads and one synchronous, in-memory call, so the request itself never waits on analytics.
 */
const analyticsRecorderPlugin: FastifyPluginAsync<AnalyticsRecorderOptions> = async (app, { analytics }) => {
  app.addHook('onResponse', async (request, reply) => {
    const pattern = request.routeOptions.url;
    if (!(pattern ?? request.url).startsWith('/v1/')) return;
    analytics.record(sampleOf(request, reply, pattern));
  });
};

/** What analytics records of a first-page search on `pattern` with `query` (route and city). */
export function searchOf(
  pattern: string | undefined,
  query: { origin?: unknown; destination?: unknown; cityCode?: unknown },
): RequestSample['search'] | undefined {
  if (pattern === '/v1/flights/search')
    return {
      kind: 'flights',
      route: `${query.origin}-${query.destination}`.toUpperCase(),
      city: String(query.destination).toUpperCase(),
    };
  if (pattern === '/v1/hotels/search') {
    const city = typeof query.cityCode === 'string' ? query.cityCode.toUpperCase() : 'near-point';
    return { kind: 'hotels', route: city, city };
  }
  return undefined;
}

/** The part of a sample every answer has: its route group, status, time and key. */
export function answerSample(
  group: string,
  status: number,
  durationMs: number,
  principal: ApiKeyPrincipal | null | undefined,
): RequestSample {
  const sample: RequestSample = { routeGroup: group, status, durationMs };
  if (principal) sample.apiKey = { id: principal.keyId, plan: principal.plan.name };
  return sample;
}

function sampleOf(request: FastifyRequest, reply: FastifyReply, pattern: string | undefined): RequestSample {
  const status = reply.statusCode;
  const sample = answerSample(routeGroup(pattern), status, reply.elapsedTime, request.apiKey);
  const type = request.routeOptions.config.cacheType;
  const outcome = OUTCOMES[String(reply.getHeader('x-cache'))];
  if (type !== undefined && outcome !== undefined) sample.cache = { type, outcome, key: request.url };
  const query = request.query as Record<string, unknown> | undefined;
  // A further page of a search is served from its snapshot: no new search.
  if (status === 200 && query && query.cursor === undefined) {
    const search = searchOf(pattern, query);
    if (search !== undefined) sample.search = search;
  }
  if (status === 200 && pattern === '/v1/offers/:offerId') sample.offerPriced = true;
  return sample;
}

/** The analytics recorder (fastify-plugin: its hook sees every route of the app). */
export const analyticsRecorder = fp(analyticsRecorderPlugin, {
  fastify: '5.x',
  name: 'travel-platform-analytics-recorder',
});
