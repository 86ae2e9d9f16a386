import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN_API_KEY,
  type ChildHandle,
  prepareSharedStore,
  type SharedStore,
  spawnScript,
  untilTwoWorkersForked,
} from '../helpers/api-process.js';
import { bookingBody, directLhrJfk, passengersFor, searchFlights } from '../helpers/bookings.js';
import { holdRequest, untilRefused } from '../helpers/held-requests.js';
import { RedisServer, randomPort, waitFor } from '../helpers/redis-server.js';

/**
 * `serve` with WORKERS=2 as a service manager runs it: the primary leads its own process group, and
 * a stop is `kill -TERM -PGID` (systemd's default), possibly repeated, reaching the primary and
 * both workers at once. Every request in flight must still be answered, and the group must exit 0
 * at once when nothing is in flight, Redis up or down.
 */
const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

let server: ChildHandle | undefined;
let store: SharedStore | undefined;
let redis: RedisServer | undefined;

afterEach(async () => {
  if (server?.child.pid && server.child.exitCode === null && server.child.signalCode === null) {
    try {
      process.kill(-server.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  server = undefined;
  await redis?.kill();
  redis = undefined;
  store?.cleanup();
  store = undefined;
});

/** Starts `serve` with two workers on the shared store, leading its own process group. */
async function startCluster(env: Record<string, string>): Promise<{ base: string; port: number }> {
  const port = randomPort();
  server = spawnScript(
    CLI,
    ['serve'],
    { ...env, WORKERS: '2', PORT: String(port), HOST: '127.0.0.1' },
    { detached: true },
  );
  await untilTwoWorkersForked(server);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => (await fetch(`${base}/health/live`).catch(() => undefined))?.ok === true,
    30_000,
    'live',
  );
  return { base, port };
}

/** The primary's worker processes (those running the CLI as it does). */
function workerPids(primary: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(primary)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes('main.js'))
    .map((line) => Number.parseInt(line.trim(), 10));
}

/** Sends SIGTERM to `pid` (a negative one: its process group) unless it is gone. */
function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Gone already: a stop that kills instead of draining shows in the answers.
  }
}

/** How the server exited (its code, or the signal that killed it), and how long after `from` (ms). */
async function exitOf(
  handle: ChildHandle,
  from: number,
): Promise<{ code: number | NodeJS.Signals | null; ms: number }> {
  const { child } = handle;
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  return { code: child.exitCode ?? child.signalCode, ms: performance.now() - from };
}

describe('a stop-signal storm on a two-worker server', () => {
  it('answers every request in flight, bookings included, and exits 0', async () => {
    store = await prepareSharedStore();
    const { base, port } = await startCluster(store.env);
    const { offers } = await searchFlights(base, store.apiKey, directLhrJfk(store.date(1)));
    expect(offers.length).toBeGreaterThan(0);

    // Twelve requests on twelve connections, over both workers: half bookings, half key creations,
    // each held in flight (the server has its head, the body is not sent yet).
    const held = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        if (i % 2 === 0) {
          const offer = offers[(i / 2) % offers.length]!;
          return holdRequest(
            base,
            'POST',
            '/v1/bookings',
            {
              'x-api-key': store!.apiKey,
              authorization: `Bearer ${store!.token}`,
              'idempotency-key': `storm-${i}`,
            },
            JSON.stringify(bookingBody(offer.id, passengersFor({ adults: 1 }, store!.date(1)))),
          );
        }
        return holdRequest(
          base,
          'POST',
          '/v1/admin/api-keys',
          { 'x-api-key': ADMIN_API_KEY },
          JSON.stringify({ name: `storm ${i}`, plan: 'free' }),
        );
      }),
    );

    const primary = server!.child.pid!;
    const workers = workerPids(primary);
    expect(workers).toHaveLength(2);
    const signalled = performance.now();
    // The storm: three group-wide SIGTERMs, each followed by one to every process directly.
    for (let round = 0; round < 3; round++) {
      for (const pid of [-primary, primary, ...workers]) signal(pid);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Both workers are draining once the shared listener refuses new connections.
    expect(await untilRefused(port)).toBe(true);

    const answers = await Promise.all(held.map((request) => request.finish()));
    const { code, ms } = await exitOf(server!, signalled);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses, server!.output()).toEqual(Array(12).fill(201));
    expect(code, server!.output()).toBe(0);
    expect(server!.output()).not.toMatch(/outlasted the grace period/);
    process.stdout.write(
      `signal storm: 12 of 12 in-flight answered 201, exit ${code} after ${ms.toFixed(0)} ms\n`,
    );
  });
});

describe('a stop signal with nothing in flight', () => {
  it.each(['up', 'down'] as const)('exits 0 at once with Redis %s', async (state) => {
    redis = new RedisServer(randomPort());
    await redis.start();
    store = await prepareSharedStore();
    const { base } = await startCluster({
      ...store.env,
      CACHE: 'redis',
      EVENT_BUS: 'redis',
      RATE_LIMITER: 'redis',
      REDIS_URL: redis.url,
    });
    if (state === 'down') {
      await redis.kill();
      // Traffic during the outage (answered from the local tier and the fallbacks), and an outage long
      // enough for ioredis' reconnect delay to grow: what left a consumer waiting on a dead connection.
      for (let i = 0; i < 20; i++) {
        const response = await fetch(`${base}/v1/locations?q=lo${i}`, {
          headers: { 'x-api-key': store.apiKey, connection: 'close' },
        });
        await response.arrayBuffer();
      }
      await new Promise((resolve) => setTimeout(resolve, 8_000));
    }
    const signalled = performance.now();
    process.kill(-server!.child.pid!, 'SIGTERM');
    const { code, ms } = await exitOf(server!, signalled);
    expect(code, server!.output()).toBe(0);
    expect(server!.output()).not.toMatch(/outlasted the grace period/);
    // The grace period is 15 s (REQUEST_TIMEOUT_MS + 5 s): a prompt exit is far inside it.
    expect(ms).toBeLessThan(5_000);
    process.stdout.write(`nothing in flight, Redis ${state}: exit ${code} after ${ms.toFixed(0)} ms\n`);
  });
});
