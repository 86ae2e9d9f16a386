import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { UsageMeter } from '../../core/gateway/usage-meter.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import { utcDay } from '../../ports/utc-day.js';
import { AMADEUS_SEARCH_PATHS } from '../amadeus/paths.js';

export interface UsageMeteringOptions {
  meter: UsageMeter;
  clock?: Clock;
  /** Which requests count as searches; defaults to routes ending in `/search` and the Amadeus searches. */
  isSearch?: (request: FastifyRequest) => boolean;
}

const isSearchRoute = (request: FastifyRequest): boolean => {
  const url = request.routeOptions.url;
  return url !== undefined && (url.endsWith('/search') || AMADEUS_SEARCH_PATHS.has(url));
};

/** Counts every keyed response per key per UTC day: requests, searches, 4xx, 5xx and 429. */
const usageMeteringPlugin: FastifyPluginAsync<UsageMeteringOptions> = async (app, options) => {
  const clock = options.clock ?? systemClock;
  const isSearch = options.isSearch ?? isSearchRoute;
  app.addHook('onResponse', async (request, reply) => {
    if (request.apiKey === null) return;
    const status = reply.statusCode;
    options.meter.record(request.apiKey.keyId, utcDay(clock.now()), {
      requests: 1,
      searches: isSearch(request) ? 1 : 0,
      clientErrors: status >= 400 && status < 500 && status !== 429 ? 1 : 0,
      serverErrors: status >= 500 ? 1 : 0,
      throttled: status === 429 ? 1 : 0,
    });
  });
  app.addHook('onClose', async () => options.meter.close());
};

/** The usage metering plugin (fastify-plugin: hooks apply to the whole app). */
export const usageMetering = fp(usageMeteringPlugin, {
  fastify: '5.x',
  name: 'travel-platform-usage-metering',
  dependencies: ['travel-platform-api-key-auth'],
});
