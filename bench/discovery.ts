/**
 * Flight Inspiration and Cheapest Date against a cached Amadeus flight search: seeds a fresh SQLite
 * store with the demo inventory, then times each over real HTTP with a bearer token, as the official
 * SDK sends them (memory cache, the `npm start` defaults otherwise): the first answer of each origin
 * or route (aggregates computed from the store), then the same questions again (cached), beside the
 * same number of repeated flight-offers searches (cached).
 *
 *   npx tsx bench/discovery.ts [--airports 150] [--days 60] [--origins 20] [--repeats 20]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedInventory } from '../src/cli/commands/seed.js';
import { createPlatform } from '../src/composition/platform.js';
import { loadConfig } from '../src/config.js';
import { buildApp } from '../src/http/app.js';

const { values } = parseArgs({
  options: {
    airports: { type: 'string', default: '150' },
    days: { type: 'string', default: '60' },
    origins: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '20' },
  },
});
const dir = mkdtempSync(join(tmpdir(), 'tp-bench-'));
const config = loadConfig({
  SQLITE_FILE: join(dir, 'bench.db'),
  LOG_LEVEL: 'silent',
  ADMIN_API_KEY: 'bench-admin-key-that-is-long-enough-000',
  MAX_EVENT_LOOP_DELAY_MS: '0',
  SEED_ON_START: 'false',
});
const platform = await createPlatform(config);
const startDate = new Date().toISOString().slice(0, 10);
const seeded = await seedInventory(
  platform.store,
  platform.airports,
  { airports: Number(values.airports), days: Number(values.days), seed: 42, startDate },
  process.stdout,
);
const app = await buildApp({ services: platform.services, gateway: platform.gateway.options });
await platform.start();
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const issued = await platform.gateway.options.keys.issue({
  name: 'bench',
  overrides: { rateLimit: 1e6, burstLimit: 1e6, dailyQuota: 1e9 },
});
const token = (await (
  await fetch(`${base}/v1/security/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `grant_type=client_credentials&client_id=${issued.record.id}&client_secret=${encodeURIComponent(issued.key)}`,
  })
).json()) as { access_token: string };

const date = (days: number): string =>
  new Date(Date.parse(startDate) + days * 86_400_000).toISOString().slice(0, 10);

async function time(path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`, {
    headers: { authorization: `Bearer ${token.access_token}` },
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
  return performance.now() - started;
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

// The busiest origins (most routes): the inspiration questions with the most aggregates behind them.
const routes = await platform.store.listRoutes();
const routeCount = new Map<string, number>();
for (const route of routes) routeCount.set(route.origin, (routeCount.get(route.origin) ?? 0) + 1);
const origins = [...routeCount.entries()]
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(values.origins))
  .map(([origin]) => origin);
const firstRoute = (origin: string) => routes.find((r) => r.origin === origin)?.destination ?? origin;

const questions = {
  'Flight Inspiration, one-way, 30 days': (o: string) =>
    `/v1/shopping/flight-destinations?origin=${o}&departureDate=${date(1)},${date(30)}&oneWay=true`,
  'Flight Inspiration, round trips (defaults: 180 days, 1–15 day stays)': (o: string) =>
    `/v1/shopping/flight-destinations?origin=${o}`,
  'Flight Cheapest Date, round trips (defaults)': (o: string) =>
    `/v1/shopping/flight-dates?origin=${o}&destination=${firstRoute(o)}`,
  'Flight Offers Search (GET), one-way': (o: string) =>
    `/v2/shopping/flight-offers?originLocationCode=${o}&destinationLocationCode=${firstRoute(o)}&departureDate=${date(3)}&adults=1&max=50`,
};

const rows: string[] = [];
for (const [label, pathOf] of Object.entries(questions)) {
  const first: number[] = [];
  for (const origin of origins) first.push(await time(pathOf(origin)));
  const cached: number[] = [];
  for (let i = 0; i < Number(values.repeats); i++) {
    for (const origin of origins) cached.push(await time(pathOf(origin)));
  }
  first.sort((a, b) => a - b);
  cached.sort((a, b) => a - b);
  rows.push(
    `| ${label} | ${first.length} | ${percentile(first, 50).toFixed(1)} | ${percentile(first, 99).toFixed(1)} | ${cached.length} | ${percentile(cached, 50).toFixed(2)} | ${percentile(cached, 99).toFixed(2)} |`,
  );
}

process.stdout.write(
  `\nseeded ${values.airports} airports × ${values.days} days (${seeded.flights} flights); ` +
    `${origins.length} busiest origins (${origins.map((o) => routeCount.get(o)).join(', ')} routes each)\n\n` +
    '| question (sequential, real HTTP, bearer token) | first asks | first p50 ms | first p99 ms | cached asks | cached p50 ms | cached p99 ms |\n' +
    '|---|---:|---:|---:|---:|---:|---:|\n' +
    `${rows.join('\n')}\n`,
);
await app.close();
await platform.close();
rmSync(dir, { recursive: true, force: true });
