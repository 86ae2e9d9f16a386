import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CacheOutcomeName, RequestSample } from '../core/analytics/request-sample.js';
import type { ApiKeyPrincipal } from '../core/gateway/api-key-service.js';
import type { UsageIncrement } from '../core/gateway/usage-meter.js';
import { AMADEUS_SEARCH_PATHS } from './amadeus/paths.js';
import type { AnsweredRequest, CacheDataType } from './plugins/metrics.js';

/**
 * One answer as everything that records it sees it. The Fastify hooks read it from the request and
 * reply (`answerOf`); the cached-search front, which answers without Fastify, fills it from what it
 * learned of the URL. What each record makes of it — the metrics' observation, the key's usage,
 * the analytics sample — is written once below, so a hit counts the same whichever path sent it.
 */
export interface Answer {
  method: string;
  /** The route pattern ('/v1/flights/search'); undefined when no route matched. */
  route: string | undefined;
  url: string;
  status: number;
  durationMs: number;
  /** Set on routes whose answers come from the search cache. */
  cacheType: CacheDataType | undefined;
  /** The `x-cache` the answer carries, if any. */
  cache: CacheOutcomeName | undefined;
  /** The API key that asked; null or undefined without one (or without a gateway). */
  principal: ApiKeyPrincipal | null | undefined;
  /** The search a first page counts as, for analytics (`firstPageSearch`); set by analytics' callers. */
  search?: RequestSample['search'] | undefined;
}

/** The route label of requests no route matched: raw URLs would make the label set unbounded. */
const UNMATCHED = 'unmatched';

const CACHE_OUTCOMES: Record<string, CacheOutcomeName> = { HIT: 'hit', MISS: 'miss', STALE: 'stale' };

/** The answer Fastify sent for `request` (read in an onResponse hook). */
export function answerOf(request: FastifyRequest, reply: FastifyReply): Answer {
  const header = reply.getHeader('x-cache');
  return {
    method: request.method,
    route: request.routeOptions.url,
    url: request.url,
    status: reply.statusCode,
    durationMs: reply.elapsedTime,
    cacheType: request.routeOptions.config.cacheType,
    cache: typeof header === 'string' ? CACHE_OUTCOMES[header] : undefined,
    principal: request.apiKey,
  };
}

/** What the metrics observe of an answer: its duration by route and status, and its cache outcome. */
export function metricsRecord(answer: Answer): AnsweredRequest {
  return {
    method: answer.method,
    route: answer.route ?? UNMATCHED,
    statusCode: answer.status,
    seconds: answer.durationMs / 1000,
    cacheType: answer.cacheType,
    outcome: answer.cacheType === undefined ? undefined : answer.cache,
  };
}

/** Whether answers on the route `pattern` count as searches: routes ending in `/search` and the Amadeus searches. */
export const isSearchPattern = (pattern: string | undefined): boolean =>
  pattern !== undefined && (pattern.endsWith('/search') || AMADEUS_SEARCH_PATHS.has(pattern));

/** What a keyed answer adds to its key's daily counters (a 304 counts as its 200 would). */
export function usageRecord(answer: Pick<Answer, 'route' | 'status'>): UsageIncrement {
  const status = answer.status;
  return {
    requests: 1,
    searches: isSearchPattern(answer.route) ? 1 : 0,
    clientErrors: status >= 400 && status < 500 && status !== 429 ? 1 : 0,
    serverErrors: status >= 500 ? 1 : 0,
    throttled: status === 429 ? 1 : 0,
  };
}

/** Groups by route pattern: patterns are the app's routes, so this stays as small as the route table. */
const groups = new Map<string, string>();

/** "flights.search", "bookings", "admin", … from the route pattern; "unmatched" for unknown /v1 paths. */
export function routeGroup(pattern: string | undefined): string {
  if (pattern === undefined) return UNMATCHED;
  let group = groups.get(pattern);
  if (group === undefined) {
    const [, , first, second] = pattern.split('/');
    group = second === 'search' ? `${first}.search` : (first ?? 'other');
    groups.set(pattern, group);
  }
  return group;
}

/**
 * The search a request on `pattern` with `query` counts as in analytics (route and city): only a
 * first page (a further page is cut from its snapshot: no new search), only the v1 searches.
 */
export function firstPageSearch(
  pattern: string | undefined,
  query: { origin?: unknown; destination?: unknown; cityCode?: unknown; cursor?: unknown } | undefined,
): RequestSample['search'] | undefined {
  if (query === undefined || query.cursor !== undefined) return undefined;
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

/** What analytics samples of an answer; undefined outside /v1 (documentation, health, metrics). */
export function analyticsSample(answer: Answer): RequestSample | undefined {
  if (!(answer.route ?? answer.url).startsWith('/v1/')) return undefined;
  const { status, principal } = answer;
  const sample: RequestSample = {
    routeGroup: routeGroup(answer.route),
    status,
    durationMs: answer.durationMs,
  };
  if (principal) sample.apiKey = { id: principal.keyId, plan: principal.plan.name };
  if (answer.cacheType !== undefined && answer.cache !== undefined)
    sample.cache = { type: answer.cacheType, outcome: answer.cache, key: answer.url };
  if (status === 200 && answer.search !== undefined) sample.search = answer.search;
  if (status === 200 && answer.route === '/v1/offers/:offerId') sample.offerPriced = true;
  return sample;
}
