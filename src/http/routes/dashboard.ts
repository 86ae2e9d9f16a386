import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AnalyticsService } from '../../core/analytics/analytics-service.js';
import { ApiKeyRejectedError, type ApiKeyService } from '../../core/gateway/api-key-service.js';
import { DashboardSessions, SESSION_TTL_MS } from '../dashboard-sessions.js';
import { replyWithProblem } from '../problems.js';

export interface DashboardOptions {
  analytics: AnalyticsService;
  keys: ApiKeyService;
  /** How often the live stream sends a snapshot, ms. */
  intervalMs?: number;
}

const COOKIE = 'tp_dashboard';
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

function sessionOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${COOKIE}=${value}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure}`;
}

/**
 * The live dashboard: a page and its assets, sign-in with the admin key (kept only as an
 * httpOnly, SameSite=Strict session cookie; the key never appears in a URL), and a Server-Sent
 * Events stream of analytics snapshots.
 */
export const dashboardRoutes: FastifyPluginAsyncTypebox<DashboardOptions> = async (app, options) => {
  const sessions = new DashboardSessions();
  const intervalMs = options.intervalMs ?? 2_000;
  const page = readFileSync(new URL('dashboard.html', WEB), 'utf8');
  const assets = new Map(
    Object.entries(ASSETS).map(([name, asset]) => [name, { ...asset, body: readFileSync(asset.file) }]),
  );
  const streams = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of streams) end();
  });

  const signedIn = (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
    if (sessions.valid(sessionOf(request))) return undefined;
    return replyWithProblem(
      request,
      reply,
      'invalid-api-key',
      'Sign in to the dashboard with the admin API key.',
    );
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
    return signedIn(request, reply) ?? reply.code(204).send();
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
      try {
        const principal = await options.keys.authenticate(request.body.key);
        if (principal.role !== 'admin')
          return replyWithProblem(
            request,
            reply,
            'admin-key-required',
            'The dashboard needs the admin API key.',
          );
      } catch (error) {
        if (!(error instanceof ApiKeyRejectedError)) throw error;
        return replyWithProblem(request, reply, 'invalid-api-key', error.message);
      }
      const id = sessions.open();
      return reply
        .header('set-cookie', sessionCookie(request, id, SESSION_TTL_MS / 1000))
        .code(204)
        .send();
    },
  );

  app.delete('/dashboard/session', { schema: { hide: true } }, async (request, reply) => {
    sessions.close(sessionOf(request));
    return reply
      .header('set-cookie', sessionCookie(request, '', 0))
      .code(204)
      .send();
  });

  app.get('/dashboard/events', { schema: { hide: true } }, async (request, reply) => {
    const refused = signedIn(request, reply);
    if (refused) return refused;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-request-id': request.id,
    });
    let sending = false;
    const send = async (): Promise<void> => {
      if (sending) return;
      sending = true;
      try {
        const snapshot = await options.analytics.dashboard();
        raw.write(`event: snapshot\ndata: ${JSON.stringify(snapshot)}\n\n`);
      } catch (error) {
        request.log.warn({ err: error }, 'dashboard snapshot failed');
        raw.write(`event: failure\ndata: ${JSON.stringify({ message: 'analytics unavailable' })}\n\n`);
      } finally {
        sending = false;
      }
    };
    const timer = setInterval(() => void send(), intervalMs);
    const end = (): void => {
      clearInterval(timer);
      streams.delete(end);
      raw.end();
    };
    streams.add(end);
    raw.on('close', end);
    await send();
  });
};
