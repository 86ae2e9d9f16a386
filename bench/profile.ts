/**
 * `npx tsx bench/profile.ts`: where a cached search spends its CPU. Seeds a small inventory, starts
 * one API process (gateway on, the `npm start` defaults) under `node --cpu-prof`, caches a hot set
 * of searches, loads it with wrk for a few seconds, stops the server and prints its CPU profile
 * summarised by function and by package. The `.cpuprofile` is kept for a flame graph (Chrome
 * DevTools or speedscope).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../src/adapters/store/sqlite/inventory-store.js';
import { benchServerEnv, createClientKey, envFromPairs, seedInventory } from './bench-setup.js';
import { ChildProcesses, waitUntilReady } from './child-processes.js';
import { monotonicMicros, summariseProfile } from './profile-summary.js';
import { RequestMix } from './request-mix.js';
import { diffCounts, scrapeCacheCounts } from './scrape.js';
import { ensureDebianPackage, runWrk, writePaths } from './wrk-load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '100' },
    'hot-keys': { type: 'string', default: '200' },
    airports: { type: 'string', default: '60' },
    days: { type: 'string', default: '8' },
    top: { type: 'string', default: '30' },
    env: { type: 'string', multiple: true, default: [] },
  },
});

const children = new ChildProcesses();

async function main(): Promise<void> {
  if (!ensureDebianPackage('wrk', 'wrk')) throw new Error('wrk is not installed and could not be');
  const work = mkdtempSync(join(tmpdir(), 'tp-profile-'));
  const sqliteFile = join(work, 'inventory.db');
  const startDate = new Date().toISOString().slice(0, 10);
  const env = benchServerEnv({
    SQLITE_FILE: sqliteFile,
    // One process: the profile is of the process serving requests, not of a cluster primary.
    WORKERS: '1',
    ...envFromPairs(values.env ?? []),
  });
  await seedInventory(
    children,
    CLI,
    { airports: values.airports, days: values.days, seed: 42, startDate },
    env,
    join(work, 'seed.log'),
  );
  const apiKey = await createClientKey(children, CLI, 'profile', env, join(work, 'keys.log'));
  const store = new SqliteInventoryStore(openSqliteDatabase(sqliteFile));
  const mix = new RequestMix({
    routes: await store.listRoutes(),
    airports: await loadAirportDirectory(),
    startDate,
    days: Number(values.days),
    skew: 1.1,
    seed: 42,
    hotKeys: Number(values['hot-keys']),
  });
  await store.close();
  const pathsFile = join(work, 'paths.txt');
  writePaths(pathsFile, () => mix.next(), 20_000);

  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const profileDir = join(work, 'profile');
  const server = children.start({
    name: 'api',
    args: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...CLI, 'serve'],
    env: { ...env, PORT: String(port) },
    logFile: join(work, 'server.log'),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(`${baseUrl}/health/live`, server);
  const load = { baseUrl, pathsFile, apiKey, connections: Number(values.connections) };
  // Every distinct path once, so the measured window is all hits.
  for (const path of mix.distinctPaths())
    await fetch(`${baseUrl}${path}`, { headers: { 'x-api-key': apiKey } });
  await runWrk({ ...load, durationSeconds: 4 });
  const before = await scrapeCacheCounts(baseUrl);
  const fromMicros = monotonicMicros();
  const result = await runWrk({ ...load, durationSeconds: Number(values.seconds) });
  const toMicros = monotonicMicros();
  const counts = diffCounts(before, await scrapeCacheCounts(baseUrl));
  await children.stop(server, 20_000);
  process.stdout.write(
    `wrk: ${Math.round(result.okPerSecond)} 2xx/s, p50 ${result.p50} ms, p99 ${result.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors}\ncache answers while measured: ${JSON.stringify(counts)}\n`,
  );
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error('no profile written');
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
  process.stdout.write(
    `${summariseProfile(profile, Number(values.top), { fromMicros, toMicros })}\nprofile: ${join(profileDir, file)}\n`,
  );
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => children.stopAll());
