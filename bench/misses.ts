/**
 * `npx tsx bench/misses.ts`: what cache misses cost the hits served beside them. Seeds a small
 * inventory once, then for each server tree given (`--tree before=/path/to/checkout`, default: this
 * one; `--tree label=path,VAR=value` adds environment for that one), `--repeat` times in turn, starts one API process (one worker, gateway on, the `npm start`
 * defaults), caches the hot set, and loads it with wrk where `--miss-share` of the requests are
 * searches never asked before, while a sequential probe measures hits and bench/loop-monitor.ts
 * watches the event loop. Several trees run one after the other on the same machine and the same
 * paths, so their figures compare side by side. `--cpu-prof` keeps a CPU profile of each server.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../src/adapters/store/sqlite/inventory-store.js';
import { benchServerEnv, createClientKey, envFromPairs, hitProbe, seedInventory } from './bench-setup.js';
import { ChildProcesses, waitUntilReady } from './child-processes.js';
import { monotonicMicros } from './profile-summary.js';
import { RequestMix } from './request-mix.js';
import { type CacheCounts, diffCounts, scrapeCacheCounts } from './scrape.js';
import { ensureDebianPackage, runWrk, writePaths } from './wrk-load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MONITOR = join(ROOT, 'bench/loop-monitor.ts');

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'hot-keys': { type: 'string', default: '200' },
    airports: { type: 'string', default: '150' },
    days: { type: 'string', default: '30' },
    'miss-share': { type: 'string', default: '0.3' },
    /** Of the misses, the share that are hotel searches (the rest are flight searches). */
    'hotel-misses': { type: 'string', default: '0' },
    tree: { type: 'string', multiple: true, default: [] },
    repeat: { type: 'string', default: '2' },
    'cpu-prof': { type: 'boolean', default: false },
    /** Extra flags of the server's node (e.g. --trace-gc). */
    'node-arg': { type: 'string', multiple: true, default: [] },
    env: { type: 'string', multiple: true, default: [] },
  },
});

const children = new ChildProcesses();
const log = (text: string): void => {
  process.stdout.write(text);
};

const misses = (counts: CacheCounts): number =>
  Object.entries(counts)
    .filter(([type]) => type !== 'locations')
    .reduce((sum, [, outcomes]) => sum + (outcomes.miss ?? 0), 0);

const fmt = (ms: number): string => (ms < 10 ? ms.toFixed(1) : String(Math.round(ms)));

async function main(): Promise<void> {
  if (!ensureDebianPackage('wrk', 'wrk')) throw new Error('wrk is not installed and could not be');
  const work = mkdtempSync(join(tmpdir(), 'tp-misses-'));
  const sqliteFile = join(work, 'inventory.db');
  const startDate = new Date().toISOString().slice(0, 10);
  const env = benchServerEnv({
    SQLITE_FILE: sqliteFile,
    WORKERS: '1',
    GATEWAY: 'on',
    CACHE: 'memory',
    ...envFromPairs(values.env ?? []),
  });
  const cli = (tree: string) => ['--import', 'tsx', join(tree, 'src/cli/main.ts')];
  log(`work directory: ${work}\n`);
  await seedInventory(
    children,
    cli(ROOT),
    { airports: values.airports, days: values.days, seed: 42, startDate },
    env,
    join(work, 'seed.log'),
  );
  const apiKey = await createClientKey(children, cli(ROOT), 'misses', env, join(work, 'keys.log'));
  const store = new SqliteInventoryStore(openSqliteDatabase(sqliteFile));
  const mixInput = {
    routes: await store.listRoutes(),
    airports: await loadAirportDirectory(),
    startDate,
    days: Number(values.days),
    skew: 1.1,
    seed: 42,
  };
  await store.close();
  const hotKeys = Number(values['hot-keys']);
  const hot = new RequestMix({ ...mixInput, hotKeys });
  const all = new RequestMix(mixInput);
  // The coldest keys of the full mix: never part of the hot set, each asked once per server.
  const coldFlights = [...all.flightPaths()].reverse();
  const coldHotels = all
    .distinctPaths()
    .filter((path) => path.startsWith('/v1/hotels/'))
    .reverse();
  const missShare = Number(values['miss-share']);
  const hotelShare = Number(values['hotel-misses']);
  let flight = 0;
  let hotel = 0;
  const missFile = join(work, 'misses.txt');
  writePaths(
    missFile,
    () =>
      Math.random() >= missShare
        ? hot.next()
        : Math.random() < hotelShare
          ? (coldHotels[hotel++ % coldHotels.length] as string)
          : (coldFlights[flight++ % coldFlights.length] as string),
    60_000,
  );
  const hotFile = join(work, 'hot.txt');
  writePaths(hotFile, () => hot.next(), 20_000);
  const hotPaths = hot.distinctPaths();
  log(
    `inventory ${values.airports} airports × ${values.days} days; ${coldFlights.length} cold flight keys, ${coldHotels.length} cold hotel keys\n`,
  );

  // `label=path[,VAR=value…]`: a server tree and the environment it runs with beside the common one.
  const trees = (values.tree?.length ? values.tree : [`this=${ROOT}`]).map((spec) => {
    const [tree = '', ...pairs] = spec.split(',');
    const [label, path] = tree.includes('=') ? (tree.split('=', 2) as [string, string]) : [tree, tree];
    const own = envFromPairs(pairs);
    return { label, path: resolve(path), env: own };
  });
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  for (let round = 1; round <= Number(values.repeat); round++) {
    for (const tree of trees) {
      const name = `${tree.label}-${round}`;
      const monitorFile = join(work, `${name}.loop.jsonl`);
      const profileDir = join(work, `${name}-profile`);
      mkdirSync(profileDir, { recursive: true });
      const server = children.start({
        name,
        args: [
          ...(values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
          ...(values['node-arg'] ?? []),
          '--import',
          'tsx',
          '--import',
          MONITOR,
          join(tree.path, 'src/cli/main.ts'),
          'serve',
        ],
        env: { ...env, ...tree.env, PORT: String(port), LOOP_MONITOR_FILE: monitorFile },
        logFile: join(work, `${name}.log`),
      });
      try {
        const baseUrl = `http://127.0.0.1:${port}`;
        await waitUntilReady(`${baseUrl}/health/live`, server, 120_000);
        for (const path of hotPaths) await fetch(`${baseUrl}${path}`, { headers: { 'x-api-key': apiKey } });
        const load = { baseUrl, apiKey, connections: Number(values.connections) };
        await runWrk({ ...load, pathsFile: hotFile, durationSeconds: 3 });
        const before = await scrapeCacheCounts(baseUrl);
        server.kill('SIGUSR2');
        const fromMicros = monotonicMicros();
        const stopProbe = hitProbe(baseUrl, hotPaths, apiKey, 10);
        const result = await runWrk({
          ...load,
          pathsFile: missFile,
          durationSeconds: Number(values.seconds),
        });
        const probe = await stopProbe();
        server.kill('SIGUSR2');
        const toMicros = monotonicMicros();
        const counts = diffCounts(before, await scrapeCacheCounts(baseUrl));
        await new Promise((resolve) => setTimeout(resolve, 200));
        const loop = JSON.parse(readFileSync(monitorFile, 'utf8').trim().split('\n').at(-1) ?? '{}');
        const missCount = misses(counts);
        const seconds = Number(values.seconds);
        log(
          `${name}: ${Math.round(result.okPerSecond)} 2xx/s (${(missCount / seconds).toFixed(1)} misses/s), wrk p50 ${fmt(result.p50)} p99 ${fmt(result.p99)} ms, non-2xx ${result.non2xx}, errors ${result.errors}\n` +
            `  hit probe: p50 ${fmt(probe.p50)} ms, p99 ${fmt(probe.p99)} ms, max ${fmt(probe.max)} ms (${probe.count} hits)\n` +
            `  event loop: delay p99 ${fmt(loop.delayP99Ms)} ms, max ${fmt(loop.delayMaxMs)} ms; stalls ≥5 ms ${loop.stallsOver5Ms}, ≥10 ms ${loop.stallsOver10Ms}, ≥20 ms ${loop.stallsOver20Ms}; longest ${JSON.stringify(loop.longestStallsMs)}; busy ${(loop.utilisation * 100).toFixed(0)}%, waited for a CPU ${Math.round(loop.runQueueWaitMs)} ms, ${((loop.activeMs * 1000) / Math.max(1, result.requests)).toFixed(0)} µs per answer\n` +
            `  CPU: main thread ${Math.round(loop.mainCpuMs)} ms (${((loop.mainCpuMs * 1000) / Math.max(1, result.requests)).toFixed(0)} µs per answer, ${((loop.mainCpuMs * 1000) / Math.max(1, missCount)).toFixed(0)} µs per miss), other threads ${Math.round(loop.otherThreadsCpuMs)} ms (${((loop.otherThreadsCpuMs * 1000) / Math.max(1, missCount)).toFixed(0)} µs per miss)\n` +
            `  loop turn carrying a search answer: p50 ${fmt(loop.answerTurnP50Ms)} ms, p99 ${fmt(loop.answerTurnP99Ms)} ms, max ${fmt(loop.answerTurnMaxMs)} ms (${loop.answers} answers)\n` +
            `  cache answers: ${JSON.stringify(counts)}\n`,
        );
        if (values['cpu-prof'])
          log(`  profile: ${profileDir} (measured from ${fromMicros} to ${toMicros} µs)\n`);
      } finally {
        await children.stop(server, 20_000);
      }
    }
  }
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => children.stopAll());
