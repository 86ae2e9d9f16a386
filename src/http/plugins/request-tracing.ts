import type { FastifyPluginAsync, RouteHandlerMethod } from 'fastify';
import fp from 'fastify-plugin';
import type { Tracer } from '../../ports/tracer.js';

export interface RequestTracingOptions {
  tracer: Tracer;
}

/**
 * Runs every route handler in a server span ("GET /v1/flights/search"), so the cache, store and
 * event spans of the request become its children. Registered only when tracing is on.
 */
const requestTracingPlugin: FastifyPluginAsync<RequestTracingOptions> = async (app, { tracer }) => {
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    const method = Array.isArray(route.method) ? route.method.join(',') : route.method;
    route.handler = async function traced(request, reply) {
      return tracer.inSpan(
        `${method} ${route.url}`,
        { 'http.request.method': request.method, 'http.route': route.url },
        async (span) => {
          const result = await handler.call(this, request, reply);
          span.setAttribute('http.response.status_code', reply.statusCode);
          return result;
        },
      );
    };
  });
};

/** Request spans (fastify-plugin, so its onRoute hook sees the routes registered after it). */
export const requestTracing = fp(requestTracingPlugin, {
  fastify: '5.x',
  name: 'travel-platform-request-tracing',
});
