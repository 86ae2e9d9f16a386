import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_ADMIN_API_KEY, benchServerEnv, createClientKey, seedInventory } from '../bench/bench-setup.js';
import { type ChildProcesses, waitUntilReady } from '../bench/child-processes.js';
import { bookingBody, passengersFor } from '../test/helpers/bookings.js';
import { randomPort } from '../test/helpers/redis-server.js';
import { type Answer, send } from './http-load.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** `travel-platform` from the sources, as `npm run dev` runs it. */
export const CLI = ['--import', 'tsx', join(ROOT, 'src/cli/main.ts')];
export { BENCH_ADMIN_API_KEY as ADMIN_KEY };

/** A store seeded through the CLI, with a client key and a traveller's bearer token. */
export interface SeededStore {
  /** The server environment (store, admin key, no seeding at start) to add per-process settings to. */
  env: NodeJS.ProcessEnv;
  apiKey: string;
  token: string;
  /** The seeded day `days` after today. */
  date(days: number): string;
}

/** Seeds `storeEnv`'s store (30 airports × 5 days) and issues a partner key and a token, all through the CLI. */
export async function seedStore(
  children: ChildProcesses,
  storeEnv: NodeJS.ProcessEnv,
  workDir: string,
): Promise<SeededStore> {
  const env = benchServerEnv({ LOG_LEVEL: 'warn', ...storeEnv });
  const logFile = join(workDir, 'setup.log');
  const startDate = new Date().toISOString().slice(0, 10);
  await seedInventory(children, CLI, { airports: 30, days: 5, seed: 7, startDate }, env, logFile);
  const apiKey = await createClientKey(children, CLI, 'chaos client', env, logFile);
  const token = (
    await children.run({
      name: 'token',
      args: [...CLI, 'token', '--sub', 'chaos', '--ttl', '3600'],
      env,
      logFile,
    })
  ).trim();
  return {
    env,
    apiKey,
    token,
    date: (days) =>
      new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10),
  };
}

/** Flight searches between the busiest seeded airports on the seeded days: `count` distinct paths. */
export function searchPaths(store: SeededStore, count: number): string[] {
  const airports = ['LHR', 'JFK', 'CDG', 'FRA', 'AMS', 'DXB', 'SIN', 'HND', 'LAX', 'ORD', 'ATL', 'MAD'];
  const paths: string[] = [];
  for (let day = 1; day <= 4; day++)
    for (const origin of airports)
      for (const destination of airports)
        if (origin !== destination)
          paths.push(
            `/v1/flights/search?origin=${origin}&destination=${destination}&departureDate=${store.date(day)}`,
          );
  return paths.slice(0, count);
}

/** Offer ids from direct searches on the seeded days, for bookings. */
export async function findOffers(base: string, store: SeededStore, wanted: number): Promise<string[]> {
  const offers: string[] = [];
  for (const path of searchPaths(store, 200)) {
    if (offers.length >= wanted) break;
    const answer = await send(base, 'GET', `${path}&maxStops=0`, { 'x-api-key': store.apiKey });
    if (answer.status !== 200) continue;
    const data = (JSON.parse(answer.body) as { data: { id: string; seatsLeft: number }[] }).data;
    offers.push(...data.filter((offer) => offer.seatsLeft >= 9).map((offer) => offer.id));
  }
  if (offers.length === 0) throw new Error('the seeded inventory gave no bookable offer');
  return offers;
}

/** POST /v1/bookings of one adult on `offerId` under `idempotencyKey`. */
export function book(
  base: string,
  store: SeededStore,
  offerId: string,
  idempotencyKey: string,
): Promise<Answer> {
  return send(
    base,
    'POST',
    '/v1/bookings',
    { 'x-api-key': store.apiKey, authorization: `Bearer ${store.token}`, 'idempotency-key': idempotencyKey },
    JSON.stringify(bookingBody(offerId, passengersFor({ adults: 1 }, store.date(1)))),
  );
}

/** Resolves once `logFile` contains `pattern`, or throws after `timeoutMs`. */
export async function untilLogged(logFile: string, pattern: RegExp, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    let text = '';
    try {
      text = readFileSync(logFile, 'utf8');
    } catch {
      // Not written yet.
    }
    if (pattern.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${logFile} did not show ${pattern} within ${timeoutMs} ms`);
}

/** A `serve` with two workers, as `startTwoWorkerServe` leaves it: up, both workers forked, ready. */
export interface TwoWorkerServe {
  server: ChildProcess;
  port: number;
  /** `http://127.0.0.1:<port>`. */
  base: string;
  /** `serve.log` in the work folder: the primary's and the workers' output. */
  logFile: string;
}

/**
 * Starts `serve` (WORKERS=2) on `env` on a random port, its output in `workDir/serve.log`, and
 * resolves once it logged both workers and answers ready.
 */
export async function startTwoWorkerServe(
  children: ChildProcesses,
  env: NodeJS.ProcessEnv,
  workDir: string,
  options: { detached?: boolean } = {},
): Promise<TwoWorkerServe> {
  const port = randomPort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = join(workDir, 'serve.log');
  const server = children.start({
    name: 'serve',
    args: [...CLI, 'serve'],
    env: { ...env, WORKERS: '2', PORT: String(port) },
    logFile,
    ...(options.detached ? { detached: true } : {}),
  });
  await untilLogged(logFile, /serving with 2 worker processes/);
  await waitUntilReady(`${base}/health/ready`, server);
  return { server, port, base, logFile };
}
