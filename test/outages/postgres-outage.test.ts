import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeArgs } from '../helpers/built-sources.js';
import { dropSchema, postgresBehindProxy, postgresEnv, uniqueSchema } from '../helpers/postgres.js';
import type { TcpProxy } from '../helpers/tcp-proxy.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

const REQUEST_TIMEOUT_MS = 4000;
/** Longer than any answer may take; a request still pending then is a hang. */
const HANG_MS = REQUEST_TIMEOUT_MS + 10_000;

describe('PostgreSQL down at start', () => {
  it('with STORE_START_TIMEOUT_MS=0, serve exits 69 at once with one line naming the store and the server', () => {
    const result = spawnSync(process.execPath, [...nodeArgs('src/cli/main.ts'), 'serve'], {
      env: {
        ...process.env,
        ...postgresEnv(uniqueSchema('down')),
        // Nothing listens on port 1.
        DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test',
        STORE_START_TIMEOUT_MS: '0',
        PORT: '0',
        LOG_LEVEL: 'silent',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(69);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^store unavailable \(STORE=postgres\): cannot migrate schema \w+ of PostgreSQL at 127\.0\.0\.1:1\/test: .*ECONNREFUSED/,
    );
  });
});

describe('PostgreSQL going away while serving (a cut TCP proxy between the API and the server)', () => {
  const schema = uniqueSchema('outage');
  let proxy: TcpProxy;
  let tp: TestPlatform;

  beforeAll(async () => {
    const proxied = await postgresBehindProxy();
    proxy = proxied.proxy;
    tp = await startTestPlatform({
      airports: 12,
      days: 3,
      env: {
        ...postgresEnv(schema, proxied.url),
        CACHE: 'none',
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        PG_STATEMENT_TIMEOUT_MS: '1000',
        PG_CONNECT_TIMEOUT_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    await tp?.close();
    await proxy?.close();
    await dropSchema(schema);
  });

  const search = (day: number): Promise<Response> =>
    tp.fetch(`/v1/flights/search?origin=LHR&destination=CDG&departureDate=${tp.date(day)}`, {
      signal: AbortSignal.timeout(HANG_MS),
    });

  it('answers 503 problem+json (no hang) and readiness 503 while cut, and recovers without a restart', async () => {
    expect((await search(1)).status).toBe(200);
    expect((await fetch(`${tp.baseUrl}/health/ready`)).status).toBe(200);

    proxy.cut();

    for (const day of [1, 2]) {
      const started = performance.now();
      const response = await search(day);
      console.log(
        `[postgres-outage] search answered ${response.status} in ${Math.round(performance.now() - started)} ms`,
      );
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await response.json()) as { status: number; type: string };
      expect(problem.status).toBe(503);
      expect(JSON.stringify(problem)).not.toMatch(/\n\s+at |ECONN|postgres/i);
    }
    const ready = await fetch(`${tp.baseUrl}/health/ready`, { signal: AbortSignal.timeout(HANG_MS) });
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { store: string } }).checks.store).toBe('down');

    proxy.restore();

    await waitFor('the API to serve searches again', async () => (await search(1)).status === 200, 30_000);
    expect((await fetch(`${tp.baseUrl}/health/ready`)).status).toBe(200);
  });
});
