import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { systemClock } from '../ports/clock.js';
import { isAmadeusRequest } from './amadeus/paths.js';
import { amadeusRoutes } from './amadeus/plugin.js';
import { amadeusResponses, sendFrameworkError } from './amadeus/responses.js';
import { answerClientError } from './client-errors.js';
import { registerErrorHandling } from './error-handler.js';
import { frontedServer } from './fronted-server.js';
import { AMADEUS_SECURITY_SCHEME, documentOperation, OPENAPI_TAGS } from './openapi-conventions.js';
import { analyticsRecorder } from './plugins/analytics-recorder.js';
import { type GatewayOptions, gateway } from './plugins/gateway.js';
import { type HardeningOptions, hardening } from './plugins/hardening.js';
import { metrics } from './plugins/metrics.js';
import { requestTracing } from './plugins/request-tracing.js';
import { PROBLEM_BASE, replyWithProblem } from './problems.js';
import { requestIdFor } from './request-id.js';
import { requestLogController } from './request-logging.js';
import { adminImportRoutes } from './routes/admin-imports.js';
import { adminInventoryRoutes } from './routes/admin-inventory.js';
import { analyticsRoutes } from './routes/analytics.js';
import { bookingRoutes } from './routes/bookings.js';
import { type DashboardStreamLimits, dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes } from './routes/health.js';
import { offerRoutes } from './routes/offers.js';
import { searchRoutes } from './routes/search.js';
import { webhookRoutes } from './routes/webhooks.js';
import { ImportJobSchema } from './schemas/admin-imports.js';
import { BookingSchema } from './schemas/bookings.js';
import { Price, ProblemSchema } from './schemas/common.js';
import { FlightOffer } from './schemas/flights.js';
import { HotelOffer } from './schemas/hotels.js';
import { SearchFront } from './search-front.js';
import type { ApiServices } from './services.js';
import { closeConnectionOnUnreadBody } from './unread-body.js';
import { serializerOnFirstUse, validatorOnFirstUse } from './validation/on-first-use.js';
import { useStrictJsonParser } from './validation/strict-json-parser.js';
import { STRICT_AJV_OPTIONS, strictValidatorFactory } from './validation/strict-validator.js';

export interface AppOptions {
  services: ApiServices;
  /** API keys, usage plans, bearer tokens and hardening; without it no route asks for a key. */
  gateway?: GatewayOptions;
  /**
   * Security headers, CORS and load shedding for an app without a gateway (the gateway brings
   * its own); lets a trusted deployment drop keys and rate limits but keep overload protection.
   */
  hardening?: HardeningOptions;
  logger?: FastifyServerOptions['logger'];
  /** Longest time a request may take before the server answers 503, ms. */
  requestTimeoutMs?: number;
  bodyLimitBytes?: number;
  /**
   * Reverse proxies (addresses, CIDR ranges) whose forwarded headers give the client address and
   * scheme; none by default, so `request.ip` is the socket's peer and X-Forwarded-For is ignored.
   */
  trustProxy?: readonly string[];
  version?: string;
  /**
   * When route schemas become validators and serializers: `start` (default) at `ready()`, so a
   * bad schema stops the start; `first-use` when a request first needs them (src/http/validation/
   * on-first-use.ts), which a Lambda cold start, answering one route, does not wait for.
   */
  compileSchemas?: 'start' | 'first-use';
  /** How often the dashboard's live stream sends a snapshot and how many streams it keeps open. */
  dashboardStreams?: DashboardStreamLimits;
  /** Bearer token `/metrics` asks for (METRICS_TOKEN); without one it answers local scrapers only. */
  metricsToken?: string | undefined;
  /**
   * Whether `/metrics` answers a loopback peer without the token (default true). False on Lambda:
   * there every request comes through API Gateway, and a direct invocation without a source address
   * would read as loopback, so only METRICS_TOKEN opens it.
   */
  metricsLocalScrapers?: boolean;
  /**
   * Answer cached searches from the front (src/http/search-front.ts) when the app listens on its own
   * server; default true. Off with tracing, which wants a span per request.
   */
  searchFront?: boolean;
}

/** The Fastify application: every route, schema, error mapping and the OpenAPI document. */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const useFront = (options.searchFront ?? true) && options.services.tracer === undefined;
  let front: SearchFront | undefined;
  const app = Fastify({
    ...(useFront ? { serverFactory: frontedServer(() => front?.serve) } : {}),
    logger: options.logger ?? false,
    logController: requestLogController(options.logger),
    genReqId: requestIdFor,
    bodyLimit: options.bodyLimitBytes ?? 256 * 1024,
    trustProxy:
      options.trustProxy !== undefined && options.trustProxy.length > 0 ? [...options.trustProxy] : false,
    connectionTimeout: options.requestTimeoutMs ?? 10_000,
    routerOptions: { maxParamLength: 4096 },
    return503OnClosing: true,
    // Errors Node raises before routing (431, 414, 400 on a malformed request line or headers).
    clientErrorHandler: answerClientError,
    // Errors the router raises before any hook runs (over-long or badly encoded URLs).
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      // No hook runs for these, so the Amadeus paths get their error shape here.
      if (isAmadeusRequest(request)) return sendFrameworkError(request, reply, error.statusCode);
      return error.statusCode === 414
        ? replyWithProblem(request, reply, 'uri-too-long', 'a path segment is longer than allowed')
        : replyWithProblem(request, reply, 'invalid-request', 'the URL is not validly percent-encoded');
    },
    // One coercion and number rule for every route, present and future (src/http/validation).
    ajv: STRICT_AJV_OPTIONS,
    schemaController: {
      compilersFactory:
        options.compileSchemas === 'first-use'
          ? {
              buildValidator: validatorOnFirstUse(strictValidatorFactory()),
              buildSerializer: serializerOnFirstUse(),
            }
          : { buildValidator: strictValidatorFactory() },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // Before any route, so its onSend hook reaches every one of them, unknown paths included.
  await app.register(amadeusResponses);
  registerErrorHandling(app);
  closeConnectionOnUnreadBody(app);
  useStrictJsonParser(app);

  app.addSchema(Price);
  app.addSchema(ProblemSchema);
  app.addSchema(FlightOffer);
  app.addSchema(ImportJobSchema);
  app.addSchema(HotelOffer);
  app.addSchema(BookingSchema);

  // Before everything else, so every answer is timed, the gateway's refusals included.
  await app.register(metrics, {
    supplierCircuits: () => options.services.supplierCircuits(),
    token: options.metricsToken,
    localScrapers: options.metricsLocalScrapers ?? true,
  });
  // Analytics and traces: a hook after each response, and a span around each handler (tracing on).
  const { analytics, tracer } = options.services;
  if (analytics) await app.register(analyticsRecorder, { analytics });
  if (tracer) await app.register(requestTracing, { tracer });
  // First, so its request decorations and hooks reach every route, the documentation's too.
  if (options.gateway) await app.register(gateway, options.gateway);
  else if (options.hardening) await app.register(hardening, options.hardening);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'travel-platform API',
        version: options.version ?? '1',
        description: `Flight and hotel search, price confirmation and booking. Errors are RFC 9457 problem+json with types under ${PROBLEM_BASE}; the Amadeus-compatible routes answer Amadeus errors instead.`,
        license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
        contact: { name: 'travel-platform', url: 'https://travel-platform.dev' },
      },
      servers: [{ url: '/', description: 'The server this document is served by' }],
      tags: OPENAPI_TAGS,
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          amadeusOAuth2: AMADEUS_SECURITY_SCHEME,
        },
      },
    },
    // Every /v1 route needs the API key; routes that also need a bearer token say so themselves.
    transform: ({ schema, url, route }) => ({
      schema: documentOperation(
        withOptionalDefaults(schema),
        url,
        String(Array.isArray(route.method) ? route.method[0] : route.method),
      ),
      url,
    }),
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  if (useFront) {
    const gateway = options.gateway;
    front = new SearchFront({
      gateway: gateway && {
        keys: gateway.keys,
        limiter: gateway.limiter,
        meter: gateway.meter,
        clock: gateway.clock ?? systemClock,
        // Behind a trusted proxy the socket's peer is the proxy, not the client the app judges.
        credentialWait: (raw) =>
          app.credentialWait(options.trustProxy?.length ? undefined : raw.socket.remoteAddress),
      },
      securityHeaders: app.hasDecorator('securityHeaders') ? app.securityHeaders : {},
      recordAnswer: app.recordAnswer,
      recordSample: analytics && ((sample) => analytics.record(sample)),
      isUnderPressure: app.hasDecorator('isUnderPressure') ? () => app.isUnderPressure() : () => false,
    });
    const closing = front;
    app.addHook('preClose', (done) => {
      closing.close();
      done();
    });
  }
  await app.register(searchRoutes, { services: options.services, front });
  await app.register(offerRoutes, { services: options.services });
  await app.register(healthRoutes, { services: options.services });
  // Bookings need the bearer token and admin routes the admin key: both come with the gateway.
  if (options.gateway) {
    await app.register(bookingRoutes, { services: options.services });
    await app.register(adminInventoryRoutes, { services: options.services });
    if (options.services.webhooks) await app.register(webhookRoutes, { webhooks: options.services.webhooks });
    await app.register(adminImportRoutes, { services: options.services });
    const accessTokens = options.gateway.accessTokens;
    if (accessTokens !== undefined) {
      await app.register(amadeusRoutes, { services: options.services, accessTokens });
    }
    if (analytics) await app.register(analyticsRoutes, { analytics });
    const sessions = options.gateway.dashboardSessions;
    if (analytics && sessions) {
      await app.register(dashboardRoutes, {
        ...options.dashboardStreams,
        analytics,
        keys: options.gateway.keys,
        sessions,
      });
    }
  }

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

/**
 * Query parameters with a default are required only for the validator (so the default is
 * applied); a client may leave them out, and the document says so.
 */
function withOptionalDefaults<T>(schema: T): T {
  const routeSchema = schema as {
    querystring?: { required?: string[]; properties?: Record<string, { default?: unknown }> };
  };
  const query = routeSchema?.querystring;
  if (!query?.required || !query.properties) return schema;
  const properties = query.properties;
  return {
    ...schema,
    querystring: {
      ...query,
      required: query.required.filter((name) => properties[name]?.default === undefined),
    },
  };
}
