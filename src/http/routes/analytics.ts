import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AnalyticsService } from '../../core/analytics/analytics-service.js';
import { requireAdmin } from '../plugins/admin-guard.js';
import {
  AnalyticsQuery,
  AnalyticsSummarySchema,
  CacheReportSchema,
  KeyUsageSchema,
  LiveCostSchema,
  list,
  single,
  TimeseriesPointSchema,
  TopRoutesQuery,
  TopRoutesSchema,
} from '../schemas/analytics.js';
import { problemResponses } from '../schemas/common.js';

const tags = ['analytics'];
const problems = problemResponses(400, 401, 403);

/**
 * Analytics over a window (`from`, `to`, `granularity`): the admin key reads everything; a client
 * key reads only its own usage (`/keys`).
 */
export const analyticsRoutes: FastifyPluginAsyncTypebox<{ analytics: AnalyticsService }> = async (
  app,
  { analytics },
) => {
  app.get(
    '/v1/analytics/summary',
    {
      preHandler: requireAdmin,
      schema: {
        operationId: 'getAnalyticsSummary',
        tags,
        summary:
          'Requests, searches, bookings, look-to-book, hit ratio, latency percentiles and errors of a window',
        querystring: AnalyticsQuery,
        response: { 200: single(AnalyticsSummarySchema), ...problems },
      },
    },
    async (request) => ({ data: await analytics.summary(request.query) }),
  );

  app.get(
    '/v1/analytics/timeseries',
    {
      preHandler: requireAdmin,
      schema: {
        operationId: 'getAnalyticsTimeseries',
        tags,
        summary: 'One point per minute, hour or day of a window, empty buckets included',
        querystring: AnalyticsQuery,
        response: { 200: list(TimeseriesPointSchema), ...problems },
      },
    },
    async (request) => {
      const points = await analytics.timeseries(request.query);
      return { data: points, meta: { count: points.length, nextCursor: null } };
    },
  );

  app.get(
    '/v1/analytics/top-routes',
    {
      preHandler: requireAdmin,
      schema: {
        operationId: 'getAnalyticsTopRoutes',
        tags,
        summary: 'Most searched routes and cities of a window',
        querystring: TopRoutesQuery,
        response: { 200: single(TopRoutesSchema), ...problems },
      },
    },
    async (request) => {
      const { limit, ...range } = request.query;
      return { data: await analytics.topRoutes(range, limit) };
    },
  );

  app.get(
    '/v1/analytics/keys',
    {
      schema: {
        operationId: 'getAnalyticsKeyUsage',
        tags,
        summary: 'Usage by API key of a window (a client key sees only its own)',
        querystring: AnalyticsQuery,
        response: { 200: list(KeyUsageSchema), ...problemResponses(400, 401) },
      },
    },
    async (request) => {
      const rows = await analytics.keys(request.query, request.apiKey);
      return { data: rows, meta: { count: rows.length, nextCursor: null } };
    },
  );

  app.get(
    '/v1/analytics/cost',
    {
      preHandler: requireAdmin,
      schema: {
        operationId: 'getAnalyticsCost',
        tags,
        summary: "Monthly cost and cost per request if the month ran like the window's traffic, line by line",
        querystring: AnalyticsQuery,
        response: { 200: single(LiveCostSchema), ...problems },
      },
    },
    async (request) => ({ data: await analytics.cost(request.query) }),
  );

  app.get(
    '/v1/analytics/cache-advice',
    {
      preHandler: requireAdmin,
      schema: {
        operationId: 'getAnalyticsCacheAdvice',
        tags,
        summary: 'Which data types and routes miss most, and what a longer TTL would have given (replayed)',
        response: { 200: single(CacheReportSchema), ...problemResponses(401, 403) },
      },
    },
    async () => ({ data: analytics.cacheAdvice() }),
  );
};
