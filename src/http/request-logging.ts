import { type FastifyServerOptions, LogController } from 'fastify';

const VERBOSE = new Set(['debug', 'trace']);

/**
 * Whether Fastify logs a line as each request arrives and another as it completes. Only at `debug`
 * or `trace`: at `info` those two lines per request were most of a cached search's log cost (16 MB
 * of log in ten seconds of load). Failures are logged by the error handler at every level.
 */
export function logsEveryRequest(logger: FastifyServerOptions['logger']): boolean {
  if (typeof logger !== 'object' || logger === null || !('level' in logger)) return false;
  return typeof logger.level === 'string' && VERBOSE.has(logger.level);
}

/** Fastify's request-line logging, on only when `logsEveryRequest` says so. */
export function requestLogController(logger: FastifyServerOptions['logger']): LogController {
  return new LogController({ disableRequestLogging: !logsEveryRequest(logger) });
}
