import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { AnalyticsService } from '../../core/analytics/analytics-service.js';
import { analyticsSample, answerOf, firstPageSearch } from '../answer-records.js';

export interface AnalyticsRecorderOptions {
  analytics: AnalyticsService;
}

/**
 * Hands every answered /v1 request to analytics after the response is sent: a handful of field
 * reads and one synchronous, in-memory call, so the request itself never waits on analytics.
 */
const analyticsRecorderPlugin: FastifyPluginAsync<AnalyticsRecorderOptions> = async (app, { analytics }) => {
  app.addHook('onResponse', async (request, reply) => {
    const answer = answerOf(request, reply);
    answer.search = firstPageSearch(answer.route, request.query as Record<string, unknown> | undefined);
    const sample = analyticsSample(answer);
    if (sample !== undefined) analytics.record(sample);
  });
};

/** The analytics recorder (fastify-plugin: its hook sees every route of the app). */
export const analyticsRecorder = fp(analyticsRecorderPlugin, {
  fastify: '5.x',
  name: 'travel-platform-analytics-recorder',
});
