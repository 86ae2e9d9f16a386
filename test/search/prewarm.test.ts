import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { createPlatform, type Platform } from '../../src/composition/platform.js';
import { loadConfig } from '../../src/config.js';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
import { buildApp } from '../../src/http/app.js';
import type { RouteRecord } from '../../src/ports/store.js';
import { waitFor } from '../helpers/redis-server.js';

/**
 * Prewarming after a start, on one store restarted between servers: the searches popular before the
 * last stop, and the route-dates an operator configured, are searched in the background, so a
 * client's first request for them after the start is a hit.
 */

interface Server {
  platform: Platform;
  app: FastifyInstance;
  /** Origin searches run by this server (background ones included). */
  origin: MockInstance;
  xCache(path: string): Promise<string | null>;
  close(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'tp-prewarm-'));
const startDate = new Date().toISOString().slice(0, 10);
const date = (days: number) =>
  new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const pathOf = (route: RouteRecord, departureDate: string) =>
  `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${departureDate}`;
let routes: RouteRecord[];

async function serve(file: string, env: Record<string, string>, seed = false): Promise<Server> {
  const config = loadConfig({
    SQLITE_FILE: join(dir, file),
    ADMIN_API_KEY: 'test-admin-key-that-is-long-enough-0000',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    SEED_ON_START: 'false',
    LOG_LEVEL: 'silent',
    SEARCH_THREADS: '0',
    GATEWAY: 'off',
    ...env,
  });
  const platform = await createPlatform(config);
  if (seed)
    await generateDemoInventory(platform.airports.all(), platform.store, {
      airports: 25,
      days: 4,
      seed: 7,
      startDate,
    });
  const origin = vi.spyOn(platform.services.flights, 'search');
  // No gateway (as `serve` with GATEWAY=off): requests need no API key.
  const app = await buildApp({ services: platform.services });
  await platform.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    platform,
    app,
    origin,
    async xCache(path) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      await response.arrayBuffer();
      return response.headers.get('x-cache');
    },
    async close() {
      origin.mockRestore();
      await app.close();
      await platform.close();
    },
  };
}

beforeAll(async () => {
  const seeding = await serve('routes.db', { PREWARM_SEARCHES: '0' }, true);
  routes = (await seeding.platform.store.listRoutes()).slice(0, 3);
  await seeding.close();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('prewarming after a start', () => {
  it('searches the configured routes for their next days, so the first requests for them are hits', async () => {
    const [first, second, other] = routes as [RouteRecord, RouteRecord, RouteRecord];
    const server = await serve('routes.db', {
      PREWARM_SEARCHES: '0',
      PREWARM_ROUTES: `${first.origin}-${first.destination},${second.origin.toLowerCase()}-${second.destination}`,
      PREWARM_ROUTE_DAYS: '2',
    });
    try {
      await waitFor(async () => server.origin.mock.calls.length >= 4, 20_000, 'the four route-dates');
      for (const route of [first, second])
        for (const day of [0, 1]) expect(await server.xCache(pathOf(route, date(day)))).toBe('HIT');
      expect(server.origin).toHaveBeenCalledTimes(4);
      // Neither a later day of a configured route nor another route was warmed.
      expect(await server.xCache(pathOf(first, date(2)))).toBe('MISS');
      expect(await server.xCache(pathOf(other, date(0)))).toBe('MISS');
    } finally {
      await server.close();
    }
  });

  it('searches again, after a restart on the same store, the searches most asked before the stop', async () => {
    const [popular, once] = routes as [RouteRecord, RouteRecord];
    const before = await serve('routes.db', { PREWARM_SEARCHES: '1', CACHE_WARM_MIN_REQUESTS: '2' });
    for (let i = 0; i < 3; i++) await before.xCache(pathOf(popular, date(1)));
    await before.xCache(pathOf(once, date(1)));
    await before.close();

    const after = await serve('routes.db', { PREWARM_SEARCHES: '1', CACHE_WARM_MIN_REQUESTS: '2' });
    try {
      await waitFor(async () => after.origin.mock.calls.length >= 1, 20_000, 'the prewarm');
      expect(await after.xCache(pathOf(popular, date(1)))).toBe('HIT');
      // Only the most popular one was remembered (PREWARM_SEARCHES=1).
      expect(await after.xCache(pathOf(once, date(1)))).toBe('MISS');
      expect(after.origin).toHaveBeenCalledTimes(2);
    } finally {
      await after.close();
    }
  });
});
