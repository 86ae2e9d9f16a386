import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { UsageIncrement, UsageMeter } from '../../core/gateway/usage-meter.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import { utcDay } from '../../ports/utc-day.js';
import { AMADEUS_SEARCH_PATHS } from '../amadeus/paths.js';

export interface UsageMeteringOptions {
  meter: UsageMeter;
  clock?: Clock;
  /** Which requests count as searches; defaults to routes ending in `/search` and the Amadeus searches. */
  isSearch?: (request: FastifyRequest) => boolean;
}

/** Whether answers on the route `pattern` count as searches: routes ending in `/search` and the Amadeus searches. */
export const isSearchPattern = (pattern: string | undefined): boolean =>
  pattern !== undefined && (pattern.endsWith('/search') || AMADEUS_SEARCH_PATHS.has(pattern));

const isSearchRoute = (request: FastifyRequest): boolean => isSearchPattern(request.routeOptions.url);

/** What one keyed answer with `status` adds to its key's daily counters. */
export function usageIncrement(search: boolean, status: number): UsageIncrement {
  return {
    requests: 1,
    searches: search ? 1 : 0,
    clientErrors: status >= 400 && status < 500 && status !== 429 ? 1 : 0,
    serverErrors: status >= 500 ? 1 : 0,
    throttled: status === 429 ? 1 : 0,
  };
}

/** Counts every keyed response per key per UTC day: requests, searches, 4xx, 5xx and 429. */
const usageMeteringPlugin: FastifyPluginAsync<UsageMeteringOptions> = async (app, options) => {
  const clock = options.clock ?? systemClock;
  const isSearch = options.isSearch ?? isSearchRoute;
  app.addHook('onResponse', async (request, reply) => {
    if (request.apiKey === null) return;
    options.meter.record(
      request.apiKey.keyId,
      utcDay(clock.now()),
      usageIncrement(isSearch(request), reply.statusCode),
    );
  });
  app.addHook('onClose', async () => options.meter.close());
};

/** The usage metering plugin (fastify-plugin: hooks apply to the whole app). */
export const usageMetering = fp(usageMeteringPlugin, {
  fastify: '5.x',
  name: 'travel-platform-usage-metering',
  dependencies: ['travel-platform-api-key-auth'],
});
