import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../src/config.js';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
import { buildApp } from '../../src/http/app.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import type { Clock } from '../../src/ports/clock.js';

export interface TestPlatform {
  platform: Platform;
  app: FastifyInstance;
  /** http://127.0.0.1:<port> of the real listener. */
  baseUrl: string;
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
    SEED_ON_START: 'false',
    LOG_LEVEL: 'silent',
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
  const app = await buildApp({ services: platform.services });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    platform,
    app,
    baseUrl: `http://127.0.0.1:${port}`,
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
