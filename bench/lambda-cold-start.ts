/**
 * `npm run bench:lambda`: the API bundle's size and its cold start as measured on this machine —
 * a fresh Node process loads dist-lambda/api/index.mjs and answers its first search event, on
 * dynalite (the DynamoDB store) and the local Redis. Prints one JSON line per run.
 *
 *   npm run bench:lambda [-- --runs 3] [-- --node /path/to/node] [-- --compare <other bundle folder>]
 *     [-- --profile <dir>: a CPU profile of each run] [-- --readable: unminified, for profiles]
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { buildLambda, bundleSize } from '../scripts/build-lambda.js';
import { createPlatform } from '../src/composition/platform.js';
import { loadConfig } from '../src/config.js';
import { generateDemoInventory } from '../src/core/demo-inventory/generate.js';
import { startDynalite, uniqueTableName } from '../test/helpers/dynalite.js';
import { lambdaContext, restProxyEvent } from '../test/helpers/lambda-events.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string' },
    node: { type: 'string' },
    profile: { type: 'string' },
    readable: { type: 'boolean' },
    compare: { type: 'string' },
  },
});
const runs = Number(values.runs ?? 3);
const node = values.node ?? process.execPath;

const bundleDir = await buildLambda('api', { readable: values.readable === true });
const size = bundleSize(bundleDir);
const dynamo = await startDynalite();
const adminKey = `bench-admin-${randomUUID()}`;
const env = {
  STORE: 'dynamodb',
  DYNAMODB_TABLE: uniqueTableName(),
  DYNAMODB_ENDPOINT: dynamo.endpoint,
  DYNAMODB_CREATE_TABLE: 'true',
  DYNAMODB_BOOKING_WRITES: 'conditional',
  CACHE: 'redis',
  // As the stack sets them for the Lambdas.
  CACHE_LOCAL_TIER: 'off',
  CACHE_WARM_MIN_REQUESTS: '0',
  PREWARM_SEARCHES: '0',
  CACHE_KEY_PREFIX: `bench:${randomUUID()}:`,
  RATE_LIMITER: 'redis',
  EVENT_BUS: 'eventbridge',
  EVENT_BUS_NAME: 'bench',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench',
  ADMIN_API_KEY: adminKey,
  LOG_LEVEL: 'silent',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
};
const platform = await createPlatform(loadConfig(env));
const startDate = new Date().toISOString().slice(0, 10);
await generateDemoInventory(platform.airports.all(), platform.store, {
  airports: 20,
  days: 4,
  seed: 7,
  startDate,
});
const { key } = await platform.gateway.options.keys.issue({ name: 'bench', plan: 'partner' });
await platform.close();

const departureDate = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
const event = restProxyEvent({
  method: 'GET',
  path: '/v1/flights/search',
  query: { origin: 'LHR', destination: 'JFK', departureDate, adults: '1' },
  headers: { 'x-api-key': key },
});
const eventFile = join(tmpdir(), `cold-start-event-${randomUUID()}.json`);
writeFileSync(eventFile, JSON.stringify({ event, context: lambdaContext('travel-platform-api') }));

// Runs in the fresh process: performance.now() counts from that process's start.
const probe = `
const { readFileSync } = await import('node:fs');
const { event, context } = JSON.parse(readFileSync(${JSON.stringify(eventFile)}, 'utf8'));
context.getRemainingTimeInMillis = () => 29000;
const loadStart = performance.now();
const { handler } = await import(process.env.COLD_START_BUNDLE);
const loaded = performance.now();
const first = await handler(event, context);
const answered = performance.now();
const cpu = process.cpuUsage();
const second = await handler(event, context);
const warm = performance.now() - answered;
process.stdout.write(JSON.stringify({ node: process.version, bundle: process.env.COLD_START_BUNDLE, status: first.statusCode, cache: first.headers['x-cache'],
  secondCache: second.headers['x-cache'], processStartToLoadMs: Math.round(loadStart), loadMs: Math.round(loaded - loadStart),
  firstInvocationMs: Math.round(answered - loaded), coldStartMs: Math.round(answered), coldStartCpuMs: Math.round((cpu.user + cpu.system) / 1000), warmInvocationMs: Math.round(warm) }) + '\\n');
process.exit(0);
`;
process.stdout.write(
  `${JSON.stringify({ bundle: 'api', rawMiB: +(size.rawBytes / 1048576).toFixed(2), zippedMiB: +(size.zippedBytes / 1048576).toFixed(2) })}\n`,
);
// --compare <folder>: another build of the API bundle (e.g. the previous commit's), run alternately
// with this one so both see the same machine load.
const bundles = [
  join(bundleDir, 'index.mjs'),
  ...(values.compare ? [join(values.compare, 'index.mjs')] : []),
];
for (let run = 0; run < runs * bundles.length; run++) {
  // A new cache prefix per run, so each cold start also misses the cache, as after a deployment.
  // Asynchronous: dynalite answers from this process's event loop.
  const profiling = values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : [];
  const result = await promisify(execFile)(node, [...profiling, '--input-type=module', '-e', probe], {
    env: {
      ...process.env,
      ...env,
      CACHE_KEY_PREFIX: `bench:${randomUUID()}:`,
      COLD_START_BUNDLE: bundles[run % bundles.length],
      // As the stack deploys it: the table exists (created above) and belongs to the stack.
      DYNAMODB_CREATE_TABLE: 'false',
    },
    encoding: 'utf8',
    timeout: 60_000,
  }).catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: error.stdout ?? '',
    stderr: error.stderr ?? '',
  }));
  const line = result.stdout.split('\n').find((l) => l.startsWith('{"node"'));
  process.stdout.write(`${line ?? `failed: ${result.stdout.slice(-1500)} ${result.stderr.slice(-1500)}`}\n`);
}
await dynamo.close();
