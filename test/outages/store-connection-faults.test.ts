import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiProcess,
  type ChildHandle,
  prepareSharedStore,
  type SharedStore,
  startServeProcess,
} from '../helpers/api-process.js';
import {
  type BookingAttempt,
  BookingLoad,
  recoveryMs,
  tally,
  unexpectedAnswers,
} from '../helpers/booking-load.js';
import {
  BookingClient,
  directLhrJfk,
  type FlightOfferLike,
  oneAdultBooking,
  searchFlights,
} from '../helpers/bookings.js';
import { dropSchema, postgresBehindProxy, postgresEnv, uniqueSchema } from '../helpers/postgres.js';
import { RedisServer, randomPort } from '../helpers/redis-server.js';
import { TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * A running `serve` (the CLI, as `npm start` runs it) whose PostgreSQL — or Redis — sits behind a TCP
 * proxy that resets every connection (a failover, a pgbouncer restart) or partitions and heals, under
 * booking load. A fault costs 503 problem+json for its duration and nothing more: the process stays
 * up, no request gets a 500 or hangs, bookings are served again within seconds of the heal, and every
 * acknowledged booking is readable afterwards.
 */
const REQUEST_TIMEOUT_MS = 4000;
/** Longer than any answer may take; a request still unanswered then is a hang. */
const HANG_MS = REQUEST_TIMEOUT_MS + 5000;
/** Bookings are served again this soon after the fault ends (backoffs and timeouts included). */
const RECOVERY_BOUND_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The CLI's `serve` with the timeouts these faults are measured against. */
function startServe(env: Record<string, string>, workers: number): Promise<ApiProcess> {
  return startServeProcess({
    ...env,
    WORKERS: String(workers),
    REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    PG_STATEMENT_TIMEOUT_MS: '1500',
    PG_CONNECT_TIMEOUT_MS: '500',
  });
}

/** Offers to book: direct LHR→JFK flights of the first days, spread so no flight sells out. */
async function bookableOffers(
  url: string,
  shared: SharedStore,
  days: readonly number[],
): Promise<FlightOfferLike[]> {
  const offers: FlightOfferLike[] = [];
  for (const day of days)
    offers.push(...(await searchFlights(url, shared.apiKey, directLhrJfk(shared.date(day)))).offers);
  expect(offers.length).toBeGreaterThan(0);
  return offers;
}

/** Every 201 of `attempts` is read back 200 from `url`. */
async function expectAcknowledgedReadable(
  client: BookingClient,
  attempts: readonly BookingAttempt[],
): Promise<number> {
  const ids = attempts.flatMap((a) => (a.bookingId ? [a.bookingId] : []));
  const unreadable: string[] = [];
  for (const id of ids) if ((await client.get(id)).status !== 200) unreadable.push(id);
  expect(unreadable).toEqual([]);
  return ids.length;
}

/** The process (and, in a cluster, every worker) is still the one started: nothing died or restarted. */
function expectNothingDied(handle: ChildHandle, pid: number | undefined): void {
  expect(handle.child.exitCode).toBeNull();
  expect(handle.child.pid).toBe(pid);
  expect(handle.output()).not.toMatch(/exited \(|Emitted 'error' event|Unhandled|uncaught/i);
}

describe('PostgreSQL behind a TCP proxy', () => {
  const schema = uniqueSchema('faults');
  let proxy: TcpProxy;
  let shared: SharedStore;

  beforeAll(async () => {
    const proxied = await postgresBehindProxy();
    proxy = proxied.proxy;
    shared = await prepareSharedStore(postgresEnv(schema, proxied.url), { airports: 12, days: 5 });
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    shared?.cleanup();
    await dropSchema(schema);
  });

  describe.each([1, 2])('serve with WORKERS=%i under booking load', (workers) => {
    let server: ApiProcess;
    let pid: number | undefined;
    let client: BookingClient;
    let offers: FlightOfferLike[];

    beforeAll(async () => {
      server = await startServe(shared.env, workers);
      pid = server.child.pid;
      client = new BookingClient(server.url, shared.apiKey, shared.token);
      // Days of their own, so the seats the first case sold are still there for this one.
      offers = await bookableOffers(server.url, shared, workers === 1 ? [1, 2] : [3, 4]);
    }, 120_000);
    afterAll(async () => {
      await server?.stop();
    });

    const load = (label: string) =>
      new BookingLoad([client], {
        concurrency: 6,
        timeoutMs: HANG_MS,
        label: `${label}-w${workers}`,
        body: (i) => oneAdultBooking(offers[i % offers.length]!),
      });

    it('a reset of every connection costs at most a few 503s, and every acknowledged booking is stored', async () => {
      const running = load('reset');
      await sleep(1000);
      const resetAt = running.now();
      const broken = [proxy.reset()];
      await sleep(300);
      broken.push(proxy.reset());
      await sleep(2000);
      const attempts = await running.stop();
      const recovered = recoveryMs(attempts, resetAt);
      const read = await expectAcknowledgedReadable(client, attempts);
      console.log(
        `[store-faults] WORKERS=${workers} reset (${broken.join(' + ')} sockets): ${JSON.stringify(tally(attempts))}; first booking after the reset ${recovered?.toFixed(0)} ms; ${read} acknowledged bookings all readable`,
      );
      expect(unexpectedAnswers(attempts)).toEqual([]);
      expect(recovered).toBeLessThan(RECOVERY_BOUND_MS);
      expectNothingDied(server, pid);
    }, 60_000);

    it('a partition answers 503 problem+json while it lasts, and bookings are served again soon after it heals', async () => {
      const running = load('partition');
      await sleep(1000);
      const cutAt = running.now();
      proxy.cut();
      await sleep(3000);
      const ready = await fetch(`${server.url}/health/ready`, { signal: AbortSignal.timeout(HANG_MS) });
      expect(ready.status).toBe(503);
      const healedAt = running.now();
      proxy.restore();
      await waitFor(
        'a booking after the heal',
        () => recoveryMs(running.attempts, healedAt) !== undefined,
        30_000,
      );
      await sleep(500);
      const attempts = await running.stop();
      const during = attempts.filter((a) => a.sentMs >= cutAt + 200 && a.endedMs <= healedAt);
      const recovered = recoveryMs(attempts, healedAt);
      const read = await expectAcknowledgedReadable(client, attempts);
      console.log(
        `[store-faults] WORKERS=${workers} partition of ${((healedAt - cutAt) / 1000).toFixed(1)} s: ${JSON.stringify(tally(attempts))}; during it ${JSON.stringify(tally(during))}; first booking ${recovered?.toFixed(0)} ms after the heal; ${read} acknowledged bookings all readable`,
      );
      expect(unexpectedAnswers(attempts)).toEqual([]);
      expect(during.length).toBeGreaterThan(0);
      expect(during.every((a) => a.status === 503)).toBe(true);
      expect(recovered).toBeLessThan(RECOVERY_BOUND_MS);
      expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
      expectNothingDied(server, pid);
    }, 90_000);
  });
});

describe('serve with Redis (cache, event bus, rate limits) behind a TCP proxy, under booking and search load', () => {
  const redis = new RedisServer(randomPort());
  let proxy: TcpProxy;
  let shared: SharedStore;
  let server: ApiProcess;

  beforeAll(async () => {
    await redis.start();
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
    shared = await prepareSharedStore(
      {
        CACHE: 'redis',
        EVENT_BUS: 'redis',
        RATE_LIMITER: 'redis',
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      },
      { airports: 12, days: 3 },
    );
    server = await startServe(shared.env, 1);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await redis.kill();
    shared?.cleanup();
  });

  it('resets and a partition of Redis crash nothing and fail no booking or search with a 500', async () => {
    const pid = server.child.pid;
    const client = new BookingClient(server.url, shared.apiKey, shared.token);
    const offers = await bookableOffers(server.url, shared, [1, 2]);
    const running = new BookingLoad([client], {
      concurrency: 4,
      timeoutMs: HANG_MS,
      label: 'redis-reset',
      body: (i) => oneAdultBooking(offers[i % offers.length]!),
    });
    const searches: number[] = [];
    let searching = true;
    const searchLoop = (async () => {
      for (let day = 0; searching; day = (day + 1) % 3) {
        const response = await fetch(`${server.url}/v1/flights/search?${directLhrJfk(shared.date(day))}`, {
          headers: { 'x-api-key': shared.apiKey },
          signal: AbortSignal.timeout(HANG_MS),
        }).catch(() => undefined);
        searches.push(response?.status ?? 0);
        await response?.arrayBuffer();
      }
    })();
    await sleep(800);
    const broken: number[] = [];
    for (let i = 0; i < 3; i++) {
      broken.push(proxy.reset());
      await sleep(500);
    }
    proxy.cut();
    await sleep(2000);
    proxy.restore();
    await sleep(2000);
    searching = false;
    const attempts = await running.stop();
    await searchLoop;
    const searchTally: Record<string, number> = {};
    for (const status of searches) searchTally[status] = (searchTally[status] ?? 0) + 1;
    const read = await expectAcknowledgedReadable(client, attempts);
    console.log(
      `[store-faults] Redis resets (${broken.join(' + ')} sockets) and a 2 s partition: bookings ${JSON.stringify(tally(attempts))}, searches ${JSON.stringify(searchTally)}; ${read} acknowledged bookings all readable`,
    );
    expect(unexpectedAnswers(attempts)).toEqual([]);
    expect(searches.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(server.child.exitCode).toBeNull();
    expect(server.child.pid).toBe(pid);
    expect(server.output()).not.toMatch(/Emitted 'error' event|Unhandled|uncaught/i);
  }, 90_000);
});
