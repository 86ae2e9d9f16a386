import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { loadAirportDirectory } from '../src/adapters/airports/openflights.js';
import { openSqliteDatabase } from '../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../src/adapters/store/sqlite/inventory-store.js';
import { ChildProcesses, waitUntilReady } from './child-processes.js';
import { type FreshnessResult, freshnessMarkdown, type InvalidationMode, runFreshness } from './freshness.js';
import { runLoad } from './load.js';
import { type BenchOptions, parseBenchOptions, USAGE } from './options.js';
import {
  type BenchRun,
  consoleTable,
  markdownSections,
  type RowResult,
  TARGET_LABELS,
  type TargetName,
  updateMarkdownFile,
  writeResults,
} from './report.js';
import { RequestMix } from './request-mix.js';
import { diffCounts, hitRatio, scrapeCacheCounts } from './scrape.js';

/**
 * `npm run bench`: seeds one demo inventory, then starts each target as its own process on its
 * own port — the bare Fastify ceiling, the API without cache, with the memory cache, with the
 * Redis cache, and with the memory cache behind the gateway — and loads each with the same
 * Zipf-distributed search mix at every connection count. Prints the table, writes the raw
 * results to bench/results/ and the table to BENCHMARKS.md.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
/** A fixed admin credential, so the API processes do not mint (and print) development keys. */
const ADMIN_API_KEY = 'bench-admin-key-not-secret-0000000000000';

interface TargetSpec {
  name: TargetName;
  mix: RequestMix;
  args: string[];
  env: Record<string, string>;
}

const children = new ChildProcesses();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function redisReachable(url: string): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${url} is unreachable (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    client.disconnect();
  }
}

/** Drops what the redis row left in Redis; its entries would expire anyway, this just tidies. */
async function removeRedisKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    for await (const keys of client.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<
      string[]
    >) {
      if (keys.length > 0) await client.unlink(...keys);
    }
  } catch {
    // Best effort.
  } finally {
    client.disconnect();
  }
}

function machineInfo(): BenchRun['machine'] {
  const list = cpus();
  return {
    node: process.version,
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown CPU',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    platform: `${platform()} ${release()}`,
  };
}

async function seed(options: BenchOptions, env: NodeJS.ProcessEnv, startDate: string, logFile: string) {
  const started = performance.now();
  const output = await children.run({
    name: 'seed',
    args: [
      ...CLI,
      'seed',
      `--airports=${options.airports}`,
      `--days=${options.days}`,
      `--seed=${options.seed}`,
      `--start-date=${startDate}`,
    ],
    env,
    logFile,
  });
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  process.stdout.write(`${output.trim().split('\n').at(-1)}\nseed command took ${seconds} s\n`);
  return seconds;
}

async function createClientKey(env: NodeJS.ProcessEnv, logFile: string): Promise<string> {
  // A plan no benchmark reaches: the gateway row measures the cost of checking limits, not of hitting them.
  const output = await children.run({
    name: 'keys create',
    args: [
      ...CLI,
      'keys',
      'create',
      '--name=bench',
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

async function buildMix(
  options: BenchOptions,
  sqliteFile: string,
  startDate: string,
  hotKeys?: number,
): Promise<RequestMix> {
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

async function measureTarget(
  spec: TargetSpec,
  options: BenchOptions,
  apiKey: string,
  baseEnv: NodeJS.ProcessEnv,
  logDir: string,
): Promise<RowResult[]> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = join(logDir, `${spec.name.replace('/', '-')}.log`);
  const child: ChildProcess = children.start({
    name: spec.name,
    args: spec.args,
    env: { ...baseEnv, ...spec.env, PORT: String(port) },
    logFile,
  });
  const rows: RowResult[] = [];
  try {
    await waitUntilReady(`${baseUrl}/health/live`, child);
    // One stream per target, carried from warm-up into measurement: replaying the warm-up's
    // own sequence would measure the keys it just cached and flatter the hit ratio.
    const nextPath = () => spec.mix.next();
    const client = { baseUrl, nextPath, headers: { 'x-api-key': apiKey } };
    for (const connections of options.connections) {
      process.stdout.write(`${TARGET_LABELS[spec.name]}, ${connections} connections: warm-up… `);
      await runLoad({ ...client, connections, durationSeconds: options.warmupSeconds });
      const before = spec.name === 'bare' ? undefined : await scrapeCacheCounts(baseUrl);
      process.stdout.write('measuring… ');
      const load = await runLoad({ ...client, connections, durationSeconds: options.durationSeconds });
      const cache = before === undefined ? undefined : diffCounts(before, await scrapeCacheCounts(baseUrl));
      rows.push({
        target: spec.name,
        connections,
        load,
        cache,
        hitRatio: cache === undefined ? undefined : hitRatio(cache),
        ratioToBare: undefined,
      });
      process.stdout.write(
        `${Math.round(load.okPerSecond)} 2xx/s (${Math.round(load.requestsPerSecond)} req/s), p99 ${load.p99.toFixed(1)} ms\n`,
      );
    }
  } catch (error) {
    throw new Error(
      `${spec.name}: ${error instanceof Error ? error.message : String(error)} (server log: ${logFile})`,
    );
  } finally {
    await children.stop(child);
  }
  return rows;
}

/** The freshness scenario against one API process in the given invalidation mode. */
async function measureFreshness(
  mode: InvalidationMode,
  options: BenchOptions,
  apiKey: string,
  baseEnv: NodeJS.ProcessEnv,
  logDir: string,
  startDate: string,
): Promise<{ mode: InvalidationMode; result: FreshnessResult; hitRatio: number | undefined }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = children.start({
    name: `freshness-${mode}`,
    args: [...CLI, 'serve'],
    env: { ...baseEnv, CACHE: 'memory', GATEWAY: 'on', CACHE_INVALIDATION: mode, PORT: String(port) },
    logFile: join(logDir, `freshness-${mode}.log`),
  });
  try {
    await waitUntilReady(`${baseUrl}/health/live`, child);
    process.stdout.write(`freshness, ${mode}: measuring… `);
    const before = await scrapeCacheCounts(baseUrl);
    const result = await runFreshness({
      ...FRESHNESS,
      durationSeconds: options.freshnessSeconds,
      baseUrl,
      apiKey,
      adminKey: ADMIN_API_KEY,
      sqliteFile: baseEnv.SQLITE_FILE as string,
      startDate,
      seed: options.seed,
    });
    const cache = diffCounts(before, await scrapeCacheCounts(baseUrl));
    process.stdout.write(
      `${result.staleAnswers} stale of ${result.searches} answers (${result.staleAfterDelay} after the delay)\n`,
    );
    return { mode, result, hitRatio: hitRatio(cache) };
  } finally {
    await children.stop(child);
  }
}

/** The freshness scenario's load: enough concurrency to keep the cache busy, a hot set it can hold. */
const FRESHNESS = { concurrency: 16, updatesPerSecond: 20, searches: 40, deliveryDelayMs: 100 };

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const work = mkdtempSync(join(tmpdir(), 'tp-bench-'));
  const sqliteFile = join(work, 'inventory.db');
  const cacheKeyPrefix = `tp-bench-${stamp}-${process.pid}`;
  const startDate = startedAt.slice(0, 10);
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    SQLITE_FILE: sqliteFile,
    SEED_ON_START: 'false',
    LOG_LEVEL: 'warn',
    ADMIN_API_KEY,
    RATE_LIMITER: 'memory',
    REDIS_URL: options.redisUrl,
    CACHE_KEY_PREFIX: cacheKeyPrefix,
  };
  try {
    process.stdout.write(`bench work directory (SQLite file, server logs): ${work}\n`);
    const seedSeconds = await seed(options, baseEnv, startDate, join(work, 'seed.log'));
    const apiKey = await createClientKey(baseEnv, join(work, 'keys.log'));
    // Each target gets its own stream of the mix, so every target sees the same requests.
    const zipf = () => buildMix(options, sqliteFile, startDate);
    const hot = () => buildMix(options, sqliteFile, startDate, options.hotKeys);
    const mix = await zipf();

    const api = (cache: string, gateway: 'on' | 'off'): Pick<TargetSpec, 'args' | 'env'> => ({
      args: [...CLI, 'serve'],
      env: { CACHE: cache, GATEWAY: gateway },
    });
    const targets: TargetSpec[] = [
      { name: 'bare', mix, args: ['--import', 'tsx', join(ROOT, 'bench/bare-server.ts')], env: {} },
      { name: 'none', mix: await zipf(), ...api('none', 'off') },
      { name: 'memory', mix: await zipf(), ...api('memory', 'off') },
      { name: 'redis', mix: await zipf(), ...api('redis', 'off') },
      { name: 'memory+gateway', mix: await zipf(), ...api('memory', 'on') },
      { name: 'memory/hot', mix: await hot(), ...api('memory', 'off') },
      { name: 'memory+gateway/hot', mix: await hot(), ...api('memory', 'on') },
    ];
    const run: BenchRun = {
      startedAt,
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: machineInfo(),
      options,
      seedSeconds,
      mix: mix.shape,
      rows: [],
      skipped: [],
    };
    const redisProblem = await redisReachable(options.redisUrl);
    for (const spec of options.freshnessOnly ? [] : targets) {
      if (spec.name === 'redis' && redisProblem) {
        run.skipped.push({ target: 'redis', reason: redisProblem });
        continue;
      }
      run.rows.push(...(await measureTarget(spec, options, apiKey, baseEnv, work)));
    }
    const freshness = [];
    for (const mode of ['events', 'ttl-only'] as const) {
      freshness.push(await measureFreshness(mode, options, apiKey, baseEnv, work, startDate));
    }
    const freshnessSection = freshnessMarkdown(
      run.command,
      { ...FRESHNESS, durationSeconds: options.freshnessSeconds, seed: options.seed },
      freshness,
    );
    for (const row of run.rows) {
      const bare = run.rows.find((r) => r.target === 'bare' && r.connections === row.connections);
      row.ratioToBare = bare ? row.load.okPerSecond / bare.load.okPerSecond : undefined;
    }

    process.stdout.write(`\n${options.freshnessOnly ? '' : consoleTable(run)}\n\n${freshnessSection}\n`);
    const resultsDir = join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const resultsFile = join(resultsDir, `${stamp}.json`);
    writeResults(resultsFile, { ...run, freshness });
    process.stdout.write(`\nraw results: ${resultsFile}\n`);
    if (options.writeMarkdown) {
      updateMarkdownFile(
        join(ROOT, 'BENCHMARKS.md'),
        new Map([
          ...(options.freshnessOnly ? [] : markdownSections(run)),
          ['Freshness under changing fares', freshnessSection],
        ]),
      );
      process.stdout.write('BENCHMARKS.md updated\n');
    }
  } finally {
    await children.stopAll();
    if (!process.env.BENCH_KEEP_WORK) rmSync(work, { recursive: true, force: true });
    await removeRedisKeys(options.redisUrl, cacheKeyPrefix);
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
