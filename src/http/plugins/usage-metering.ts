import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { UsageMeter } from '../../core/gateway/usage-meter.js';
import { utcDay } from '../../kernel/utc-day.js';
import { type Clock, systemClock } from '../../ports/clock.js';
import { usageRecord } from '../answer-records.js';

export interface UsageMeteringOptions {
  meter: UsageMeter;
  clock?: Clock;
}

/** Counts every keyed response per key per UTC day: requests, searches, 4xx, 5xx and 429 (answer-records.ts). */
const usageMeteringPlugin: FastifyPluginAsync<UsageMeteringOptions> = async (app, options) => {
  const clock = options.clock ?? systemClock;
  app.addHook('onResponse', async (request, reply) => {
    if (request.apiKey === null) return;
    options.meter.record(
      request.apiKey.keyId,
      utcDay(clock.now()),
      usageRecord({ route: request.routeOptions.url, status: reply.statusCode }),
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
