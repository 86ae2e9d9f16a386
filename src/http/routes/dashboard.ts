import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AnalyticsService } from '../../core/analytics/analytics-service.js';
import { ApiKeyRejectedError, type ApiKeyService } from '../../core/gateway/api-key-service.js';
import {
  type DashboardSession,
  type DashboardSessions,
  SESSION_TTL_MS,
} from '../../core/gateway/dashboard-sessions.js';
import { DashboardStreams } from '../dashboard-streams.js';
import { replyWithProblem } from '../problems.js';

/** How the page gets its snapshots, and how the live stream is paced and bounded. */
export interface DashboardStreamLimits {
  /**
   * `stream` (default): one held Server-Sent Events response per viewer. `poll`: the page asks
   * /dashboard/snapshot every POLL_INTERVAL_MS and /dashboard/events is not served, for hosts that
   * cannot hold a response open (API Gateway → Lambda buffers it and cuts it at 29 s with a 504).
   */
  live?: 'stream' | 'poll';
  /** How often the live stream sends a snapshot, ms (default 2000). */
  intervalMs?: number;
  /** Streams this process keeps open (default 1000); more are answered 503. */
  maxStreams?: number;
}

export interface DashboardOptions extends DashboardStreamLimits {
  analytics: AnalyticsService;
  keys: ApiKeyService;
  sessions: DashboardSessions;
}

/** What an admin session sees: everything. (A client key's dashboard would be scoped to its key id.) */
const ADMIN_SCOPE = 'all';
/** `retry-after` of a stream refused for the limit, seconds. */
const STREAMS_RETRY_AFTER_SECONDS = 10;

/**
 * How often a polling page asks for a snapshot, ms: each poll is a request (on Lambda an invocation
 * and a read of the rollups), and the rollups themselves move per minute.
 */
export const POLL_INTERVAL_MS = 5_000;

const COOKIE = 'tp_dashboard';
/** The page's own statement of how it gets snapshots, rewritten when the server polls. */
const LIVE_META = '<meta name="dashboard-live" content="stream" />';
const WEB = new URL('../../../web/', import.meta.url);
const requireModule = createRequire(import.meta.url);

/** Files the page loads, by the name it asks for: its own and uPlot's, from node_modules (no CDN). */
const ASSETS: Record<string, { file: string | URL; type: string }> = {
  'dashboard.js': { file: new URL('dashboard.js', WEB), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: new URL('dashboard.css', WEB), type: 'text/css; charset=utf-8' },
  'uPlot.iife.min.js': {
    file: requireModule.resolve('uplot/dist/uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'uPlot.min.css': {
    file: requireModule.resolve('uplot/dist/uPlot.min.css'),
    type: 'text/css; charset=utf-8',
  },
};

function cookieOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  // No Path: the browser scopes the cookie to the folder of /dashboard/session as it saw it, which
  // is /dashboard here and /<stage>/dashboard behind API Gateway's stage prefix (the page and its
  // requests use relative URLs for the same reason).
  return `${COOKIE}=${value}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/**
 * The live dashboard: a page and its assets, sign-in with the admin key (kept only as an
 * httpOnly, SameSite=Strict signed session cookie that any worker or instance verifies; the key
 * never appears in a URL), and a Server-Sent Events stream of analytics snapshots, shared by every
 * stream of the process and capped in number.
 */
export const dashboardRoutes: FastifyPluginAsyncTypebox<DashboardOptions> = async (app, options) => {
  const { sessions } = options;
  const maxStreams = options.maxStreams ?? 1_000;
  const live = options.live ?? 'stream';
  const page = pageFor(readFileSync(new URL('dashboard.html', WEB), 'utf8'), live);
  const assets = new Map(
    Object.entries(ASSETS).map(([name, asset]) => [name, { ...asset, body: readFileSync(asset.file) }]),
  );
  const streams = new DashboardStreams({
    snapshot: () => options.analytics.dashboard(),
    sessions,
    intervalMs: options.intervalMs ?? 2_000,
    maxStreams,
    log: app.log,
  });
  app.addHook('preClose', async () => streams.closeAll());

  /** The request's live session, or undefined once a 401 was sent. */
  const signedIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<DashboardSession | undefined> => {
    const session = await sessions.verify(cookieOf(request));
    if (session === undefined)
      replyWithProblem(request, reply, 'invalid-api-key', 'Sign in to the dashboard with the admin API key.');
    return session;
  };

  app.get('/dashboard', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page),
  );

  app.get(
    '/dashboard/assets/:name',
    { schema: { hide: true, params: Type.Object({ name: Type.String({ maxLength: 64 }) }) } },
    async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (asset === undefined)
        return replyWithProblem(request, reply, 'not-found', 'no such dashboard asset');
      return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body);
    },
  );

  app.get('/dashboard/session', { schema: { hide: true } }, async (request, reply) => {
    return (await signedIn(request, reply)) === undefined ? reply : reply.code(204).send();
  });

  app.post(
    '/dashboard/session',
    {
      // Guessed keys are throttled per client address (plugins/credential-throttle.ts).
      config: { checksCredentials: true },
      schema: {
        hide: true,
        body: Type.Object(
          { key: Type.String({ minLength: 1, maxLength: 512 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      let keyId: string;
      try {
        const principal = await options.keys.authenticate(request.body.key);
        if (principal.role !== 'admin')
          return replyWithProblem(
            request,
            reply,
            'admin-key-required',
            'The dashboard needs the admin API key.',
          );
        keyId = principal.keyId;
      } catch (error) {
        if (!(error instanceof ApiKeyRejectedError)) throw error;
        return replyWithProblem(request, reply, 'invalid-api-key', error.message);
      }
      return reply
        .header('set-cookie', sessionCookie(request, sessions.open(keyId), SESSION_TTL_MS / 1000))
        .code(204)
        .send();
    },
  );

  app.delete('/dashboard/session', { schema: { hide: true } }, async (request, reply) => {
    await sessions.close(cookieOf(request));
    return reply
      .header('set-cookie', sessionCookie(request, '', 0))
      .code(204)
      .send();
  });

  // One snapshot per request: what a polling page reads, and a scriptable look at the same numbers.
  app.get('/dashboard/snapshot', { schema: { hide: true } }, async (request, reply) => {
    const session = await signedIn(request, reply);
    if (session === undefined) return reply;
    return reply.header('cache-control', 'no-store').send(await options.analytics.dashboard());
  });

  if (live === 'poll') return;
  app.get('/dashboard/events', { schema: { hide: true } }, async (request, reply) => {
    const session = await signedIn(request, reply);
    if (session === undefined) return reply;
    if (!streams.hasRoom)
      return replyWithProblem(
        request,
        reply.header('retry-after', STREAMS_RETRY_AFTER_SECONDS),
        'overloaded',
        `This server already streams to ${maxStreams} dashboards (DASHBOARD_MAX_STREAMS); retry later.`,
      );
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-request-id': request.id,
    });
    await streams.add(ADMIN_SCOPE, reply.raw, session);
  });
};

/** The page telling its script how to get snapshots (a meta tag the script reads). */
function pageFor(html: string, live: 'stream' | 'poll'): string {
  if (!html.includes(LIVE_META)) throw new Error(`web/dashboard.html lost its ${LIVE_META} tag`);
  return html.replace(
    LIVE_META,
    `<meta name="dashboard-live" content="${live}" data-poll-ms="${POLL_INTERVAL_MS}" />`,
  );
}
