import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import type { RateLimitDecision, RateLimiter } from '../../ports/rate-limiter.js';
import { RateLimiterUnavailableError } from '../../ports/rate-limiter.js';
import { replyWithProblem } from '../problems.js';

export interface RateLimitOptions {
  limiter: RateLimiter;
  /**
   * When the limiter's backend is down: true admits requests unmetered (availability first),
   * false answers 503. Default true: a Redis outage should not take the API down with it.
   */
  failOpen?: boolean;
}

/**
 * Where the cached-search front leaves a decision it took but could not act on (a refusal): the
 * request then comes here with its token already spent, and must not spend another.
 */
export const DECIDED_BY_FRONT = Symbol('rate limit decided by the cached-search front');

/** A raw request that may carry a decision of the front. */
export type FrontDecided = { [DECIDED_BY_FRONT]?: RateLimitDecision };

/** The `ratelimit-*` headers of a decision, as name, value, name, value… */
export function rateLimitHeaders(decision: RateLimitDecision): string[] {
  return [
    'ratelimit-limit',
    String(decision.limit),
    'ratelimit-remaining',
    String(decision.remaining),
    'ratelimit-reset',
    String(decision.resetSeconds),
  ];
}

function setHeaders(reply: FastifyReply, decision: RateLimitDecision): void {
  const headers = rateLimitHeaders(decision);
  for (let i = 0; i < headers.length; i += 2) reply.header(headers[i] as string, headers[i + 1]);
}

/**
 * Applies each key's usage plan: a token and a unit of daily quota per request, the
 * `ratelimit-*` headers on every keyed response, and 429 with `retry-after` when refused.
 * Register after `apiKeyAuth`, whose principal it meters.
 */
const rateLimitPlugin: FastifyPluginAsync<RateLimitOptions> = async (app, options) => {
  const failOpen = options.failOpen ?? true;
  app.addHook('onRequest', async (request, reply) => {
    const principal = request.apiKey;
    if (principal === null) return;
    let decision: RateLimitDecision;
    try {
      decision =
        (request.raw as FrontDecided)[DECIDED_BY_FRONT] ??
        (await options.limiter.consume(principal.keyId, principal.plan));
    } catch (error) {
      if (!(error instanceof RateLimiterUnavailableError)) throw error;
      request.log.error({ err: error }, 'rate limiter unavailable');
      if (failOpen) return;
      reply.header('retry-after', 1);
      return replyWithProblem(
        request,
        reply,
        'rate-limiter-unavailable',
        'Usage limits cannot be checked right now.',
      );
    }
    setHeaders(reply, decision);
    if (decision.allowed) return;
    reply.header('retry-after', decision.retryAfterSeconds);
    return decision.reason === 'quota'
      ? replyWithProblem(
          request,
          reply,
          'quota-exceeded',
          `The daily quota of ${principal.plan.dailyQuota} requests is used up; it resets at 00:00 UTC.`,
        )
      : replyWithProblem(
          request,
          reply,
          'rate-limited',
          `Over ${principal.plan.rateLimit} requests per second (burst ${principal.plan.burstLimit}); retry after ${decision.retryAfterSeconds} s.`,
        );
  });
};

/** The usage-plan enforcement plugin (fastify-plugin: hooks apply to the whole app). */
export const rateLimit = fp(rateLimitPlugin, {
  fastify: '5.x',
  name: 'travel-platform-rate-limit',
  dependencies: ['travel-platform-api-key-auth'],
});
