import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ANSWERED_UNDER_PRESSURE } from '../plugins/hardening.js';
import { problemResponses } from '../schemas/common.js';
import type { ApiServices, ComponentHealth } from '../services.js';

const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('down')]),
  checks: Type.Record(Type.String(), Type.String()),
});

/**
 * Liveness (the process answers) and readiness (its dependencies answer, and it is not shedding
 * load). Liveness is answered even while load is shed: a process shedding load is alive, and
 * restarting it would lose what it holds; readiness then answers 503 overloaded, so a balancer
 * sends traffic elsewhere until it recovers.
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/health/live',
    {
      config: ANSWERED_UNDER_PRESSURE,
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process answers',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/health/ready',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the health of each dependency',
        description:
          'Readiness: 200 with the health of each dependency; 503 when the store is down (the same body), or problem details `overloaded` while the server sheds load.',
        response: {
          200: HealthBody,
          503: {
            description: 'Not ready: a dependency is down, or the server sheds load',
            content: {
              'application/json': { schema: HealthBody },
              ...problemResponses(503)[503]?.content,
            },
          },
        },
      },
    },
    async (_request, reply) => {
      const checks = await services.readiness();
      const values = Object.values(checks);
      const status: ComponentHealth = values.includes('down')
        ? 'down'
        : values.includes('degraded')
          ? 'degraded'
          : 'ok';
      reply
        .code(status === 'down' ? 503 : 200)
        .header('cache-control', 'no-store')
        // The 503 schema is chosen by content type (this body, or the overload problem).
        .header('content-type', 'application/json; charset=utf-8');
      return { status, checks };
    },
  );
};
