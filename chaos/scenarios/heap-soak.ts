import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClientKey, seedInventory } from '../../bench/bench-setup.js';
import { ChildProcesses, freePort, waitUntilReady } from '../../bench/child-processes.js';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import { buildNetwork } from '../../src/core/demo-inventory/network.js';
import { check, type Scenario } from '../scenario.js';
import { type SoakLoadOptions, type SoakLoadResult, searchPath } from '../soak-load.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The tree whose server is soaked: this one, or CHAOS_SOAK_TREE (a checkout of an earlier version, to compare). */
const SERVER_TREE = process.env.CHAOS_SOAK_TREE ?? ROOT;
const CLI = ['--import', 'tsx', join(SERVER_TREE, 'src/cli/main.ts')];
const LOAD_SCRIPT = join(ROOT, 'chaos/soak-load.ts');

/** The heap every worker gets: what a 4 GB host gives a Node process. */
const HEAP_MB = 1024;
/** How long the distinct searches run (CHAOS_SOAK_SECONDS shortens or lengthens the soak). */
const LOAD_SECONDS = Number(process.env.CHAOS_SOAK_SECONDS ?? 360);
const SAMPLE_EVERY_MS = 5_000;
/** A world large enough that searches are distinct, small enough to seed in about half a minute. */
const WORLD = { airports: 1000, days: 14, seed: 42 };

/** Thresholds of the checks. */
const MAX_SHED_SHARE = 0.01;
/** RSS may grow at most this much over the last third of the load (the cache fills in the first two). */
const MAX_LATE_GROWTH = 0.1;
const MAX_RECOVERY_SECONDS = 5;

interface Sample {
  atSeconds: number;
  rssMb: number;
  heapUsedMb?: number;
  live: number;
  ready: number;
}

/** Resident set size of a process (and its threads), MB, from /proc. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function statusOf(url: string, headers: Record<string, string> = {}): Promise<number> {
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(3_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0;
  }
}

/** heapUsed from the process's own metrics (absent when it does not answer). */
async function heapUsedMb(baseUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(3_000) });
    const text = await response.text();
    const value = /^nodejs_heap_size_used_bytes\s+(\S+)/m.exec(text)?.[1];
    return value === undefined ? undefined : Number(value) / 2 ** 20;
  } catch {
    return undefined;
  }
}

const mb = (value: number): string => `${Math.round(value)} MB`;

/**
 * Memory under mostly-distinct searches at a 1 GiB heap: the cache must stay within a budget derived
 * from the heap (RSS levels off), shedding must not lock the server, and once the load stops the
 * server must answer again within seconds. `/health/live` stays 200 throughout.
 */
export const heapSoak: Scenario = {
  name: 'heap-soak',
  title: `mostly-distinct searches for ${LOAD_SECONDS} s against one server with a ${HEAP_MB} MiB heap`,
  async run({ workDir, log }) {
    const children = new ChildProcesses();
    try {
      const startDate = new Date().toISOString().slice(0, 10);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        SQLITE_FILE: join(workDir, 'store.db'),
        SEED_ON_START: 'false',
        ADMIN_API_KEY: 'chaos-admin-key-not-secret-000000000000',
        LOG_LEVEL: 'warn',
      };
      log(`seeding ${WORLD.airports} airports × ${WORLD.days} days`);
      await seedInventory(children, CLI, { ...WORLD, startDate }, env, join(workDir, 'seed.log'));
      const apiKey = await createClientKey(children, CLI, 'heap-soak', env, join(workDir, 'keys.log'));

      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const server = children.start({
        name: 'server',
        args: [`--max-old-space-size=${HEAP_MB}`, ...CLI, 'serve'],
        env: { ...env, PORT: String(port), WORKERS: '1' },
        logFile: join(workDir, 'server.log'),
      });
      await waitUntilReady(`${baseUrl}/health/live`, server, 120_000);
      const pid = server.pid as number;

      const network = buildNetwork((await loadAirportDirectory()).all(), WORLD.airports);
      const load: SoakLoadOptions = {
        baseUrl,
        apiKey,
        seconds: LOAD_SECONDS,
        concurrency: 16,
        routes: [
          ...new Map(network.routes.map((r) => [`${r.a.iata}${r.b.iata}`, [r.a.iata, r.b.iata]])).values(),
        ] as [string, string][],
        hubs: network.airports.slice(0, 60).map((a) => a.iata),
        cities: [...new Set(network.airports.slice(0, 200).map((a) => a.cityCode))],
        startDate,
        days: WORLD.days,
        repeatShare: 0.1,
      };
      log(`load: ${load.concurrency} connections, ${load.routes.length} routes, ${LOAD_SECONDS} s`);
      const loadFile = join(workDir, 'load.json');
      writeFileSync(loadFile, JSON.stringify(load));
      const generator = children.start({
        name: 'load',
        args: ['--import', 'tsx', LOAD_SCRIPT, loadFile],
        env: process.env,
        logFile: join(workDir, 'load.log'),
      });
      let loadOutput = '';
      generator.stdout?.on('data', (chunk: Buffer) => {
        loadOutput += chunk.toString();
      });

      const samples = await sampleUntilExit(generator, pid, baseUrl, log);
      const loadResult = JSON.parse(loadOutput.trim().split('\n').at(-1) ?? '{}') as SoakLoadResult;

      // Recovery: a new (distinct) search, asked until it is answered 200.
      const stoppedAt = performance.now();
      let recoveredAfter = Number.POSITIVE_INFINITY;
      while (performance.now() - stoppedAt < 60_000) {
        const status = await statusOf(`${baseUrl}${searchPath(load, false)}`, { 'x-api-key': apiKey });
        if (status === 200) {
          recoveredAfter = (performance.now() - stoppedAt) / 1000;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const liveAfter = await statusOf(`${baseUrl}/health/live`);
      const readyAfter = await statusOf(`${baseUrl}/health/ready`);
      const finalRss = rssMb(pid);
      await children.stop(server);

      const shed = loadResult.byStatus['503'] ?? 0;
      const shedShare = loadResult.requests > 0 ? shed / loadResult.requests : 1;
      const late = samples.filter((s) => s.atSeconds >= (LOAD_SECONDS * 2) / 3);
      const midRss = late[0]?.rssMb ?? 0;
      const lateMax = Math.max(...late.map((s) => s.rssMb));
      const lateGrowth = midRss > 0 ? (lateMax - midRss) / midRss : 1;
      const liveCodes = new Set(samples.map((s) => s.live));
      const readyCodes = new Set(samples.map((s) => s.ready));
      const peakHeap = Math.max(0, ...samples.map((s) => s.heapUsedMb ?? 0));
      return [
        check(
          `under load, under ${MAX_SHED_SHARE * 100}% of requests are shed (503) for memory`,
          shedShare < MAX_SHED_SHARE,
          `${shed} of ${loadResult.requests} answered 503 (${(shedShare * 100).toFixed(1)}%, ${loadResult.overloaded} overloaded), ` +
            `${loadResult.misses} misses answered, ${loadResult.failed} network errors; statuses ${JSON.stringify(loadResult.byStatus)}`,
        ),
        check(
          `RSS levels off: growth over the last third of the load under ${MAX_LATE_GROWTH * 100}%`,
          lateGrowth < MAX_LATE_GROWTH,
          `RSS ${mb(midRss)} two thirds in, at most ${mb(lateMax)} after (${(lateGrowth * 100).toFixed(1)}%), ` +
            `${mb(finalRss)} at the end; peak heapUsed ${mb(peakHeap)}; RSS samples ${samples.map((s) => Math.round(s.rssMb)).join(' ')}`,
        ),
        check(
          `after the load stops a new search is answered 200 within ${MAX_RECOVERY_SECONDS} s`,
          recoveredAfter <= MAX_RECOVERY_SECONDS,
          Number.isFinite(recoveredAfter)
            ? `answered 200 after ${recoveredAfter.toFixed(1)} s`
            : 'no 200 within 60 s of the load stopping',
        ),
        check(
          '/health/live answers 200 in every state; /health/ready 200 or 503, never anything else',
          [...liveCodes].every((c) => c === 200) &&
            liveAfter === 200 &&
            [...readyCodes, readyAfter].every((c) => c === 200 || c === 503),
          `live ${[...liveCodes].join('/')} during load, ${liveAfter} after; ready ${[...readyCodes].join('/')} during load, ${readyAfter} after`,
        ),
      ];
    } finally {
      await children.stopAll();
    }
  },
};

/** Samples the server every few seconds until the load generator exits. */
async function sampleUntilExit(
  generator: ChildProcess,
  pid: number,
  baseUrl: string,
  log: (line: string) => void,
): Promise<Sample[]> {
  const samples: Sample[] = [];
  const started = performance.now();
  let running = true;
  const exited = once(generator, 'exit').then(() => {
    running = false;
  });
  while (running) {
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS))]);
    if (!running) break;
    const [heap, live, ready] = await Promise.all([
      heapUsedMb(baseUrl),
      statusOf(`${baseUrl}/health/live`),
      statusOf(`${baseUrl}/health/ready`),
    ]);
    const sample: Sample = {
      atSeconds: (performance.now() - started) / 1000,
      rssMb: rssMb(pid),
      ...(heap === undefined ? {} : { heapUsedMb: heap }),
      live,
      ready,
    };
    samples.push(sample);
    log(
      `${sample.atSeconds.toFixed(0)} s: RSS ${mb(sample.rssMb)}, heapUsed ${heap === undefined ? '?' : mb(heap)}, live ${live}, ready ${ready}`,
    );
  }
  return samples;
}
