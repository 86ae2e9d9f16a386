import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../src/adapters/store/sqlite/inventory-store.js';
import {
  BENCH_ADMIN_API_KEY,
  benchServerEnv,
  createClientKey,
  type HitProbe,
  hitProbe,
  seedInventory,
} from './bench-setup.js';
import { barChartSvg } from './chart.js';
import { ChildProcesses, freePort, waitUntilReady } from './child-processes.js';
import { firstRequestBound } from './first-requests.js';
import { type FreshnessResult, freshnessMarkdown, type InvalidationMode, runFreshness } from './freshness.js';
import { updateMarkdownFile } from './markdown.js';
import { nginxConfig } from './nginx.js';
import { type BenchOptions, parseBenchOptions, USAGE } from './options.js';
import { RequestMix } from './request-mix.js';
import { diffCounts, hitRatio, scrapeCacheCounts } from './scrape.js';
import { measureScaling, type ScalingRow, scalingTable } from './search-scaling.js';
import { ensureDebianPackage, type LoadResult, runWrk, writePaths } from './wrk-load.js';

/**
 * `npm run bench`: seeds one demo inventory, then measures, each server in its own process and
 * wrk in another: bare Fastify (small JSON, and the API's own pages pre-serialised), nginx
 * `proxy_cache` in front of the API, and the API (gateway on, `npm start` defaults) on a hot set of
 * cached searches, the Zipf mix, a mix with 30% misses, with 1 and 2 worker processes, and through
 * a Redis outage; then freshness under changing fares, nginx's included. Writes the raw results to
 * bench/results/, the tables and a chart to BENCHMARKS.md and bench/chart.svg.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
/** A fixed admin credential, so the API processes do not mint (and print) development keys. */
const CHART_FILE = join(ROOT, 'bench/chart.svg');

interface Row {
  label: string;
  connections: number;
  load: LoadResult;
  hitRatio?: number;
  /**
   * The best hit ratio any cache could have had on the row without knowing anything from before
   * this server's own warm-up (first-requests.ts); the product's prewarm can beat it.
   */
  firstRequestBound?: number;
  /** Latency of cached answers measured by a light probe while the row's load ran, ms. */
  hitProbe?: HitProbe;
}

const children = new ChildProcesses();

function machineInfo(): string {
  const list = cpus();
  return `Node ${process.version}, ${list.length} × ${list[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GB RAM (${platform()} ${release()})`;
}

async function seed(options: BenchOptions, env: NodeJS.ProcessEnv, startDate: string, logFile: string) {
  const output = await seedInventory(children, CLI, { ...options, startDate }, env, logFile);
  process.stdout.write(`${output.trim().split('\n').at(-1)}\n`);
}

async function buildMix(options: BenchOptions, sqliteFile: string, startDate: string, hotKeys?: number) {
  const store = new SqliteInventoryStore(openSqliteDatabase(sqliteFile));
  try {
    return new RequestMix({
      routes: await store.listRoutes(),
      airports: await loadAirportDirectory(),
      startDate,
      days: options.days,
      skew: options.skew,
      seed: options.seed,
      hotKeys,
    });
  } finally {
    await store.close();
  }
}

/** A server process on a free port, ready to answer, stopped after `use`. */
async function withServer<T>(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
  use: (baseUrl: string, port: number) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const logFile = join(logDir, `${name}.log`);
  const child: ChildProcess = children.start({ name, args, env: { ...env, PORT: String(port) }, logFile });
  try {
    await waitUntilReady(`http://127.0.0.1:${port}/health/live`, child, 120_000).catch(async () => {
      // Servers without /health/live (bare ones) answer any path.
      await waitUntilReady(`http://127.0.0.1:${port}/`, child, 5_000);
    });
    return await use(`http://127.0.0.1:${port}`, port);
  } catch (error) {
    throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)} (log: ${logFile})`);
  } finally {
    await children.stop(child, 15_000);
  }
}

/**
 * Asks for every path `times` times, a few at once, each on a new connection so the cluster
 * primary spreads them over every worker: afterwards a hot-set row measures hits only.
 */
async function warmAll(
  baseUrl: string,
  paths: readonly string[],
  apiKey: string,
  times: number,
): Promise<void> {
  const queue = paths.flatMap((path) => Array.from({ length: times }, () => path));
  const next = async (): Promise<void> => {
    for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
      const response = await fetch(`${baseUrl}${path}`, {
        headers: { 'x-api-key': apiKey, connection: 'close' },
      }).catch(() => undefined);
      await response?.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: 8 }, next));
}

const FRESHNESS = { concurrency: 16, updatesPerSecond: 20, searches: 40, deliveryDelayMs: 100 };

function fmt(ms: number): string {
  return ms < 10 ? ms.toFixed(1) : String(Math.round(ms));
}

function percent(ratio: number | undefined): string {
  return ratio === undefined ? '–' : `${(ratio * 100).toFixed(1)}%`;
}

function rowsMarkdown(rows: readonly Row[], pagesRow: Row | undefined): string {
  const lines = [
    '| row | conns | 2xx/s | × bare pages | p50 ms | p95 ms | p99 ms | max ms | non-2xx | errors | hit ratio | first-request bound |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rows) {
    const ratio = pagesRow ? row.load.okPerSecond / pagesRow.load.okPerSecond : undefined;
    lines.push(
      `| ${row.label} | ${row.connections} | ${Math.round(row.load.okPerSecond)} | ${ratio === undefined ? '–' : `${ratio.toFixed(2)}×`} | ${fmt(row.load.p50)} | ${fmt(row.load.p95)} | ${fmt(row.load.p99)} | ${fmt(row.load.max)} | ${row.load.non2xx} | ${row.load.errors} | ${percent(row.hitRatio)} | ${percent(row.firstRequestBound)} |`,
    );
  }
  return lines.join('\n');
}

const BURST_SECTION = 'Connection burst';
const SCALING_SECTION = 'Uncached search as the world grows';

/** The burst rows against the goal (issue 20: p99 within 2× of bare Fastify's, no more timeouts). */
function burstMarkdown(command: string, connections: number, seconds: number, api: Row, bare: Row): string {
  const ratio = api.load.p99 / bare.load.p99;
  const met = ratio <= 2 && api.load.timeouts <= bare.load.timeouts;
  return [
    `Run ${new Date().toISOString()} with \`${command}\`: ${connections.toLocaleString('en')} connections opened at once by \`wrk -t1\` for ${seconds} s, right after a warm-up with fewer connections, against bare Fastify sending the API's pages pre-serialised and then the API (one worker, hot set: every answer a cache hit), back to back on the same machine.`,
    '',
    '| row | 2xx/s | p50 ms | p99 ms | max ms | timeouts | other errors |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...[bare, api].map(
      (row) =>
        `| ${row.label} | ${Math.round(row.load.okPerSecond)} | ${fmt(row.load.p50)} | ${fmt(row.load.p99)} | ${fmt(row.load.max)} | ${row.load.timeouts} | ${row.load.errors - row.load.timeouts} |`,
    ),
    '',
    `API p99 / bare p99: ${ratio.toFixed(2)}× (goal ≤ 2×); timeouts ${api.load.timeouts} against ${bare.load.timeouts} (goal: no more): ${met ? 'met' : 'not met'}.`,
  ].join('\n');
}

/** The uncached-search scaling table (its own servers and worlds); written to BENCHMARKS.md when `write`. */
async function scalingSection(
  options: BenchOptions,
  command: string,
  write = options.writeMarkdown,
): Promise<string> {
  const log = (text: string) => process.stdout.write(text);
  log(`uncached search as the world grows: ${options.scaling.join(', ')} airports × 30 days\n`);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  const rows: ScalingRow[] = await measureScaling(children, {
    worlds: options.scaling,
    days: 30,
    searches: 200,
    clients: 16,
    dir: join(tmpdir(), 'tp-worlds'),
    profile: false,
    top: 0,
    env: {},
  });
  const section = [
    `Run ${new Date().toISOString()} with \`${command}\` on ${machineInfo()}: one API process per world (\`npm start\` defaults, WORKERS=1, CACHE=none so every search is a miss); a world seeded by an earlier run is reused and its server is then a restart from the index snapshot (the build column says how soon it served). Distinct searches sent from the benchmark's process (sequential, then 16 concurrent clients). Server RSS: the whole process, its search threads (SEARCH_THREADS=auto: one per core but the event loop's, at least one) and the index included. The last column is the CPU the server process (event loop and search threads) spent per search in each window: wall times move with the machine's load, CPU per search much less. Load of the machine at the start: ${load}.`,
    '',
    scalingTable(rows),
  ].join('\n');
  log(`\n${section}\n`);
  if (write) updateMarkdownFile(join(ROOT, 'BENCHMARKS.md'), new Map([[SCALING_SECTION, section]]));
  return section;
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  if (options.only === 'scaling') {
    try {
      await scalingSection(options, command);
    } finally {
      await children.stopAll();
    }
    return;
  }
  if (!ensureDebianPackage('wrk', 'wrk')) throw new Error('wrk is missing and apt-get could not install it');
  const haveNginx = ensureDebianPackage('nginx', 'nginx-light');
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const work = mkdtempSync(join(tmpdir(), 'tp-bench-'));
  const sqliteFile = join(work, 'inventory.db');
  const startDate = startedAt.slice(0, 10);
  const baseEnv = benchServerEnv({ SQLITE_FILE: sqliteFile });
  const seconds = options.durationSeconds;
  const warm = Math.max(2, Math.min(options.warmupSeconds, 5));
  const conns = options.connections[0] ?? 100;
  const manyConns = options.connections.at(-1) ?? 1000;
  const rows: Row[] = [];
  const freshness: { mode: InvalidationMode; result: FreshnessResult; hitRatio: number | undefined }[] = [];
  const api = (workers: number, extra: Record<string, string> = {}) => ({
    ...baseEnv,
    WORKERS: String(workers),
    GATEWAY: 'on',
    CACHE: 'memory',
    ...extra,
  });
  const log = (text: string) => process.stdout.write(text);
  const measure = async (
    label: string,
    baseUrl: string,
    pathsFile: string,
    apiKey: string,
    connections = conns,
    scrape = true,
    startLine = 0,
  ): Promise<Row> => {
    log(`${label}, ${connections} connections… `);
    const before = scrape ? await scrapeCacheCounts(baseUrl).catch(() => undefined) : undefined;
    const load = await runWrk({
      baseUrl,
      pathsFile,
      apiKey,
      connections,
      durationSeconds: seconds,
      startLine,
    });
    const after = before ? await scrapeCacheCounts(baseUrl).catch(() => undefined) : undefined;
    const row: Row = {
      label,
      connections,
      load,
      hitRatio: before && after ? hitRatio(diffCounts(before, after)) : undefined,
    };
    rows.push(row);
    log(
      `${Math.round(load.okPerSecond)} 2xx/s, p99 ${fmt(load.p99)} ms, non-2xx ${load.non2xx}, errors ${load.errors}\n`,
    );
    return row;
  };

  try {
    log(`bench work directory: ${work}\n`);
    await seed(options, baseEnv, startDate, join(work, 'seed.log'));
    const apiKey = await createClientKey(children, CLI, 'bench', baseEnv, join(work, 'keys.log'));
    const hot = await buildMix(options, sqliteFile, startDate, options.hotKeys);
    const hotFile = join(work, 'hot.txt');
    writePaths(hotFile, () => hot.next(), 20_000);
    const zipfFile = join(work, 'zipf.txt');
    const zipf = await buildMix(options, sqliteFile, startDate);
    const zipfPaths = writePaths(zipfFile, () => zipf.next(), 300_000);
    // The Zipf rows: a warm-up from the first line, then the measured window where it stopped, so
    // the window is the stream's continuation (not a replay of the warm-up), with its bound.
    const zipfRow = async (label: string, url: string, scrape: boolean): Promise<void> => {
      const warmup = await runWrk({
        baseUrl: url,
        pathsFile: zipfFile,
        apiKey,
        connections: conns,
        durationSeconds: options.warmupSeconds,
      });
      const startLine = (warmup.lines?.start ?? 0) + (warmup.lines?.sent ?? 0);
      const row = await measure(label, url, zipfFile, apiKey, conns, scrape, startLine);
      if (warmup.lines && row.load.lines) {
        row.firstRequestBound = firstRequestBound(zipfPaths, [warmup.lines], row.load.lines);
        log(
          `  ${warmup.lines.sent} requests of warm-up, ${row.load.lines.sent} measured: first-request bound ${percent(row.firstRequestBound)}, hit ratio ${percent(row.hitRatio)}\n`,
        );
      }
    };
    // 30% misses: every third-or-so request a flight search never asked before (the coldest keys).
    const coldest = [...zipf.flightPaths()].reverse();
    const missMix = await buildMix(options, sqliteFile, startDate, options.hotKeys);
    let cold = 0;
    const missFile = join(work, 'misses.txt');
    writePaths(
      missFile,
      () => (Math.random() < 0.3 ? (coldest[cold++ % coldest.length] as string) : missMix.next()),
      60_000,
    );
    const hotPaths = hot.distinctPaths().slice(0, options.hotKeys);

    // 1. Bare Fastify, small constant JSON: the ceiling of any Node HTTP server here.
    if (options.only !== 'burst')
      await withServer(
        'bare-json',
        ['--import', 'tsx', join(ROOT, 'bench/bare-server.ts')],
        baseEnv,
        work,
        async (url) => {
          await runWrk({ baseUrl: url, pathsFile: hotFile, connections: conns, durationSeconds: 2 });
          await measure('bare Fastify, small constant JSON', url, hotFile, apiKey, conns, false);
        },
      );

    // 2. The API, hot set, one worker; its pages are captured for the bare-pages row; nginx in front of it.
    const pages: Record<string, { body: string; headers: Record<string, string> }> = {};
    await withServer('api-hot-1', [...CLI, 'serve'], api(1), work, async (url, port) => {
      await warmAll(url, hot.distinctPaths(), apiKey, 1);
      await runWrk({ baseUrl: url, pathsFile: hotFile, apiKey, connections: conns, durationSeconds: warm });
      for (const path of hot.distinctPaths()) {
        const response = await fetch(`${url}${path}`, { headers: { 'x-api-key': apiKey } });
        if (response.ok)
          pages[path] = { body: await response.text(), headers: Object.fromEntries(response.headers) };
      }
      if (options.only === 'burst') return;
      await measure('API, hot set (every answer a hit), 1 worker', url, hotFile, apiKey);
      if (!haveNginx) return;
      const nginxPort = await freePort();
      const config = nginxConfig(join(work, 'nginx'), nginxPort, `127.0.0.1:${port}`, 300);
      const nginx = children.start({
        name: 'nginx',
        args: [],
        env: baseEnv,
        logFile: join(work, 'nginx.log'),
        command: 'nginx',
        commandArgs: ['-c', config],
      });
      try {
        const nginxUrl = `http://127.0.0.1:${nginxPort}`;
        await waitUntilReady(`${nginxUrl}/health/live`, nginx, 10_000);
        await runWrk({
          baseUrl: nginxUrl,
          pathsFile: hotFile,
          apiKey,
          connections: conns,
          durationSeconds: warm,
        });
        await measure(
          'nginx proxy_cache (TTL only) in front of the API, hot set',
          nginxUrl,
          hotFile,
          apiKey,
          conns,
          false,
        );
        log('freshness through nginx… ');
        const result = await runFreshness({
          ...FRESHNESS,
          durationSeconds: options.freshnessSeconds,
          baseUrl: url,
          searchUrl: nginxUrl,
          apiKey,
          adminKey: BENCH_ADMIN_API_KEY,
          sqliteFile,
          startDate,
          seed: options.seed,
        });
        freshness.push({ mode: 'nginx-ttl', result, hitRatio: undefined });
        log(`${result.staleAnswers} stale of ${result.searches}\n`);
      } finally {
        await children.stop(nginx);
      }
    });
    // 2b. The same hot set with the front off: every hit through Fastify's hooks, side by side.
    await withServer(
      'api-hot-1-route',
      [...CLI, 'serve'],
      api(1, { SEARCH_FRONT: 'off' }),
      work,
      async (url) => {
        await warmAll(url, hot.distinctPaths(), apiKey, 1);
        await runWrk({ baseUrl: url, pathsFile: hotFile, apiKey, connections: conns, durationSeconds: warm });
        await measure(
          'API, hot set, 1 worker, SEARCH_FRONT=off (every hit through Fastify)',
          url,
          hotFile,
          apiKey,
        );
      },
    );
    const pagesFile = join(work, 'pages.json');
    writeFileSync(pagesFile, JSON.stringify(pages));

    // The connection burst: `manyConns` connections opened at once (wrk connects them all at its
    // start) on bare Fastify sending the API's pages, then on the API serving the same hot set from
    // its cache, back to back. Each server is warmed with `conns` connections first, so the burst's
    // connections are all new: what it measures is accepting them and their first requests.
    const burstRow = async (label: string, name: string, args: string[], env: NodeJS.ProcessEnv) =>
      withServer(name, args, env, work, async (url) => {
        await warmAll(url, hot.distinctPaths(), apiKey, 1);
        await runWrk({ baseUrl: url, pathsFile: hotFile, apiKey, connections: conns, durationSeconds: warm });
        return measure(label, url, hotFile, apiKey, manyConns, false);
      });
    const burstBare = await burstRow(
      `${manyConns.toLocaleString('en')} connections burst: bare Fastify, the same pages pre-serialised`,
      'burst-bare',
      ['--import', 'tsx', join(ROOT, 'bench/bare-pages-server.ts')],
      { ...baseEnv, PAGES_FILE: pagesFile },
    );
    const burstApi = await burstRow(
      `${manyConns.toLocaleString('en')} connections burst: API, hot set, 1 worker`,
      'burst-api',
      [...CLI, 'serve'],
      api(1),
    );
    const burst = burstMarkdown(command, manyConns, seconds, burstApi, burstBare);
    log(`${burst}\n`);
    if (options.only === 'burst') {
      if (options.writeMarkdown) {
        updateMarkdownFile(join(ROOT, 'BENCHMARKS.md'), new Map([[BURST_SECTION, burst]]));
        log('BENCHMARKS.md updated (connection burst)\n');
      }
      return;
    }

    // 3. Bare Fastify sending the same pages pre-serialised: the cost of the bytes alone — the bodies
    // only (the ratio column's base), then the bodies with the headers the API sent with them.
    let pagesRow: Row | undefined;
    await withServer(
      'bare-pages',
      ['--import', 'tsx', join(ROOT, 'bench/bare-pages-server.ts')],
      { ...baseEnv, PAGES_FILE: pagesFile },
      work,
      async (url) => {
        await runWrk({ baseUrl: url, pathsFile: hotFile, connections: conns, durationSeconds: 2 });
        pagesRow = await measure(
          'bare Fastify, the same pages pre-serialised',
          url,
          hotFile,
          apiKey,
          conns,
          false,
        );
      },
    );
    await withServer(
      'bare-pages-headers',
      ['--import', 'tsx', join(ROOT, 'bench/bare-pages-server.ts')],
      { ...baseEnv, PAGES_FILE: pagesFile, PAGES_WITH_HEADERS: 'true' },
      work,
      async (url) => {
        await runWrk({ baseUrl: url, pathsFile: hotFile, connections: conns, durationSeconds: 2 });
        await measure(
          "bare Fastify, the same pages with the API's headers (security, cache, rate limit)",
          url,
          hotFile,
          apiKey,
          conns,
          false,
        );
      },
    );

    // 4. The Zipf mix and 30% misses, one worker.
    await withServer('api-zipf-1', [...CLI, 'serve'], api(1), work, (url) =>
      zipfRow('API, Zipf mix, 1 worker', url, true),
    );
    await withServer('api-misses-1', [...CLI, 'serve'], api(1), work, async (url) => {
      await warmAll(url, hot.distinctPaths(), apiKey, 1);
      await runWrk({ baseUrl: url, pathsFile: hotFile, apiKey, connections: conns, durationSeconds: warm });
      const stopProbe = hitProbe(url, hotPaths, apiKey, 20);
      const row = await measure('API, 30% misses, 1 worker', url, missFile, apiKey);
      row.hitProbe = await stopProbe();
      log(
        `  hit probe meanwhile: p50 ${fmt(row.hitProbe.p50)} ms, p99 ${fmt(row.hitProbe.p99)} ms (${row.hitProbe.count})\n`,
      );
    });

    // 5. Two worker processes.
    await withServer('api-hot-2', [...CLI, 'serve'], api(2), work, async (url) => {
      await warmAll(url, hot.distinctPaths(), apiKey, 4);
      await runWrk({ baseUrl: url, pathsFile: hotFile, apiKey, connections: conns, durationSeconds: warm });
      await measure('API, hot set, 2 workers', url, hotFile, apiKey, conns, false);
    });
    await withServer('api-zipf-2', [...CLI, 'serve'], api(2), work, (url) =>
      zipfRow('API, Zipf mix, 2 workers', url, false),
    );

    // 6. A Redis outage under cache, limiter and bus (a Redis the bench starts and kills).
    const redisPort = await freePort();
    const redisArgs = [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ];
    const startRedis = async () => {
      const redis = children.start({
        name: 'redis',
        args: [],
        env: baseEnv,
        logFile: join(work, 'redis.log'),
        command: 'redis-server',
        commandArgs: redisArgs,
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      return redis;
    };
    let redis = await startRedis();
    const redisEnv = api(1, {
      CACHE: 'redis',
      RATE_LIMITER: 'redis',
      EVENT_BUS: 'redis',
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    try {
      await withServer('api-redis', [...CLI, 'serve'], redisEnv, work, async (url) => {
        await warmAll(url, hot.distinctPaths(), apiKey, 1);
        await runWrk({ baseUrl: url, pathsFile: hotFile, apiKey, connections: conns, durationSeconds: warm });
        await measure('API on Redis (cache, limiter, bus), hot set, Redis up', url, hotFile, apiKey);
        await children.stop(redis);
        await measure('… Redis down (killed)', url, hotFile, apiKey);
        redis = await startRedis();
        await new Promise((resolve) => setTimeout(resolve, 5000));
        await measure('… Redis back (5 s after restart)', url, hotFile, apiKey);
      });
    } finally {
      await children.stop(redis);
    }

    // 7. Freshness: event invalidation against TTL only, in the API itself.
    for (const mode of ['events', 'ttl-only'] as const) {
      await withServer(
        `freshness-${mode}`,
        [...CLI, 'serve'],
        api(1, { CACHE_INVALIDATION: mode }),
        work,
        async (url) => {
          log(`freshness, ${mode}… `);
          const before = await scrapeCacheCounts(url);
          const result = await runFreshness({
            ...FRESHNESS,
            durationSeconds: options.freshnessSeconds,
            baseUrl: url,
            apiKey,
            adminKey: BENCH_ADMIN_API_KEY,
            sqliteFile,
            startDate,
            seed: options.seed,
          });
          freshness.unshift({
            mode,
            result,
            hitRatio: hitRatio(diffCounts(before, await scrapeCacheCounts(url))),
          });
          log(
            `${result.staleAnswers} stale of ${result.searches} (${result.staleAfterDelay} after the delay)\n`,
          );
        },
      );
    }
    freshness.sort(
      (a, b) =>
        ['events', 'ttl-only', 'nginx-ttl'].indexOf(a.mode) -
        ['events', 'ttl-only', 'nginx-ttl'].indexOf(b.mode),
    );

    const scaling =
      options.scaling.length > 0 && !options.freshnessOnly
        ? await scalingSection(options, command, false)
        : '';
    const table = rowsMarkdown(rows, pagesRow);
    const probe = rows.find((row) => row.hitProbe !== undefined)?.hitProbe;
    const freshnessSection = freshnessMarkdown(
      command,
      { ...FRESHNESS, durationSeconds: options.freshnessSeconds, seed: options.seed },
      freshness,
    );
    process.stdout.write(`\n${table}\n\n${freshnessSection}\n`);
    const resultsDir = join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    writeFileSync(
      join(resultsDir, `${stamp}.json`),
      `${JSON.stringify({ startedAt, command, machine: machineInfo(), options, rows, freshness }, null, 2)}\n`,
    );
    writeFileSync(
      CHART_FILE,
      barChartSvg(
        rows.map((row) => ({
          label: `${row.label} (${row.connections})`,
          okPerSecond: row.load.okPerSecond,
          p99Ms: row.load.p99,
        })),
        `npm run bench, ${startedAt.slice(0, 16)} UTC: 2xx/s and p99 per row (connections)`,
      ),
    );
    if (options.writeMarkdown) {
      const intro = [
        `Run ${startedAt} with \`${command}\` on ${machineInfo()}.`,
        `Each row: one server process, loaded by \`wrk -t1\` in its own process for ${seconds} s after a warm-up; the API rows run \`serve\` with the \`npm start\` defaults (gateway on: API key, rate limit, metering; memory cache; log level info; one search thread) and a partner key whose plan is never reached.`,
        `Inventory: ${options.airports} airports × ${options.days} days (seed ${options.seed}). Hot set: the ${options.hotKeys} hottest flight keys of the Zipf mix plus a quarter as many hotel and location keys. Zipf mix: 75% flights Zipf(s=${options.skew}) over ${zipf.shape.flightKeys} keys, 15% hotels over ${zipf.shape.hotelKeys}, 10% locations over ${zipf.shape.locationKeys}. 30% misses: the hot set with 30% of requests replaced by flight searches never asked before.`,
        "wrk runs on the same 2 cores as the server: absolute figures move from run to run and with other load on the machine; compare rows of one run. Latency percentiles are of all answers (wrk does not split them by status); hit ratio is from the server's /metrics over the measured window (one-worker rows only).",
        `Zipf rows: the warm-up sends the paths file from its first line and the measured window goes on from the line where the warm-up stopped (wrk.lua reports which lines it sent), so the window is the stream's continuation. Its **first-request bound** is the share of the window's requests whose path was already asked by that server's warm-up or earlier in the window: the best hit ratio any cache could reach without knowing anything from before the warm-up, because the first request of a key has to be computed. With ${(zipf.shape.flightKeys + zipf.shape.hotelKeys + zipf.shape.locationKeys).toLocaleString('en')} keys and a few thousand requests per row, that bound is far below 90%; a hit ratio above it comes from prewarming what earlier servers on the same store saw (PREWARM_SEARCHES) or a configured list (PREWARM_ROUTES).`,
        probe
          ? `Hits while 30% of requests miss (a sequential probe of hot-set URLs during that row): p50 ${fmt(probe.p50)} ms, p99 ${fmt(probe.p99)} ms over ${probe.count} hits.`
          : '',
        '',
        table,
        '',
        '![2xx/s and p99 per row](bench/chart.svg)',
      ].join('\n');
      updateMarkdownFile(
        join(ROOT, 'BENCHMARKS.md'),
        new Map([
          ['Cached search, misses, workers and Redis outage', intro],
          ['Freshness under changing fares', freshnessSection],
          [BURST_SECTION, burst],
          ...(scaling ? ([[SCALING_SECTION, scaling]] as [string, string][]) : []),
        ]),
      );
      log('BENCHMARKS.md and bench/chart.svg updated\n');
    }
  } finally {
    await children.stopAll();
    if (!process.env.BENCH_KEEP_WORK) rmSync(work, { recursive: true, force: true });
  }
}

// Ctrl-C or a kill must not leave servers behind to skew the next run.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the benchmark's servers\n`);
    children.stopAll().finally(() => process.exit(130));
  });
}
process.once('exit', () => children.killAllNow());

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof Error && /is invalid|Unknown option/.test(error.message))
    process.stderr.write(`\n${USAGE}\n`);
  process.exitCode = 1;
});
