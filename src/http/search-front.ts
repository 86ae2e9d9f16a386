import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { RequestSample } from '../core/analytics/request-sample.js';
import type { ApiKeyPrincipal, ApiKeyService } from '../core/gateway/api-key-service.js';
import type { UsageMeter } from '../core/gateway/usage-meter.js';
import { utcDay } from '../kernel/utc-day.js';
import type { Clock } from '../ports/clock.js';
import type { RateLimitDecision, RateLimiter } from '../ports/rate-limiter.js';
import { type Answer, analyticsSample, metricsRecord, usageRecord } from './answer-records.js';
import type { AnsweredRequest, CacheDataType } from './plugins/metrics.js';
import { DECIDED_BY_FRONT, type FrontDecided, rateLimitHeaders } from './plugins/rate-limit.js';
import { requestIdFor } from './request-id.js';
import { answerHead, type PreparedPage } from './search-reply.js';

/** A URL the search routes answered before, as the front needs it to answer it again. */
export interface LearnedSearch {
  /** The route pattern ('/v1/flights/search'): the metrics and analytics label. */
  route: string;
  cacheType: CacheDataType;
  /** The URL's answer when it is a fresh hit held in process, with its prepared bytes. */
  peek(): FrontAnswer | undefined;
  /** What analytics records of this search (route and city). */
  search?: RequestSample['search'] | undefined;
}

/** A fresh hit ready to send. */
export interface FrontAnswer {
  bytes: PreparedPage;
  /**
   * Seconds the answer stays fresh, for `cache-control`; set on search pages, which also carry an
   * ETag and answer If-None-Match. Absent on answers the route sends with `x-cache` only.
   */
  maxAgeSeconds?: number | undefined;
}

/** The gateway's parts the front checks a request against, each with an answer that needs no I/O. */
export interface FrontGateway {
  keys: Pick<ApiKeyService, 'authenticatedRecently'>;
  limiter: Pick<RateLimiter, 'consumeNow'>;
  meter: Pick<UsageMeter, 'record'>;
  clock: Clock;
  /** Seconds the request's client must wait after failed credentials (0: none); the app answers those. */
  credentialWait(request: IncomingMessage): number;
}

export interface SearchFrontOptions {
  /** Absent when the app runs without a gateway (no key, no plan, no metering). */
  gateway?: FrontGateway | undefined;
  /** Headers every answer carries (helmet's). */
  securityHeaders: Readonly<Record<string, string>>;
  /** Counts the answer in the metrics (the metrics plugin's `recordAnswer`). */
  recordAnswer(answer: AnsweredRequest): void;
  /** Hands the answer to analytics; absent with analytics off. */
  recordSample?: ((sample: RequestSample) => void) | undefined;
  /** True while load shedding would refuse requests: the front then leaves them to the app. */
  isUnderPressure(): boolean;
  /** URLs remembered (default 20,000, as many as the cache's in-process front). */
  maxUrls?: number;
}

/**
 * The cached-search fast path, in front of Fastify. A search URL the routes answered before (so its
 * query was validated and normalised) whose page is a fresh hit held in process, asked with a key
 * that authenticated moments ago and a plan decided in process, is answered here from the page's
 * prepared bytes with the headers the route would send: a map lookup and a socket write instead of
 * routing, a dozen hooks, validation and serialisation. Anything else — an unknown URL, a cursor, a
 * key not seen lately, a refusal, CORS, load shedding, a body — goes to Fastify untouched, which
 * answers it as always; so this can only ever answer what the app itself would have answered.
 *
 *   client ──▶ front ── known URL, fresh page, key + plan decided in process ──▶ bytes (HIT)
 *                 └──── anything else ──▶ Fastify: hooks, validation, route (learns the URL)
 */
export class SearchFront {
  readonly #options: SearchFrontOptions;
  readonly #learned: LRUCache<string, LearnedSearch>;
  readonly #baseHeaders: readonly string[];
  #closing = false;

  constructor(options: SearchFrontOptions) {
    this.#options = options;
    this.#learned = new LRUCache({ max: options.maxUrls ?? 20_000 });
    this.#baseHeaders = Object.entries(options.securityHeaders).flat();
  }

  /** Remembers how to answer `url` (a route calls this after answering it with a first page). */
  learn(url: string, learned: () => LearnedSearch): void {
    if (this.#learned.has(url)) return;
    this.#learned.set(url, learned());
  }

  /** From now on every request goes to the app (which answers 503 while it closes). */
  close(): void {
    this.#closing = true;
  }

  /** Answers the request and returns true, or returns false having written nothing (bound: the server calls it). */
  readonly serve = (request: IncomingMessage, response: ServerResponse): boolean => {
    const startedAt = performance.now();
    if (this.#closing || request.method !== 'GET' || request.url === undefined) return false;
    const learned = this.#learned.get(request.url);
    if (learned === undefined) return false;
    const headers = request.headers;
    // CORS and request bodies are the app's to handle; so is a server shedding load.
    if (
      headers.origin !== undefined ||
      headers['content-length'] !== undefined ||
      headers['transfer-encoding'] !== undefined ||
      this.#options.isUnderPressure()
    )
      return false;
    const gateway = this.#options.gateway;
    let principal: ApiKeyPrincipal | undefined;
    if (gateway !== undefined) {
      const presented = headers['x-api-key'];
      if (typeof presented !== 'string' || gateway.limiter.consumeNow === undefined) return false;
      if (gateway.credentialWait(request) > 0) return false;
      principal = gateway.keys.authenticatedRecently(presented);
      if (principal === undefined) return false;
    }
    const answer = learned.peek();
    if (answer === undefined) return false;
    const { bytes, maxAgeSeconds } = answer;
    let decision: RateLimitDecision | undefined;
    if (gateway !== undefined && principal !== undefined) {
      decision = gateway.limiter.consumeNow?.(principal.keyId, principal.plan);
      if (decision === undefined) return false;
      if (!decision.allowed) {
        // The token is spent: the app answers the refusal with this decision instead of taking another.
        (request as IncomingMessage & FrontDecided)[DECIDED_BY_FRONT] = decision;
        return false;
      }
    }

    const head = answerHead({ bytes, cache: 'HIT', maxAgeSeconds }, headers['if-none-match']);
    const out = [...this.#baseHeaders, 'x-request-id', requestIdFor(request), ...head.headers];
    if (decision !== undefined) out.push(...rateLimitHeaders(decision));
    out.push(...head.entity);
    response.writeHead(head.status, out);
    if (head.status === 304) response.end();
    else response.end(bytes.body);
    this.#account(learned, request.url, head.status, performance.now() - startedAt, principal);
    return true;
  };

  /** Records the answer as the metrics, usage metering and analytics hooks record the app's (answer-records.ts). */
  #account(
    learned: LearnedSearch,
    url: string,
    status: number,
    durationMs: number,
    principal: ApiKeyPrincipal | undefined,
  ): void {
    const options = this.#options;
    const answer: Answer = {
      method: 'GET',
      route: learned.route,
      url,
      status,
      durationMs,
      cacheType: learned.cacheType,
      cache: 'hit',
      principal,
      search: learned.search,
    };
    options.recordAnswer(metricsRecord(answer));
    const gateway = options.gateway;
    if (gateway !== undefined && principal !== undefined)
      gateway.meter.record(principal.keyId, utcDay(gateway.clock.now()), usageRecord(answer));
    if (options.recordSample === undefined) return;
    const sample = analyticsSample(answer);
    if (sample !== undefined) options.recordSample(sample);
  }
}
