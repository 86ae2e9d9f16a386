import { readdirSync, readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlightSearch } from '../../src/core/flights/flight-search.js';
import type { FlightSearchRequest } from '../../src/core/flights/flight-search-request.js';
import { TokenSigner } from '../../src/core/offers/signed-token.js';
import { SearchCancelledError } from '../../src/core/search/work-budget.js';
import { systemClock } from '../../src/ports/clock.js';
import { POSTED_PER_THREAD } from '../../src/search-threads/pool.js';
import { oneAdultEconomy } from '../helpers/flight-requests.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Origin searches on worker threads (SEARCH_THREADS): answers are the same as on the event loop,
 * errors keep their problem type and field, and concurrent misses on one key still run one search
 * in the whole pool.
 */

let tp: TestPlatform;

function oneWay(origin: string, destination: string): FlightSearchRequest {
  return oneAdultEconomy(origin, destination, tp.date(2));
}

async function routePaths(count: number): Promise<string[]> {
  const routes = (await tp.platform.store.listRoutes()).slice(0, count);
  return routes.map(
    (r) => `/v1/flights/search?origin=${r.origin}&destination=${r.destination}&departureDate=${tp.date(1)}`,
  );
}

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 4, env: { SEARCH_THREADS: '2' } });
});

afterAll(async () => {
  await tp?.close();
});

describe('search threads', () => {
  it('run misses on the pool and answer hits without it', async () => {
    const pool = tp.platform.searchPool;
    expect(pool?.stats().threads).toBe(2);
    const [path] = await routePaths(1);
    const before = pool?.stats().completed ?? 0;
    const miss = await tp.fetch(path as string);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    const body = (await miss.json()) as { data: { type: string; price: { total: string } }[] };
    expect(body.data.length).toBeGreaterThan(0);
    expect(body.data[0]?.type).toBe('flight-offer');
    const hit = await tp.fetch(path as string);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(pool?.stats().completed).toBe(before + 1);
  });

  it('run below the priority of the event loop (Linux)', async (context) => {
    // A test process already run at niceness 10 or more has nothing left to lower.
    if (process.platform !== 'linux' || getPriority() >= 10) context.skip();
    // Field 19 of /proc/<pid>/task/<tid>/stat is the thread's niceness; fields 3 onwards follow the
    // parenthesised command name, which may itself hold spaces.
    const niceness = (tid: string): number => {
      const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    };
    const threads = readdirSync(`/proc/${process.pid}/task`);
    expect(niceness(String(process.pid))).toBe(getPriority());
    expect(tp.platform.config.searchThreadNiceness).toBe(10);
    expect(threads.filter((tid) => niceness(tid) === 10)).toHaveLength(2);
  });

  it('give the same offers as a search on the event loop', async () => {
    const [, path] = await routePaths(2);
    const pooled = (await (await tp.fetch(path as string)).json()) as {
      data: { price: { total: string } }[];
      meta: { total: number };
    };
    const query = new URL(path as string, 'http://localhost').searchParams;
    const onLoop = new FlightSearch({
      results: tp.platform.services.searchResults,
      store: tp.platform.store,
      airports: tp.platform.airports,
      clock: systemClock,
      signer: new TokenSigner('another-secret'),
      offerTtlMs: 60_000,
      maxResults: tp.platform.config.maxSearchResults,
    });
    const run = await onLoop.search(
      oneAdultEconomy(
        query.get('origin') as string,
        query.get('destination') as string,
        query.get('departureDate') as string,
      ),
    );
    expect(pooled.meta.total).toBe(run.offers.length);
    expect(pooled.data.map((offer) => offer.price.total)).toEqual(
      run.offers.slice(0, pooled.data.length).map((offer) => offer.price.total),
    );
  });

  it('keep single-flight: 50 concurrent misses on one key run one search in the pool', async () => {
    const pool = tp.platform.searchPool;
    const [, , path] = await routePaths(3);
    const before = pool?.stats().completed ?? 0;
    const answers = await Promise.all(Array.from({ length: 50 }, () => tp.fetch(path as string)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const outcomes = answers.map((answer) => answer.headers.get('x-cache'));
    expect(outcomes.filter((outcome) => outcome === 'MISS')).toHaveLength(1);
    expect(pool?.stats().completed).toBe(before + 1);
    const ids = await Promise.all(
      answers.map(async (a) => ((await a.json()) as { meta: { searchId: string } }).meta.searchId),
    );
    expect(new Set(ids).size).toBe(1);
  });

  it('report a search error from a thread as the same problem, naming the field', async () => {
    const response = await tp.fetch(
      `/v1/flights/search?origin=ZZZ&destination=LHR&departureDate=${tp.date(1)}`,
    );
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { type: string; errors: { field: string }[] };
    expect(problem.type).toMatch(/validation/);
    expect(problem.errors[0]?.field).toBe('query.origin');
  });

  it('do not run a search whose client has already gone', async () => {
    const pool = tp.platform.searchPool;
    if (!pool) throw new Error('no search pool');
    const [route] = await tp.platform.store.listRoutes();
    const before = pool.stats();
    const gone = new AbortController();
    gone.abort();
    await expect(
      pool.flights(oneWay(route?.origin ?? '', route?.destination ?? ''), gone.signal),
    ).rejects.toThrow(SearchCancelledError);
    expect(pool.stats().completed).toBe(before.completed);
    expect(pool.stats().cancelled).toBe(before.cancelled + 1);
  });

  it('drop a queued search from the queue when its client goes away', async () => {
    const pool = tp.platform.searchPool;
    if (!pool) throw new Error('no search pool');
    const posted = pool.stats().threads * POSTED_PER_THREAD;
    const routes = (await tp.platform.store.listRoutes()).slice(0, posted + 1);
    const before = pool.stats();
    // Every thread busy with as many searches as it is handed at once, so the next search waits in
    // the queue when its client leaves.
    const running = routes.slice(0, posted).map((r) => pool.flights(oneWay(r.origin, r.destination)));
    const leaving = new AbortController();
    const queued = pool.flights(
      oneWay(routes[posted]?.origin ?? '', routes[posted]?.destination ?? ''),
      leaving.signal,
    );
    expect(pool.stats().queued).toBe(1);
    leaving.abort();
    await expect(queued).rejects.toThrow(SearchCancelledError);
    expect(pool.stats().queued).toBe(0);
    await Promise.all(running);
    expect(pool.stats().completed).toBe(before.completed + posted);
    expect(pool.stats().cancelled).toBe(before.cancelled + 1);
  });
});
