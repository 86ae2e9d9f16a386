import cors from '@fastify/cors';
import underPressure from '@fastify/under-pressure';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { LiveHeap } from '../live-heap.js';
import { problem } from '../problems.js';
import { securityHeaders } from './security-headers.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The security headers every answer carries (helmet's, computed once). */
    securityHeaders: Readonly<Record<string, string>>;
  }
  interface FastifyContextConfig {
    /** under-pressure's answer for this route while shedding; one returning nothing lets the request through. */
    pressureHandler?: () => undefined;
  }
}

/** Route config of a route answered even while load is shed (liveness: the process can answer). */
export const ANSWERED_UNDER_PRESSURE = { pressureHandler: () => undefined };

export interface HardeningOptions {
  /** `*`, or the allowed browser origins; an empty list sends no CORS headers. */
  corsOrigins: '*' | readonly string[];
  /** Event-loop delay (ms) above which requests get 503; 0 disables. */
  maxEventLoopDelayMs: number;
  /** Live heap (bytes, see live-heap.ts) above which requests get 503; 0 disables. */
  maxHeapUsedBytes: number;
  /**
   * Called while the live heap is over its bound, before a collection measures it again: drops what
   * can be rebuilt (cached entries), so the server gives memory back instead of shedding forever.
   */
  relieveMemory?: () => void;
  /** `retry-after` (s) of overload answers. */
  retryAfterSeconds?: number;
  /** How often (ms) load is sampled; tests shorten it. */
  sampleIntervalMs?: number;
  /** Helmet's Content-Security-Policy; pass false for routes serving their own UI. */
  contentSecurityPolicy?: boolean;
}

/** Headers clients should be able to read cross-origin. */
const EXPOSED_HEADERS = [
  'ratelimit-limit',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
  'x-request-id',
  'x-cache',
  'etag',
];

/**
 * Security headers, CORS, and load shedding: while the event loop lags or the heap is over its
 * bound, requests are answered 503 with `retry-after` at once instead of queueing until the
 * process falls over. Register first so shed requests cost nothing further.
 */
const hardeningPlugin: FastifyPluginAsync<HardeningOptions> = async (app, options) => {
  const retryAfter = options.retryAfterSeconds ?? 1;
  // Helmet's headers never vary by request: computed once, then set from a constant per request
  // (helmet itself rebuilds them, CSP directives included, on every request).
  const headers = await securityHeaders({ contentSecurityPolicy: options.contentSecurityPolicy ?? true });
  app.decorate('securityHeaders', Object.freeze(headers));
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  if (options.corsOrigins === '*' || options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: options.corsOrigins === '*' ? '*' : [...options.corsOrigins],
      methods: ['GET', 'HEAD', 'POST', 'DELETE'],
      allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'idempotency-key', 'if-none-match'],
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: 600,
    });
  }
  const heapBound = options.maxHeapUsedBytes;
  const heap = heapBound > 0 ? new LiveHeap() : undefined;
  if (heap) app.addHook('onClose', async () => heap.close());
  /**
   * Within bound when the live heap is; over it, memory that can be rebuilt is given back and a
   * collection measures again. under-pressure's own heap check is off: it reads heapUsed, garbage
   * included, and nothing it does while shedding ever frees any.
   */
  const heapWithinBound = async (): Promise<boolean> => {
    if (heap === undefined || heap.bytes() <= heapBound) return true;
    options.relieveMemory?.();
    return (await heap.collect()) <= heapBound;
  };
  const sampleInterval = options.sampleIntervalMs ?? 1000;
  await app.register(underPressure, {
    maxEventLoopDelay: options.maxEventLoopDelayMs,
    sampleInterval,
    ...(heap ? { healthCheck: heapWithinBound, healthCheckInterval: sampleInterval } : {}),
    retryAfter,
    pressureHandler: (request, reply, type) => {
      // The health check is the live-heap bound above.
      const what = type === underPressure.TYPE_HEALTH_CHECK ? 'memory use' : 'event-loop delay';
      const body = problem(
        'overloaded',
        `The server is overloaded (${what} over its bound); retry shortly.`,
        {
          instance: request.url.split('?')[0],
        },
      );
      reply
        .code(503)
        .header('retry-after', retryAfter)
        .header('content-type', 'application/problem+json; charset=utf-8');
      // under-pressure sends a non-null return value as the response (and stops the request);
      // its typings only admit void, hence the cast.
      return body as unknown as undefined;
    },
  });
};

/** The hardening plugin (fastify-plugin: headers and shedding apply to the whole app). */
export const hardening = fp(hardeningPlugin, { fastify: '5.x', name: 'travel-platform-hardening' });
