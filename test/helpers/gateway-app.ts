import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { JSONWebKeySet } from 'jose';
import { JwtVerifier, localKeys } from '../../src/adapters/auth/jwt-verifier.js';
import { LocalTokenIssuer } from '../../src/adapters/auth/local-issuer.js';
import type { SqliteDatabase } from '../../src/adapters/store/sqlite/database.js';
import { openSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { ApiKeyService } from '../../src/core/gateway/api-key-service.js';
import { UsageMeter } from '../../src/core/gateway/usage-meter.js';
import { gateway } from '../../src/http/plugins/gateway.js';
import { problem } from '../../src/http/problems.js';
import { type Clock, systemClock } from '../../src/ports/clock.js';
import type { FailurePolicy, RateLimiter } from '../../src/ports/rate-limiter.js';

/** A temporary directory holding one SQLite file; `remove` deletes it. */
export function tempDatabaseFile(): { file: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tp-gateway-'));
  return { file: join(dir, 'test.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface GatewayAppOptions {
  /** SQLite file shared by "processes" of one test. */
  dbFile: string;
  limiter: RateLimiter;
  /** Failed credential attempts per client address and window (default 20 per minute). */
  credentialFailures?: FailurePolicy;
  clock?: Clock;
  adminApiKey?: string;
  maxEventLoopDelayMs?: number;
  sampleIntervalMs?: number;
}

export interface RunningGatewayApp {
  app: FastifyInstance;
  url: string;
  db: SqliteDatabase;
  keys: ApiKeyService;
  meter: UsageMeter;
  issuer: LocalTokenIssuer;
  close: () => Promise<void>;
}

const ISSUER = 'travel-platform-local';
const AUDIENCE = 'travel-platform';

/**
 * A minimal app standing in for the lead's: the gateway plugin plus a few routes (a plain one,
 * a search, a bearer-protected booking and one that blocks the event loop), on a real listener.
 */
export async function startGatewayApp(options: GatewayAppOptions): Promise<RunningGatewayApp> {
  const clock = options.clock ?? systemClock;
  const backend = await openSqliteStore({ sqliteFile: options.dbFile }, clock);
  const store = backend.apiKeys;
  const keys = new ApiKeyService({ store, clock, adminApiKey: options.adminApiKey });
  const meter = new UsageMeter({ store, flushIntervalMs: 200 });
  const issuer = await LocalTokenIssuer.open({
    storage: backend.issuerKeys,
    issuer: ISSUER,
    audience: AUDIENCE,
  });
  const verifier = new JwtVerifier({
    keys: localKeys((await issuer.jwks()) as unknown as JSONWebKeySet),
    issuer: ISSUER,
    audience: AUDIENCE,
    clockSkewSeconds: 5,
  });

  const app = Fastify({ logger: false }).withTypeProvider<TypeBoxTypeProvider>();
  app.setErrorHandler(
    (error: { statusCode?: number; validation?: unknown; message: string }, request, reply) => {
      const status = error.validation ? 400 : (error.statusCode ?? 500);
      const body = { ...problem('validation-failed', error.message), status, instance: request.url };
      return reply.code(status).header('content-type', 'application/problem+json').send(body);
    },
  );
  await app.register(gateway, {
    keys,
    limiter: options.limiter,
    credentialFailures: options.credentialFailures ?? { maxFailures: 20, windowMs: 60_000 },
    meter,
    verifier,
    issuer,
    clock,
    hardening: {
      corsOrigins: ['https://app.example.com'],
      maxEventLoopDelayMs: options.maxEventLoopDelayMs ?? 0,
      maxHeapUsedBytes: 0,
      sampleIntervalMs: options.sampleIntervalMs ?? 1000,
    },
  });
  app.get('/v1/ping', async () => ({ ok: true }));
  app.get('/v1/flights/search', async () => ({ data: [], meta: { count: 0 } }));
  app.get('/v1/fail', async (_request, reply) => reply.code(500).send({ error: 'boom' }));
  app.post('/v1/bookings', { preHandler: app.requireBearer }, async (request) => ({ user: request.user }));
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/block', async (request) => {
    const ms = Number((request.query as { ms?: string }).ms ?? '0');
    const until = performance.now() + ms;
    while (performance.now() < until) {
      // Busy-wait: the point is to starve the event loop.
    }
    return { blocked: ms };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    db: backend.db,
    keys,
    meter,
    issuer,
    close: async () => {
      await app.close();
      await backend.close();
    },
  };
}
