import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { createPlatform } from '../../src/composition/platform.js';
import { loadConfig } from '../../src/config.js';
import { generateDemoInventory } from '../../src/core/demo-inventory/generate.js';
import { nodeArgs } from './built-sources.js';
import { randomPort } from './redis-server.js';
import { waitFor } from './wait-for.js';

const serverScript = fileURLToPath(new URL('../fixtures/api-server.ts', import.meta.url));
const cliScript = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** The admin key every shared-store test process is configured with. */
export const ADMIN_API_KEY = 'test-admin-key-that-is-long-enough-0000';

/** A SQLite file with demo inventory, a client key and a bearer token, ready for API processes to share. */
export interface SharedStore {
  file: string;
  apiKey: string;
  /** A bearer token of the development issuer (its key is in the file, so every process verifies it). */
  token: string;
  startDate: string;
  date(days: number): string;
  /** Environment every process on this store gets. */
  env: Record<string, string>;
  cleanup(): void;
}

/** Creates the shared store: seeds it in this process, then closes it so only the children write. */
export async function prepareSharedStore(
  env: Record<string, string> = {},
  inventory: { airports: number; days: number } = { airports: 30, days: 5 },
): Promise<SharedStore> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-multi-'));
  const file = join(dir, 'store.db');
  const shared: Record<string, string> = {
    SQLITE_FILE: file,
    ADMIN_API_KEY,
    SEED_ON_START: 'false',
    LOG_LEVEL: 'warn',
    // Load shedding is tested on its own; here a burst must be answered, not shed.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  };
  const platform = await createPlatform(loadConfig(shared));
  const startDate = new Date().toISOString().slice(0, 10);
  try {
    await generateDemoInventory(platform.airports.all(), platform.store, {
      ...inventory,
      seed: 7,
      startDate,
    });
    const { key } = await platform.gateway.options.keys.issue({
      name: 'multi-process client',
      plan: 'partner',
      overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
    });
    const token = await platform.gateway.options.issuer!.mint('traveller', 3600);
    return {
      file,
      apiKey: key,
      token,
      startDate,
      date: (days) =>
        new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10),
      env: shared,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } finally {
    await platform.close();
  }
}

/** A running child process; `output` collects its stdout and stderr. */
export interface ChildHandle {
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it exited. */
  stop(): Promise<void>;
  /** SIGKILL; resolves with the signal it died of. */
  kill(): Promise<NodeJS.Signals | null>;
}

/**
 * Spawns `node <script> ...args` (`script` a .ts source of this checkout, run from its JavaScript copy:
 * helpers/built-sources.ts) with `env` added to this process's environment; `detached` makes it lead
 * a process group of its own (its pid is the group id), as a service is.
 */
export function spawnScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  options: { detached?: boolean } = {},
): ChildHandle {
  const child = spawn(process.execPath, [...nodeArgs(script), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return (await exited)[1];
    },
  };
}

/**
 * Resolves once `serve` (WORKERS=2) printed that it forked both workers, which is before the second
 * listens; throws if it exited first.
 */
export async function untilTwoWorkersForked(server: ChildHandle): Promise<void> {
  await waitFor(
    'two workers',
    () => {
      if (server.child.exitCode !== null) throw new Error(`serve exited:\n${server.output()}`);
      return /serving with 2 worker processes/.test(server.output());
    },
    90_000,
  );
}

/**
 * `travel-platform serve` itself (the CLI, as `npm start` runs it: the cluster primary when
 * WORKERS > 1) on a free port of 127.0.0.1 with `env`; resolves once /health/ready answers 200.
 */
export async function startServeProcess(
  env: Record<string, string>,
  timeoutMs = 90_000,
): Promise<ApiProcess> {
  // Not PORT=0: the workers of a cluster and the start-up stand-in must all take the same port.
  const port = randomPort();
  const url = `http://127.0.0.1:${port}`;
  const handle = spawnScript(cliScript, ['serve'], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  try {
    await waitFor(
      'serve to be ready',
      async () => {
        if (handle.child.exitCode !== null) throw new Error(`serve exited:\n${handle.output()}`);
        return (await fetch(`${url}/health/ready`).catch(() => undefined))?.status === 200;
      },
      timeoutMs,
    );
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return { ...handle, url };
}

/** An API server child process on the shared store. */
export interface ApiProcess extends ChildHandle {
  url: string;
}

/** Starts the API server script on a free port and resolves once it listens. */
export async function startApiProcess(env: Record<string, string>): Promise<ApiProcess> {
  const handle = spawnScript(serverScript, [], { PORT: '0', HOST: '127.0.0.1', ...env });
  let port = 0;
  try {
    await waitFor(
      'the API process to listen',
      () => {
        if (handle.child.exitCode !== null) throw new Error(`API process exited early:\n${handle.output()}`);
        const match = /listening (\d+)/.exec(handle.output());
        port = match ? Number(match[1]) : 0;
        return port > 0;
      },
      60_000,
    );
  } catch (error) {
    await handle.kill();
    throw error;
  }
  return { ...handle, url: `http://127.0.0.1:${port}` };
}

/**
 * Starts instances "a" and "b" on one shared store, each pushed onto `started` as soon as it listens,
 * so the caller's afterAll stops whatever did start.
 */
export async function startApiPair(
  env: Record<string, string>,
  started: ApiProcess[],
): Promise<[ApiProcess, ApiProcess]> {
  const a = await startApiProcess({ ...env, INSTANCE_ID: 'a' });
  started.push(a);
  const b = await startApiProcess({ ...env, INSTANCE_ID: 'b' });
  started.push(b);
  return [a, b];
}

/** Sets the economy fare of one flight through the admin API of `on`, as an operator would. */
export async function updateEconomyFare(on: ApiProcess, flightId: string, fare: string): Promise<void> {
  const response = await fetch(`${on.url}/v1/admin/fares`, {
    method: 'POST',
    headers: { 'x-api-key': ADMIN_API_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ flights: [{ flightId, cabin: 'economy', fare }] }),
  });
  expect(response.status).toBe(200);
}
