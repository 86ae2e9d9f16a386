import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createPlatform, type Platform } from '../../src/composition/platform.js';
import { loadConfig } from '../../src/config.js';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
import { buildApp } from '../../src/http/app.js';
import type { Clock } from '../../src/ports/clock.js';

/** The admin API key every test platform is configured with. */
export const TEST_ADMIN_KEY = 'test-admin-key-that-is-long-enough-0000';

export interface TestPlatform {
  platform: Platform;
  app: FastifyInstance;
  /** http://127.0.0.1:<port> of the real listener. */
  baseUrl: string;
  /** A client API key on a plan generous enough that tests never meet its limits. */
  apiKey: string;
  /** fetch against the listener with the client API key sent. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** First date of the demo schedule (today, UTC). */
  startDate: string;
  /** A date `days` after the start date. */
  date(days: number): string;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  airports?: number;
  days?: number;
  seed?: number;
  env?: Record<string, string>;
  clock?: Clock;
}

/**
 * A real platform on a temporary SQLite file with a small demo inventory, served by a real HTTP
 * listener on a free port.
 */
export async function startTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-test-'));
  const config = loadConfig({
    SQLITE_FILE: join(dir, 'store.db'),
    ADMIN_API_KEY: TEST_ADMIN_KEY,
    // Seeding blocks the event loop on purpose; load shedding is tested on its own.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    SEED_ON_START: 'false',
    LOG_LEVEL: 'silent',
    // Searches on the event loop unless a test is about the search threads (each costs a thread start).
    SEARCH_THREADS: '0',
    ...options.env,
  });
  const platform = await createPlatform(config, { clock: options.clock });
  const startDate = new Date().toISOString().slice(0, 10);
  await generateDemoInventory(platform.airports.all(), platform.store, {
    airports: options.airports ?? 40,
    days: options.days ?? 6,
    seed: options.seed ?? 7,
    startDate,
  });
  const app = await buildApp({
    services: platform.services,
    gateway: platform.gateway.options,
    trustProxy: config.trustProxy,
    dashboardStreams: { maxStreams: config.dashboardMaxStreams, live: config.dashboardLive },
  });
  const { key: apiKey } = await platform.gateway.options.keys.issue({
    name: 'test client',
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
  });
  await platform.start();
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    platform,
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey,
    fetch: (path, init = {}) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        ...init,
        headers: { 'x-api-key': apiKey, ...(init.headers as Record<string, string> | undefined) },
      }),
    startDate,
    date: (days) =>
      new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10),
    async close() {
      await app.close();
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
