import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../src/adapters/store/sqlite/inventory-store.js';
import { benchServerEnv, createClientKey, seedInventory } from './bench-setup.js';
import { ChildProcesses, freePort, waitUntilReady } from './child-processes.js';
import { firstRequestBound } from './first-requests.js';
import { RequestMix } from './request-mix.js';
import { diffCounts, hitRatio, scrapeCacheCounts } from './scrape.js';
import { runWrk, type SentLines, writePaths } from './wrk-load.js';

/**
 * The Zipf row of `npm run bench` alone, for comparing source trees side by side on one inventory:
 *
 *   npx tsx bench/zipf-hit-ratio.ts --tree before=/tmp/base --tree after=. --rounds 2
 *   npx tsx bench/zipf-hit-ratio.ts --tree a=. --tree b=. --env b:PREWARM_SEARCHES=200
 *
 * Per tree and round, on a copy of one seeded store: a fresh server (warm-up, then the measured
 * window continuing the stream), stopped; then a server restarted on the same store (which
 * remembered the first one's popular searches) continuing the stream again. Each window reports its
 * hit ratio (server /metrics) next to its first-request bound (first-requests.ts); the restarted
 * one also next to the bound of a cache that had kept everything asked since the first start.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    tree: { type: 'string', multiple: true },
    env: { type: 'string', multiple: true },
    rounds: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    airports: { type: 'string', default: '150' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '42' },
    sqlite: { type: 'string' },
    /** Diagnostic: the restarted server's warm-up waits until its prewarm is done (a longer warm-up in effect). */
    'await-prewarm': { type: 'boolean', default: false },
  },
});
const trees = (values.tree ?? ['after=.']).map((spec) => {
  const [name, path] = spec.includes('=') ? spec.split('=', 2) : [spec, spec];
  return { name: name as string, root: resolve(path as string) };
});
/** `--env tree:NAME=value`: an environment variable of that tree's servers only. */
const treeEnv = (tree: string): Record<string, string> =>
  Object.fromEntries(
    (values.env ?? [])
      .filter((spec) => spec.startsWith(`${tree}:`))
      .map((spec) => spec.slice(tree.length + 1).split('=', 2) as [string, string]),
  );
const rounds = Number(values.rounds);
const warmupSeconds = Number(values.warmup);
const durationSeconds = Number(values.duration);
const connections = Number(values.connections);
const days = Number(values.days);
const seed = Number(values.seed);

const children = new ChildProcesses();
const cli = (root: string) => ['--import', 'tsx', join(root, 'src/cli/main.ts')];

const percent = (ratio: number | undefined) => (ratio === undefined ? '–' : `${(ratio * 100).toFixed(1)}%`);

interface Window {
  tree: string;
  round: number;
  server: 'fresh' | 'restarted';
  warmupSent: number;
  sent: number;
  okPerSecond: number;
  hitRatio: number | undefined;
  /** Without anything from before this server's warm-up. */
  bound: number | undefined;
  /** With everything asked since the first server of the round started (restarted servers). */
  boundSinceFirstStart?: number;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'tp-zipf-'));
  const startDate = new Date().toISOString().slice(0, 10);
  const master = values.sqlite ? resolve(values.sqlite) : join(work, 'inventory.db');
  const baseEnv = benchServerEnv();
  try {
    const masterEnv = { ...baseEnv, SQLITE_FILE: master };
    if (!existsSync(master)) {
      await seedInventory(
        children,
        cli(ROOT),
        { airports: values.airports, days, seed, startDate },
        masterEnv,
        join(work, 'seed.log'),
      );
    }
    const apiKey = await createClientKey(children, cli(ROOT), 'zipf', masterEnv, join(work, 'keys.log'));
    const store = new SqliteInventoryStore(openSqliteDatabase(master));
    const routes = await store.listRoutes();
    await store.close();
    const mix = new RequestMix({
      routes,
      airports: await loadAirportDirectory(),
      startDate,
      days,
      skew: 1.1,
      seed,
    });
    const pathsFile = join(work, 'zipf.txt');
    const paths = writePaths(pathsFile, () => mix.next(), 300_000);
    process.stdout.write(
      `mix: ${mix.shape.flightKeys} flight, ${mix.shape.hotelKeys} hotel, ${mix.shape.locationKeys} location keys; work ${work}\n`,
    );

    const windows: Window[] = [];
    for (let round = 1; round <= rounds; round++) {
      for (const tree of trees) {
        const sqliteFile = join(work, `${tree.name}-${round}.db`);
        for (const suffix of ['', '-wal', '-shm'])
          if (existsSync(master + suffix)) copyFileSync(master + suffix, sqliteFile + suffix);
        const history: SentLines[] = [];
        let line = 0;
        for (const server of ['fresh', 'restarted'] as const) {
          const port = await freePort();
          const url = `http://127.0.0.1:${port}`;
          const child = children.start({
            name: `${tree.name}-${server}`,
            args: [...cli(tree.root), 'serve'],
            env: {
              ...baseEnv,
              SQLITE_FILE: sqliteFile,
              PORT: String(port),
              WORKERS: '1',
              GATEWAY: 'on',
              CACHE: 'memory',
              ...treeEnv(tree.name),
            },
            logFile: join(work, `${tree.name}-${round}-${server}.log`),
          });
          try {
            await waitUntilReady(`${url}/health/live`, child, 120_000);
            const logFile = join(work, `${tree.name}-${round}-${server}.log`);
            const readyAt = Date.now();
            if (server === 'restarted' && values['await-prewarm']) {
              while (!readFileSync(logFile, 'utf8').includes('prewarmed popular searches'))
                await new Promise((done) => setTimeout(done, 250));
              process.stdout.write(`  prewarm done ${Date.now() - readyAt} ms after readiness\n`);
            }
            const warm = await runWrk({
              baseUrl: url,
              pathsFile,
              apiKey,
              connections,
              durationSeconds: warmupSeconds,
              startLine: line,
            });
            if (!warm.lines) throw new Error('wrk did not report the lines it sent');
            line = warm.lines.start + warm.lines.sent;
            const before = await scrapeCacheCounts(url);
            const load = await runWrk({
              baseUrl: url,
              pathsFile,
              apiKey,
              connections,
              durationSeconds,
              startLine: line,
            });
            const after = await scrapeCacheCounts(url);
            if (!load.lines) throw new Error('wrk did not report the lines it sent');
            line = load.lines.start + load.lines.sent;
            const result: Window = {
              tree: tree.name,
              round,
              server,
              warmupSent: warm.lines.sent,
              sent: load.lines.sent,
              okPerSecond: load.okPerSecond,
              hitRatio: hitRatio(diffCounts(before, after)),
              bound: firstRequestBound(paths, [warm.lines], load.lines),
              ...(server === 'restarted'
                ? { boundSinceFirstStart: firstRequestBound(paths, [...history, warm.lines], load.lines) }
                : {}),
            };
            history.push(warm.lines, load.lines);
            windows.push(result);
            process.stdout.write(
              `${tree.name} round ${round} ${server}: warm-up ${result.warmupSent} req, window ${result.sent} req, ${Math.round(result.okPerSecond)} 2xx/s, hit ratio ${percent(result.hitRatio)}, first-request bound ${percent(result.bound)}${result.boundSinceFirstStart === undefined ? '' : ` (${percent(result.boundSinceFirstStart)} counting the first server's traffic)`}\n`,
            );
          } finally {
            await children.stop(child, 30_000);
          }
        }
      }
    }
    process.stdout.write(
      `\n| tree | round | server | warm-up req | window req | 2xx/s | hit ratio | first-request bound | bound since first start |\n|---|---:|---|---:|---:|---:|---:|---:|---:|\n${windows
        .map(
          (w) =>
            `| ${w.tree} | ${w.round} | ${w.server} | ${w.warmupSent} | ${w.sent} | ${Math.round(w.okPerSecond)} | ${percent(w.hitRatio)} | ${percent(w.bound)} | ${percent(w.boundSinceFirstStart)} |`,
        )
        .join('\n')}\n`,
    );
  } finally {
    await children.stopAll();
    if (!process.env.BENCH_KEEP_WORK) rmSync(work, { recursive: true, force: true });
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    children.stopAll().finally(() => process.exit(130));
  });
}
process.once('exit', () => children.killAllNow());

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
