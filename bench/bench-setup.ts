/**
 * What every benchmark script does before it loads a server: seed a demo inventory and create a
 * client key through the CLI (in child processes, as an operator would), and probe hits while a
 * load runs.
 */
import { createMemoryCache } from '../src/adapters/cache/memory.js';
import type { TokenSigner } from '../src/core/offers/signed-token.js';
import { SearchResults } from '../src/core/search/search-results.js';
import type { Clock } from '../src/ports/clock.js';
import type { ChildProcesses } from './child-processes.js';

/** The admin key every benchmark's servers are started with (not a secret: local, throwaway stores). */
export const BENCH_ADMIN_API_KEY = 'bench-admin-key-not-secret-0000000000000';

/** `VAR=value` pairs (the scripts' `--env` flags) as an environment. */
export const envFromPairs = (pairs: readonly string[]): Record<string, string> =>
  Object.fromEntries(pairs.map((pair) => pair.split('=', 2) as [string, string]));

/** What every benchmark's servers run with: production mode on loopback, no seeding, the bench admin key. */
export function benchServerEnv(more: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    SEED_ON_START: 'false',
    ADMIN_API_KEY: BENCH_ADMIN_API_KEY,
    ...more,
  };
}

export interface SeedOptions {
  airports: number | string;
  days: number | string;
  seed: number | string;
  startDate: string;
}

/**
 * `travel-platform seed` with `cli` (node arguments running a tree's CLI) into the store `env` names;
 * resolves with what it printed.
 */
export function seedInventory(
  children: ChildProcesses,
  cli: readonly string[],
  options: SeedOptions,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<string> {
  return children.run({
    name: 'seed',
    args: [
      ...cli,
      'seed',
      `--airports=${options.airports}`,
      `--days=${options.days}`,
      `--seed=${options.seed}`,
      `--start-date=${options.startDate}`,
    ],
    env,
    logFile,
  });
}

/**
 * A client key on a plan no benchmark reaches: the rows measure the cost of checking limits, not
 * of hitting them.
 */
export async function createClientKey(
  children: ChildProcesses,
  cli: readonly string[],
  name: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<string> {
  const output = await children.run({
    name: 'keys create',
    args: [
      ...cli,
      'keys',
      'create',
      `--name=${name}`,
      '--plan=partner',
      '--rate=1000000000',
      '--burst=1000000000',
      '--quota=2000000000',
    ],
    env,
    logFile,
  });
  const key = /^key:\s+(\S+)$/m.exec(output)?.[1];
  if (!key) throw new Error(`keys create printed no key:\n${output}`);
  return key;
}

/** Latencies of the hits a probe saw, ms. */
export interface HitProbe {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

/**
 * Sequential requests for cached paths, one every `pauseMs`, while a load runs: what a hit costs
 * meanwhile. Call the returned function to stop and read the figures.
 */
export function hitProbe(
  baseUrl: string,
  paths: readonly string[],
  apiKey: string,
  pauseMs: number,
): () => Promise<HitProbe> {
  const latencies: number[] = [];
  let running = true;
  const done = (async () => {
    let i = 0;
    while (running) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}${paths[i++ % paths.length]}`, {
        headers: { 'x-api-key': apiKey },
      }).catch(() => undefined);
      await response?.arrayBuffer();
      if (response?.headers.get('x-cache') === 'HIT') latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  return async () => {
    running = false;
    await done;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
    return { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0, count: latencies.length };
  };
}

/**
 * The result cache a search engine is built with when the bench calls its `search` directly (no
 * pages, so it is never consulted): the smallest there is.
 */
export function unconsultedSearchResults(signer: TokenSigner, clock: Clock): SearchResults {
  return new SearchResults({
    cache: createMemoryCache({ maxEntries: 1, maxBytes: 1_024, keyPrefix: 'unused' }),
    snapshots: createMemoryCache({ maxEntries: 1, maxBytes: 1_024, keyPrefix: 'unused-snapshots' }),
    signer,
    clock,
    ttlMs: () => 0,
    graceMs: 0,
    snapshotTtlMs: 0,
    preparedPages: 1,
  });
}
