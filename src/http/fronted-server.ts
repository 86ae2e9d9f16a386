import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';

/** Answers a request itself (true) or leaves it untouched (false). */
export type RequestFront = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * A Fastify server factory whose server first offers each request to `front()` (read per request:
 * the front is built after the app's plugins) and hands the rest to Fastify. The server is set up
 * as Fastify sets up its own (timeouts, requests per socket).
 */
export function frontedServer(front: () => RequestFront | undefined): FastifyServerFactory {
  return (handler, options): Server => {
    const server = createServer(options.http ?? {}, (request, response) => {
      if (front()?.(request, response) === true) return;
      handler(request, response);
    });
    const { keepAliveTimeout, requestTimeout, connectionTimeout, maxRequestsPerSocket } = options;
    if (typeof keepAliveTimeout === 'number') server.keepAliveTimeout = keepAliveTimeout;
    if (typeof requestTimeout === 'number') server.requestTimeout = requestTimeout;
    if (typeof connectionTimeout === 'number') server.setTimeout(connectionTimeout);
    if (typeof maxRequestsPerSocket === 'number' && maxRequestsPerSocket > 0)
      server.maxRequestsPerSocket = maxRequestsPerSocket;
    return server;
  };
}
