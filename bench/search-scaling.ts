/**
 * `npx tsx bench/search-scaling.ts`: uncached flight search as the world grows. For each world size
 * (SQLite files under --dir, seeded once and reused) starts one API process (`npm start` defaults
 * but the cache off, so every search is a miss), waits until its timetable index serves, then from
 * this process (the load generator is never the server) sends distinct searches: one-way,
 * round-trip and two-stop sequentially, and one-way from 16 concurrent clients. Prints one table
 * row per world: flights a day, index build time, server RSS, p50/p99 and searches/s, and the CPU the
 * server spent per search in each window (the figure a loaded machine does not blur).
 *
 *   npx tsx bench/search-scaling.ts [--worlds 300,1000,3000] [--days 30] [--searches 300]
 *     [--dir /tmp/tp-worlds] [--profile] [--profile-window one-way|concurrent] [--env SEARCH_INDEX=store]
 *
 * --profile runs the server under `node --cpu-prof` and prints where the searches of one window
 * (the sequential one-way searches by default, or the 16 concurrent clients) spent CPU, per thread
 * (the event loop and each search thread write their own profile).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../src/adapters/store/sqlite/inventory-store.js';
import { SeededRandom } from '../src/core/demo-inventory/random.js';
import { benchServerEnv, createClientKey, envFromPairs, seedInventory } from './bench-setup.js';
import { ChildProcesses, freePort, waitUntilReady } from './child-processes.js';
import { monotonicMicros, summariseProfile } from './profile-summary.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];

/** What one scaling run measures. */
export interface ScalingOptions {
  worlds: number[];
  days: number;
  /** Distinct searches per kind. */
  searches: number;
  clients: number;
  /** Where the seeded worlds are kept (and reused) between runs. */
  dir: string;
  profile: boolean;
  /** Which measured window the profile summary covers. */
  profileWindow?: 'one-way' | 'concurrent';
  top: number;
  /** Extra environment of the servers. */
  env: Record<string, string>;
}

const startDate = new Date().toISOString().slice(0, 10);

export interface ScalingRow {
  airports: number;
  flightsPerDay: number;
  indexBuild: string;
  rssMb: number;
  oneWay: { p50: number; p99: number };
  roundTrip: { p50: number; p99: number };
  twoStop: { p50: number; p99: number };
  concurrent: { perSecond: number; p50: number; p99: number };
  /**
   * CPU the server process (event loop and search threads) spent per search in each window, ms:
   * what a search costs whatever else the machine runs, where the wall times above move with load.
   */
  cpuMs: { oneWay: number; roundTrip: number; twoStop: number; concurrent: number };
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Resident memory of a process and its threads, MB (VmRSS; worker threads share the process). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ: 100 on every Linux build). */
const USER_HZ = 100;

/** CPU time a process (all its threads) has used so far, ms: utime + stime of /proc/<pid>/stat. */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command (which may hold spaces) start at state: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

/** Distinct search paths between airports that have flights, half of them on a direct route. */
async function searchPaths(sqliteFile: string, count: number, days: number, seed: number) {
  const store = new SqliteInventoryStore(openSqliteDatabase(sqliteFile));
  const routes = await store.listRoutes();
  const stats = await store.stats();
  await store.close();
  const airports = [...new Set(routes.map((route) => route.origin))];
  const directory = await loadAirportDirectory();
  const cityOf = (code: string) =>
    directory
      .byCityCode(code)
      .map((a) => a.iata)
      .concat(code);
  const sameCity = (a: string, b: string) => cityOf(a).some((code) => cityOf(b).includes(code));
  const random = new SeededRandom(seed);
  const date = (day: number) => new Date(Date.parse(startDate) + day * 86_400_000).toISOString().slice(0, 10);
  const direct = new Set(routes.map((route) => `${route.origin}-${route.destination}`));
  const make = (suffix: (day: number) => string, connecting = false): string[] => {
    const seen = new Set<string>();
    while (seen.size < count) {
      let origin = random.pick(airports);
      let destination = random.pick(airports);
      if (connecting && direct.has(`${origin}-${destination}`)) continue;
      if (!connecting && random.next() < 0.5) {
        const direct = random.pick(routes);
        origin = direct.origin;
        destination = direct.destination;
      }
      // A code that is also a city's (HOU) stands for all its airports: IAH→HOU is no search.
      if (sameCity(origin, destination)) continue;
      const day = random.int(1, Math.max(1, days - 8));
      seen.add(
        `/v1/flights/search?origin=${origin}&destination=${destination}&departureDate=${date(day)}${suffix(day)}`,
      );
    }
    return [...seen];
  };
  return {
    flights: stats.flights,
    oneWay: make(() => ''),
    roundTrip: make((day) => `&returnDate=${date(day + random.int(2, 7))}`),
    twoStop: make(() => '', true),
    concurrent: make(() => '&adults=2'),
  };
}

async function timeSequential(baseUrl: string, apiKey: string, paths: readonly string[]) {
  const samples: number[] = [];
  for (const path of paths) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}${path}`, { headers: { 'x-api-key': apiKey } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function timeConcurrent(baseUrl: string, apiKey: string, paths: readonly string[], clients: number) {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < paths.length) {
        const path = paths[next++] as string;
        const begun = performance.now();
        const response = await fetch(`${baseUrl}${path}`, { headers: { 'x-api-key': apiKey } });
        await response.arrayBuffer();
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
        samples.push(performance.now() - begun);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return { perSecond: paths.length / seconds, p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

/** Polls the server log until a line matching `pattern` appears; answers the line, or undefined on timeout. */
async function logLine(logFile: string, pattern: RegExp, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    const line = log.split('\n').find((candidate) => pattern.test(candidate));
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

const seconds = (line: string | undefined, field: string): number | undefined => {
  const ms = line && new RegExp(`"${field}":(\\d+)`).exec(line)?.[1];
  return ms ? Number(ms) / 1000 : undefined;
};

async function world(
  children: ChildProcesses,
  values: ScalingOptions,
  airports: number,
  days: number,
): Promise<ScalingRow> {
  mkdirSync(values.dir, { recursive: true });
  const sqliteFile = join(values.dir, `world-${airports}x${days}-${startDate}.db`);
  const env = benchServerEnv({
    SQLITE_FILE: sqliteFile,
    CACHE: 'none',
    WORKERS: '1',
    LOG_LEVEL: 'info',
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...values.env,
  });
  if (!existsSync(sqliteFile))
    await seedInventory(
      children,
      CLI,
      { airports, days, seed: 42, startDate },
      env,
      `${sqliteFile}.seed.log`,
    );
  const apiKey = await createClientKey(children, CLI, 'scaling', env, `${sqliteFile}.keys.log`);
  const searches = values.searches;
  const paths = await searchPaths(sqliteFile, searches, days, airports);
  const indexed = env.SEARCH_INDEX !== 'store';
  // With a snapshot from an earlier run the server is a restart: how soon its index serves from
  // the snapshot, and its background read of the store is the build. Without one, the build only.
  const restart = indexed && existsSync(`${sqliteFile}.timetable`);
  const port = await freePort();
  const logFile = `${sqliteFile}.${port}.server.log`;
  const profileDir = `${sqliteFile}.${port}.profile`;
  const spawnedAt = performance.now();
  const server = children.start({
    name: 'api',
    args: [...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), ...CLI, 'serve'],
    env: { ...env, PORT: String(port) },
    logFile,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  let build = 'off';
  if (indexed) {
    const snapshotLine = restart ? await logLine(logFile, /from its snapshot/, 600_000) : undefined;
    const served = (performance.now() - spawnedAt) / 1000;
    // A restart catches up with the store in place ("catchUpMs"); it rebuilds only when the
    // schedule changed meanwhile ("buildMs").
    const builtLine = await logLine(logFile, restart ? /"catchUpMs"|"buildMs"/ : /"buildMs"/, 1_800_000);
    const caughtUp = builtLine?.includes('"catchUpMs"') === true;
    const built = seconds(builtLine, caughtUp ? 'catchUpMs' : 'buildMs');
    build =
      built === undefined ? 'timeout' : `${built.toFixed(1)} s${caughtUp ? ' (catch-up in place)' : ''}`;
    if (snapshotLine)
      build += `; restart: index serving ${served.toFixed(1)} s after spawn (snapshot read in ${seconds(snapshotLine, 'loadMs')} s)`;
  }
  await waitUntilReady(`${baseUrl}/health/live`, server, 600_000);
  // Whatever the build left (writing its snapshot, collecting its garbage) is done before the
  // windows: the server is waited for until it idles (under 5% of a core for a second), at most 60 s.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  for (let waited = 0; waited < 60; waited++) {
    const cpuFrom = cpuMsOf(server.pid as number);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (cpuMsOf(server.pid as number) - cpuFrom < 50) break;
  }
  // Warm the JIT and the page cache on searches not measured.
  await timeSequential(
    baseUrl,
    apiKey,
    paths.concurrent.slice(0, 100).map((p) => p.replace('adults=2', 'adults=3')),
  );
  const pid = server.pid as number;
  /** Runs a window and the server's CPU per search in it. */
  const measured = async <T>(count: number, run: () => Promise<T>): Promise<[T, number]> => {
    const cpuFrom = cpuMsOf(pid);
    const result = await run();
    return [result, (cpuMsOf(pid) - cpuFrom) / count];
  };
  let window = { fromMicros: monotonicMicros(), toMicros: 0 };
  const [oneWay, oneWayCpu] = await measured(paths.oneWay.length, () =>
    timeSequential(baseUrl, apiKey, paths.oneWay),
  );
  window.toMicros = monotonicMicros();
  const [roundTrip, roundTripCpu] = await measured(paths.roundTrip.length, () =>
    timeSequential(baseUrl, apiKey, paths.roundTrip),
  );
  const [twoStop, twoStopCpu] = await measured(paths.twoStop.length, () =>
    timeSequential(baseUrl, apiKey, paths.twoStop),
  );
  const concurrentFrom = monotonicMicros();
  const [concurrent, concurrentCpu] = await measured(paths.concurrent.length, () =>
    timeConcurrent(baseUrl, apiKey, paths.concurrent, values.clients),
  );
  if (values.profileWindow === 'concurrent')
    window = { fromMicros: concurrentFrom, toMicros: monotonicMicros() };
  const rss = rssMb(server.pid as number);
  await children.stop(server, 20_000);
  if (values.profile) {
    // One file per thread: the event loop's and each search thread's.
    for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'))) {
      const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
      process.stdout.write(
        `\n${airports} airports, ${values.profileWindow ?? 'one-way'} window:\n${summariseProfile(profile, values.top, window)}\nprofile: ${join(profileDir, file)}\n`,
      );
    }
  }
  return {
    airports,
    flightsPerDay: Math.round(paths.flights / days),
    indexBuild: build,
    rssMb: rss,
    oneWay,
    roundTrip,
    twoStop,
    concurrent,
    cpuMs: { oneWay: oneWayCpu, roundTrip: roundTripCpu, twoStop: twoStopCpu, concurrent: concurrentCpu },
  };
}

const f = (ms: number) => ms.toFixed(1);

export function scalingTable(rows: readonly ScalingRow[]): string {
  return [
    '| airports | flights/day | index build | server RSS MB | one-way p50 / p99 ms | round trip p50 / p99 ms | no direct route (1–2 stops) p50 / p99 ms | 16 clients: searches/s, p50 / p99 ms | server CPU ms a search: one-way / round trip / no direct / 16 clients |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.airports} | ${r.flightsPerDay.toLocaleString('en')} | ${r.indexBuild} | ${r.rssMb} | ${f(r.oneWay.p50)} / ${f(r.oneWay.p99)} | ${f(r.roundTrip.p50)} / ${f(r.roundTrip.p99)} | ${f(r.twoStop.p50)} / ${f(r.twoStop.p99)} | ${Math.round(r.concurrent.perSecond)}, ${f(r.concurrent.p50)} / ${f(r.concurrent.p99)} | ${f(r.cpuMs.oneWay)} / ${f(r.cpuMs.roundTrip)} / ${f(r.cpuMs.twoStop)} / ${f(r.cpuMs.concurrent)} |`,
    ),
  ].join('\n');
}

/** One row per world, printed as each is done. */
export async function measureScaling(
  children: ChildProcesses,
  options: ScalingOptions,
): Promise<ScalingRow[]> {
  const rows: ScalingRow[] = [];
  for (const airports of options.worlds) {
    rows.push(await world(children, options, airports, options.days));
    process.stdout.write(`${scalingTable(rows.slice(-1))}\n`);
  }
  return rows;
}

const children = new ChildProcesses();

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      worlds: { type: 'string', default: '300,1000,3000' },
      days: { type: 'string', default: '30' },
      searches: { type: 'string', default: '300' },
      clients: { type: 'string', default: '16' },
      dir: { type: 'string', default: '/tmp/tp-worlds' },
      profile: { type: 'boolean', default: false },
      'profile-window': { type: 'string', default: 'one-way' },
      top: { type: 'string', default: '25' },
      env: { type: 'string', multiple: true, default: [] },
    },
  });
  const rows = await measureScaling(children, {
    worlds: values.worlds.split(',').map(Number),
    days: Number(values.days),
    searches: Number(values.searches),
    clients: Number(values.clients),
    dir: values.dir,
    profile: values.profile,
    profileWindow: values['profile-window'] === 'concurrent' ? 'concurrent' : 'one-way',
    top: Number(values.top),
    env: envFromPairs(values.env),
  });
  process.stdout.write(`\n${scalingTable(rows)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main()
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    })
    .finally(() => children.stopAll());
}
