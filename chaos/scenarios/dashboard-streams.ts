import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BENCH_ADMIN_API_KEY,
  benchServerEnv,
  createClientKey,
  seedInventory,
} from '../../bench/bench-setup.js';
import { ChildProcesses, freePort, waitUntilReady } from '../../bench/child-processes.js';
import { openSqliteDatabase } from '../../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../../src/adapters/store/sqlite/inventory-store.js';
import type { StreamsClosed, StreamsOpened } from '../processes/dashboard-streams.js';
import type { SearchLoadResult } from '../processes/timed-searches.js';
import { type Check, check, type Scenario } from '../scenario.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = ['--import', 'tsx'];
const CLI = [...TSX, join(ROOT, 'src/cli/main.ts')];
const STREAMS = 1_000;
/** How long the viewers' process keeps opening streams before it reports what it got. */
const OPEN_SECONDS = 60;
const SEARCH_SECONDS = 10;
const SEARCH_CONNECTIONS = 16;
/** Share of the no-stream search rate that must still be served with every stream open. */
const MIN_RATE_SHARE = 0.5;
/** The SLO's p99 (src/core/analytics/analytics-service.ts). */
const MAX_P99_MS = 500;
/** Snapshots a stream should receive per second at the default 2 s rhythm, less slack for the ramp. */
const MIN_SNAPSHOTS_PER_SECOND = 0.4;

/** Lines a child prints on stdout, awaited one by one. */
class Lines {
  readonly #lines: string[] = [];
  #partial = '';

  constructor(child: ChildProcess) {
    child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (this.#partial + chunk.toString()).split('\n');
      this.#partial = parts.pop() ?? '';
      this.#lines.push(...parts.filter(Boolean));
    });
  }

  /** The first JSON line with `phase` (or any JSON line without one), waiting up to `timeoutMs`. */
  async json<T>(timeoutMs: number, phase?: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const line of this.#lines) {
        if (!line.startsWith('{')) continue;
        const parsed = JSON.parse(line) as { phase?: string };
        if (parsed.phase === phase) return parsed as T;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no ${phase ?? 'result'} line within ${timeoutMs} ms`);
  }
}

/** CPU seconds `pid` and its child processes (the cluster's workers) used so far. */
function treeCpuSeconds(pid: number): number {
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // Exited meanwhile.
    }
    // Fields after the command name (which may hold spaces): state ppid … utime(12th) stime(13th).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(entry) === pid || Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
}

/** Flight searches over the seeded routes: a hot set the warm-up caches, as most traffic is. */
async function searchPaths(sqliteFile: string, startDate: string): Promise<string[]> {
  const store = new SqliteInventoryStore(openSqliteDatabase(sqliteFile));
  try {
    const routes = (await store.listRoutes()).slice(0, 20);
    const dates = [1, 2, 3].map((days) =>
      new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10),
    );
    return routes.flatMap((route) =>
      dates.map(
        (date) =>
          `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${date}`,
      ),
    );
  } finally {
    await store.close();
  }
}

const rate = (result: SearchLoadResult) =>
  `${Math.round(result.servedPerSecond)} searches/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${Math.round(result.max)} ms, refused ${JSON.stringify(result.refused)}, errors ${result.errors}`;

/**
 * 1,000 dashboard streams against `serve` with its default worker per core, while another process
 * searches: the streams must share the analytics snapshot work, so searches stay served.
 */
export const dashboardStreams: Scenario = {
  name: 'dashboard-streams',
  title: `${STREAMS} dashboard streams on one cookie while searches run (serve, default workers)`,
  async run({ workDir, log }): Promise<Check[]> {
    const children = new ChildProcesses();
    const sqliteFile = join(workDir, 'store.db');
    const startDate = new Date().toISOString().slice(0, 10);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = benchServerEnv({ SQLITE_FILE: sqliteFile, PORT: String(port), LOG_LEVEL: 'warn' });
    delete env.WORKERS;
    const searches = async (name: string, apiKey: string, pathsFile: string, seconds = SEARCH_SECONDS) => {
      const output = await children.run({
        name,
        args: [
          ...TSX,
          join(ROOT, 'chaos/processes/timed-searches.ts'),
          base,
          apiKey,
          pathsFile,
          String(seconds),
          String(SEARCH_CONNECTIONS),
        ],
        env: process.env,
        logFile: join(workDir, `${name}.log`),
      });
      return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as SearchLoadResult;
    };
    try {
      log('seeding the store and creating a client key');
      await seedInventory(
        children,
        CLI,
        { airports: 60, days: 5, seed: 42, startDate },
        env,
        join(workDir, 'seed.log'),
      );
      const apiKey = await createClientKey(children, CLI, 'chaos', env, join(workDir, 'keys.log'));
      const pathsFile = join(workDir, 'paths.txt');
      writeFileSync(pathsFile, `${(await searchPaths(sqliteFile, startDate)).join('\n')}\n`);

      const server = children.start({
        name: 'serve',
        args: [...CLI, 'serve'],
        env,
        logFile: join(workDir, 'serve.log'),
      });
      await waitUntilReady(`${base}/health/live`, server, 120_000);
      const serverPid = server.pid as number;
      log(
        `serve (pid ${serverPid}) answers on ${base}; warming the searches (machine load average ${loadavg()[0]?.toFixed(1)})`,
      );
      await searches('warm-up', apiKey, pathsFile, 15);

      let cpuBefore = treeCpuSeconds(serverPid);
      let wallBefore = performance.now();
      const without = await searches('searches-without-streams', apiKey, pathsFile);
      const cpuWithout = (treeCpuSeconds(serverPid) - cpuBefore) / ((performance.now() - wallBefore) / 1000);
      log(`without streams: ${rate(without)}; server CPU ${cpuWithout.toFixed(2)} cores`);

      log(`opening ${STREAMS} dashboard streams from another process`);
      const opener = children.start({
        name: 'streams',
        args: [
          ...TSX,
          join(ROOT, 'chaos/processes/dashboard-streams.ts'),
          base,
          BENCH_ADMIN_API_KEY,
          String(STREAMS),
          String(OPEN_SECONDS),
        ],
        env: process.env,
        logFile: join(workDir, 'streams.log'),
      });
      const lines = new Lines(opener);
      const opened = await lines.json<StreamsOpened>((OPEN_SECONDS + 30) * 1000, 'opened');
      log(
        `${opened.opened} streams open in ${opened.seconds.toFixed(1)} s (${opened.signIns} sign-ins; refused ${JSON.stringify(opened.refused)}; errors ${opened.errors})`,
      );
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      const idleBefore = treeCpuSeconds(serverPid);
      const idleWall = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const cpuStreamsOnly =
        (treeCpuSeconds(serverPid) - idleBefore) / ((performance.now() - idleWall) / 1000);
      log(`streams alone: server CPU ${cpuStreamsOnly.toFixed(2)} cores`);

      cpuBefore = treeCpuSeconds(serverPid);
      wallBefore = performance.now();
      const withStreams = await searches('searches-with-streams', apiKey, pathsFile);
      const cpuWith = (treeCpuSeconds(serverPid) - cpuBefore) / ((performance.now() - wallBefore) / 1000);
      log(
        `with ${opened.opened} streams: ${rate(withStreams)}; server CPU ${cpuWith.toFixed(2)} cores (machine load average ${loadavg()[0]?.toFixed(1)})`,
      );

      await children.stop(opener);
      const closed = await lines.json<StreamsClosed>(10_000, 'closed');
      log(
        `streams: ${closed.open} open at the end, ${closed.endedByServer} ended by the server, snapshots/s p10 ${closed.snapshotsPerSecondP10.toFixed(2)} median ${closed.snapshotsPerSecondMedian.toFixed(2)}, failures ${closed.failures}`,
      );

      const share = withStreams.servedPerSecond / Math.max(without.servedPerSecond, 1);
      const refusedWith = Object.values(withStreams.refused).reduce((sum, n) => sum + n, 0);
      return [
        check(
          `${STREAMS} streams open with the cookie of one sign-in, on any worker (no 401)`,
          opened.opened === STREAMS && opened.signIns === 1 && opened.refused['401'] === undefined,
          `${opened.opened} open after ${opened.signIns} sign-in(s); refused ${JSON.stringify(opened.refused)}, errors ${opened.errors}`,
        ),
        check(
          `every stream receives snapshots at its rhythm (median ≥ ${MIN_SNAPSHOTS_PER_SECOND}/s at one per 2 s), none ended`,
          closed.snapshotsPerSecondMedian >= MIN_SNAPSHOTS_PER_SECOND && closed.endedByServer === 0,
          `median ${closed.snapshotsPerSecondMedian.toFixed(2)}/s, p10 ${closed.snapshotsPerSecondP10.toFixed(2)}/s, ${closed.endedByServer} ended by the server, ${closed.failures} failure messages; server CPU with streams alone ${cpuStreamsOnly.toFixed(2)} cores`,
        ),
        check(
          `searches served with ${STREAMS} streams open ≥ ${MIN_RATE_SHARE * 100}% of the rate without`,
          share >= MIN_RATE_SHARE,
          `${Math.round(withStreams.servedPerSecond)}/s vs ${Math.round(without.servedPerSecond)}/s without (${(share * 100).toFixed(0)}%); server CPU ${cpuWith.toFixed(2)} vs ${cpuWithout.toFixed(2)} cores`,
        ),
        check(
          `search p99 with ${STREAMS} streams open ≤ ${MAX_P99_MS} ms, none refused or failed`,
          withStreams.p99 <= MAX_P99_MS && refusedWith === 0 && withStreams.errors === 0,
          `without: ${rate(without)}; with: ${rate(withStreams)}`,
        ),
      ];
    } finally {
      await children.stopAll();
    }
  },
};
