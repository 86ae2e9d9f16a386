import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_API_KEY, type ChildHandle, spawnScript } from '../helpers/api-process.js';
import { dropSchema, postgresBehindProxy, postgresEnv, uniqueSchema } from '../helpers/postgres.js';
import { randomPort } from '../helpers/redis-server.js';
import type { TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * `serve` started while PostgreSQL cannot be reached (docs/adr/0019-store-connection-faults.md): it
 * retries with backoff for STORE_START_TIMEOUT_MS, alive but not ready meanwhile, serves as soon as
 * the store answers, and exits 69 when the store never does; the cluster primary restarts workers
 * that keep exiting more and more slowly instead of in a loop.
 */
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const RETRY_LINE =
  /^store unavailable \(STORE=postgres\): cannot migrate schema \w+ of PostgreSQL at [\w.:/]+: .+; retrying in (\d+\.\d) s \(attempt (\d+), giving up in \d+ s\)$/;
const RESTART_LINE =
  /^worker \d+ exited \(69\) after \d+\.\d s; starting another in (\d+\.\d) s \((\d+) quick exits in a row\)$/;

const schema = uniqueSchema('startwait');
let proxy: TcpProxy;
/** PostgreSQL's URL through `proxy`. */
let viaProxy: string;
let server: ChildHandle | undefined;

beforeAll(async () => {
  ({ proxy, url: viaProxy } = await postgresBehindProxy());
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
afterAll(async () => {
  await proxy?.close();
  await dropSchema(schema);
});

function serveOn(port: number, env: Record<string, string>): ChildHandle {
  return spawnScript(CLI, ['serve'], {
    ...postgresEnv(schema),
    ADMIN_API_KEY,
    SEED_ON_START: 'false',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    WORKERS: '1',
    PG_CONNECT_TIMEOUT_MS: '300',
    ...env,
  });
}

const lines = (output: string, pattern: RegExp): RegExpExecArray[] =>
  output
    .split('\n')
    .map((line) => pattern.exec(line))
    .filter((match): match is RegExpExecArray => match !== null);

describe('serve while PostgreSQL cannot be reached at start', () => {
  it('stays alive and not ready, answers 503 problem+json, and serves once PostgreSQL answers', async () => {
    proxy.cut();
    const port = randomPort();
    const base = `http://127.0.0.1:${port}`;
    server = serveOn(port, { DATABASE_URL: viaProxy });
    const running = server;
    await waitFor('the stand-in to answer', async () => {
      if (running.child.exitCode !== null) throw new Error(`serve exited:\n${running.output()}`);
      return (await fetch(`${base}/health/live`).catch(() => undefined))?.status === 200;
    });
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'down', checks: { store: 'down' } });
    const api = await fetch(`${base}/v1/locations?q=lon`, { headers: { 'x-api-key': ADMIN_API_KEY } });
    expect(api.status).toBe(503);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(api.headers.get('retry-after')).toBe('2');
    expect(((await api.json()) as { status: number }).status).toBe(503);

    proxy.restore();
    const healed = performance.now();
    await waitFor(
      'the API to be ready',
      async () => (await fetch(`${base}/health/ready`).catch(() => undefined))?.status === 200,
      30_000,
    );
    console.log(
      `[store-start] ready ${Math.round(performance.now() - healed)} ms after PostgreSQL became reachable`,
    );
    const served = await fetch(`${base}/v1/locations?q=lon`, { headers: { 'x-api-key': ADMIN_API_KEY } });
    expect(served.status).toBe(200);
    expect(running.child.exitCode).toBeNull();
    const retries = lines(running.output(), RETRY_LINE);
    expect(retries.length).toBeGreaterThan(0);
    // One line per failed attempt, numbered in order.
    expect(retries.map((match) => Number(match[2]))).toEqual(retries.map((_, i) => i + 1));
  }, 60_000);

  it('exits 69 once STORE_START_TIMEOUT_MS has passed, after one line per attempt', async () => {
    server = serveOn(randomPort(), {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test',
      STORE_START_TIMEOUT_MS: '2500',
    });
    const started = performance.now();
    const [code] = (await once(server.child, 'exit')) as [number | null];
    const seconds = (performance.now() - started) / 1000;
    expect(code).toBe(69);
    const output = server.output().trim().split('\n');
    const retries = lines(server.output(), RETRY_LINE);
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(output.at(-1)).toMatch(
      /^store unavailable \(STORE=postgres\): cannot migrate .*ECONNREFUSED 127\.0\.0\.1:1$/,
    );
    expect(seconds).toBeLessThan(20);
  }, 30_000);

  it('with WORKERS=2, the primary restarts workers that keep exiting with growing delays', async () => {
    server = serveOn(randomPort(), {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test',
      // Long enough for the first worker to listen (the stand-in), short enough to exit soon after.
      STORE_START_TIMEOUT_MS: '800',
      WORKERS: '2',
    });
    const running = server;
    await waitFor(
      'three restarts',
      () => {
        if (running.child.exitCode !== null) throw new Error(`serve exited:\n${running.output()}`);
        return lines(running.output(), RESTART_LINE).length >= 3;
      },
      40_000,
    );
    const restarts = lines(running.output(), RESTART_LINE);
    const delays = restarts.map((match) => Number(match[1]));
    console.log(`[store-start] restart delays of exiting workers: ${delays.join(', ')} s`);
    expect(restarts.map((match) => Number(match[2]))).toEqual(restarts.map((_, i) => i + 1));
    // Equal jitter keeps each delay at least half its nominal value, so they never shrink.
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(delays.at(-1)).toBeGreaterThan(delays[0]!);
    expect(running.child.exitCode).toBeNull();
  }, 60_000);
});
