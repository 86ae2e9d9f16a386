import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { type AppOptions, buildApp } from '../http/app.js';
import type { Platform } from './platform.js';

/**
 * The HTTP app over a platform, as configured: with the gateway (keys, plans, tokens) or, with
 * GATEWAY=off, only its hardening. The self-hosted server and the API Lambda serve this same app.
 */
export function buildPlatformApp(
  platform: Platform,
  logger: FastifyServerOptions['logger'] = { level: platform.config.logLevel },
  compileSchemas: AppOptions['compileSchemas'] = 'start',
  /** What the host changes (the Lambda entry point: no loopback scrapers of /metrics). */
  host: Pick<AppOptions, 'metricsLocalScrapers'> = {},
): Promise<FastifyInstance> {
  const { config } = platform;
  return buildApp({
    services: platform.services,
    ...(config.gateway === 'on'
      ? { gateway: platform.gateway.options }
      : { hardening: platform.gateway.options.hardening }),
    bodyLimitBytes: config.bodyLimitBytes,
    logger,
    requestTimeoutMs: config.requestTimeoutMs,
    trustProxy: config.trustProxy,
    compileSchemas,
    searchFront: config.searchFront === 'on',
    dashboardStreams: { maxStreams: config.dashboardMaxStreams, live: config.dashboardLive },
    metricsToken: config.metricsToken,
    ...host,
  });
}
