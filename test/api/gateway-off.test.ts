import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/cli/commands/serve.js';
import { createPlatform } from '../../src/composition/platform.js';
import { loadConfig } from '../../src/config.js';

describe('serve with GATEWAY=off', () => {
  let dir: string;
  let app: FastifyInstance;
  let baseUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-gateway-off-'));
    const config = loadConfig({
      GATEWAY: 'off',
      SQLITE_FILE: join(dir, 'store.db'),
      SEED_ON_START: 'false',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      // Shedding is tested on its own; on a loaded machine event-loop delay would answer 503 here.
      MAX_EVENT_LOOP_DELAY_MS: '0',
      ADMIN_API_KEY: 'test-admin-key-that-is-long-enough-0000',
    });
    app = await serve(await createPlatform(config));
    const address = app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /v1 routes without an API key and without rate-limit headers', async () => {
    const response = await fetch(`${baseUrl}/v1/locations?q=lon`);
    expect(response.status).toBe(200);
    expect(response.headers.get('ratelimit-limit')).toBeNull();
  });

  it('keeps the security headers of the hardening layer', async () => {
    const response = await fetch(`${baseUrl}/health/live`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('rejects a value other than on or off at start', () => {
    expect(() => loadConfig({ GATEWAY: 'maybe' })).toThrow(
      /GATEWAY="maybe" is invalid: expected one of on, off/,
    );
  });
});
