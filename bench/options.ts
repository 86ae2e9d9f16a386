import { parseArgs } from 'node:util';

/** What one `npm run bench` measures and how; every flag also has a BENCH_* environment variable. */
export interface BenchOptions {
  /** Measured seconds per target and connection count. */
  durationSeconds: number;
  /** Seconds of the same load before each measurement, not measured (fills the caches). */
  warmupSeconds: number;
  /** Concurrent client connections, one measurement each. */
  connections: number[];
  /** Zipf exponent of the request mix: higher means fewer, hotter routes. */
  skew: number;
  /** Seed of the request mix (and of the demo inventory). */
  seed: number;
  /** Demo inventory size. */
  airports: number;
  days: number;
  /** Flight keys of the hot-set rows (hotel and location keys: a quarter as many). */
  hotKeys: number;
  /** A smoke run: small inventory, short runs, BENCHMARKS.md left alone. */
  quick: boolean;
  /** Update BENCHMARKS.md with the table. */
  writeMarkdown: boolean;
  /** Redis of the redis-cache row. */
  redisUrl: string;
  /** Seconds of each freshness row (fares changing under search load). */
  freshnessSeconds: number;
  /** Run only the freshness scenario. */
  freshnessOnly: boolean;
  /** Airports of each world of the uncached-search scaling table (empty: no table). */
  scaling: number[];
  /** Run one section only: the scaling table, or the 1,000-connection burst rows. */
  only?: 'scaling' | 'burst';
}

export const USAGE = `usage: npm run bench -- [options]

  --duration S       measured seconds per row (BENCH_DURATION, default 10)
  --warmup S         unmeasured warm-up seconds before each row (BENCH_WARMUP, default 10)
  --connections L    comma-separated connection counts (BENCH_CONNECTIONS, default 100,1000)
  --skew X           Zipf exponent of the request mix (BENCH_SKEW, default 1.1)
  --seed N           seed of the request mix and the demo inventory (BENCH_SEED, default 42)
  --airports N       demo inventory airports (BENCH_AIRPORTS, default 150)
  --days N           demo inventory days (BENCH_DAYS, default 30)
  --hot-keys N       flight keys of the hot-set (all-cached) rows (BENCH_HOT_KEYS, default 200)
  --quick            smoke run: 3 s rows, 2 s warm-up, 10 and 100 connections, 30 airports
                     × 5 days; BENCHMARKS.md is not touched
  --no-markdown      do not update BENCHMARKS.md
  --redis URL        Redis of the redis-cache row (REDIS_URL, default redis://127.0.0.1:6379)
  --freshness S      seconds of each freshness row (BENCH_FRESHNESS, default 20)
  --freshness-only   run only the freshness scenario
  --only SECTION     run one section and update only its part of BENCHMARKS.md: scaling (the
                     uncached-search table) or burst (1,000 connections at once, API and bare Fastify)
  --scaling L        airports of each world of the uncached-search scaling table, 30 days each,
                     seeded once into $TMPDIR/tp-worlds (BENCH_SCALING, default 300,1000,3000;
                     none with --quick; 0 skips it)`;

const positive = (name: string, raw: string, integer: boolean): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(
      `--${name}=${JSON.stringify(raw)} is invalid: expected a positive ${integer ? 'integer' : 'number'}`,
    );
  }
  return value;
};

/** Flags first, then BENCH_* variables, then the defaults (or the --quick ones). */
export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      skew: { type: 'string' },
      seed: { type: 'string' },
      airports: { type: 'string' },
      days: { type: 'string' },
      'hot-keys': { type: 'string' },
      quick: { type: 'boolean', default: false },
      'no-markdown': { type: 'boolean', default: false },
      redis: { type: 'string' },
      freshness: { type: 'string' },
      'freshness-only': { type: 'boolean', default: false },
      scaling: { type: 'string' },
      only: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick || env.BENCH_QUICK === 'true';
  const pick = (flag: string | undefined, variable: string, normal: string, smoke: string): string =>
    flag ?? env[variable] ?? (quick ? smoke : normal);
  const connections = pick(values.connections, 'BENCH_CONNECTIONS', '100,1000', '10,100')
    .split(',')
    .map((raw) => positive('connections', raw.trim(), true));
  const only = values.only ?? env.BENCH_ONLY;
  if (only !== undefined && only !== 'scaling' && only !== 'burst')
    throw new Error(`--only=${JSON.stringify(only)} is invalid: expected scaling or burst`);
  return {
    ...(only ? { only } : {}),
    durationSeconds: positive('duration', pick(values.duration, 'BENCH_DURATION', '10', '3'), true),
    warmupSeconds: positive('warmup', pick(values.warmup, 'BENCH_WARMUP', '10', '2'), true),
    connections,
    skew: positive('skew', pick(values.skew, 'BENCH_SKEW', '1.1', '1.1'), false),
    seed: positive('seed', pick(values.seed, 'BENCH_SEED', '42', '42'), true),
    airports: positive('airports', pick(values.airports, 'BENCH_AIRPORTS', '150', '30'), true),
    days: positive('days', pick(values.days, 'BENCH_DAYS', '30', '5'), true),
    hotKeys: positive('hot-keys', pick(values['hot-keys'], 'BENCH_HOT_KEYS', '200', '40'), true),
    quick,
    writeMarkdown: !quick && !values['no-markdown'],
    redisUrl: values.redis ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    freshnessSeconds: positive('freshness', pick(values.freshness, 'BENCH_FRESHNESS', '20', '5'), true),
    freshnessOnly: values['freshness-only'] ?? false,
    scaling: pick(values.scaling, 'BENCH_SCALING', '300,1000,3000', '0')
      .split(',')
      .map((raw) => Number(raw.trim()))
      .filter((airports) => airports > 0)
      .map((airports) => positive('scaling', String(airports), true)),
  };
}
