import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMemoryCache } from '../../src/adapters/cache/memory.js';
import { FlightSearch } from '../../src/core/flights/flight-search.js';
import type { FlightSearchRequest } from '../../src/core/flights/flight-search-request.js';
import { HotelSearch } from '../../src/core/hotels/hotel-search.js';
import { TokenSigner } from '../../src/core/offers/signed-token.js';
import { SearchResults } from '../../src/core/search/search-results.js';
import { SearchCancelledError, type WorkLimits } from '../../src/core/search/work-budget.js';
import { buildApp } from '../../src/http/app.js';
import { systemClock } from '../../src/ports/clock.js';
import type { InventoryStore } from '../../src/ports/store.js';
import { oneAdultEconomy } from '../helpers/flight-requests.js';
import { instrumentStore, type StoreCalls } from '../helpers/instrumented-store.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * The work budget of a search, over real HTTP on a real SQLite inventory: a search pushed to its
 * deadline answers flagged partial while the instance keeps serving others, a client that goes away
 * cancels its search, and a search shared by several clients runs on while one of them waits.
 * Hop levels are made to cost CPU by a store wrapper that busies the event loop on each level read,
 * as a large in-process read would.
 */

let tp: TestPlatform;
/** A one-way search that needs at least two hop levels. */
let twoLevelSearch: { origin: string; destination: string; date: string };

interface BudgetApp {
  app: FastifyInstance;
  url: string;
  calls: StoreCalls;
  /** Server-side completion order of requests, by URL. */
  finished: string[];
  /** Searches that ended cancelled. */
  cancelled: () => number;
  /** Resolves when the next level read starts. */
  nextLevelRead: () => Promise<void>;
  /** Client connections the server has seen closed. */
  closedConnections: () => number;
}
const running: BudgetApp[] = [];

/** An app on the test platform's store whose hop levels each busy the CPU for `levelMs`. */
async function budgetApp(
  levelMs: number,
  workLimits: WorkLimits,
  holdLevelRead?: (callNumber: number) => Promise<void> | undefined,
): Promise<BudgetApp> {
  let waiters: (() => void)[] = [];
  const { store, calls } = instrumentStore(tp.platform.store, {
    busyMs: { findFlightsOnLegs: levelMs },
    gate: (method, callNumber) => (method === 'findFlightsOnLegs' ? holdLevelRead?.(callNumber) : undefined),
    onCall: (method) => {
      if (method !== 'findFlightsOnLegs') return;
      const ready = waiters;
      waiters = [];
      // After the busy read, once the loop turns: the read has started and is over.
      setImmediate(() => {
        for (const resolve of ready) resolve();
      });
    },
  });
  const signer = new TokenSigner('budget-test-signing-secret-0000000000000');
  const cache = createMemoryCache({ maxEntries: 1000, maxBytes: 50_000_000, keyPrefix: 'budget' });
  const results = new SearchResults({
    cache,
    snapshots: cache,
    signer,
    clock: systemClock,
    ttlMs: () => 60_000,
    graceMs: 0,
    snapshotTtlMs: 60_000,
  });
  const deps = {
    results,
    store: store as InventoryStore,
    airports: tp.platform.airports,
    clock: systemClock,
    signer,
    offerTtlMs: 600_000,
    maxResults: 250,
    workLimits,
  };
  const flights = new FlightSearch(deps);
  let cancelled = 0;
  const search = flights.search.bind(flights);
  vi.spyOn(flights, 'search').mockImplementation(async (...args) => {
    try {
      return await search(...args);
    } catch (error) {
      if (error instanceof SearchCancelledError) cancelled++;
      throw error;
    }
  });
  const services = {
    ...tp.platform.services,
    flights,
    hotels: new HotelSearch(deps),
    searchResults: results,
  };
  const app = await buildApp({ services });
  const finished: string[] = [];
  app.addHook('onResponse', async (request) => {
    finished.push(request.url);
  });
  let closedConnections = 0;
  app.server.on('connection', (socket: Socket) => {
    socket.once('close', () => closedConnections++);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const result: BudgetApp = {
    app,
    url: `http://127.0.0.1:${port}`,
    calls,
    finished,
    cancelled: () => cancelled,
    nextLevelRead: () => new Promise((resolve) => waiters.push(resolve)),
    closedConnections: () => closedConnections,
  };
  running.push(result);
  return result;
}

const searchPath = (s: { origin: string; destination: string; date: string }, extra = ''): string =>
  `/v1/flights/search?origin=${s.origin}&destination=${s.destination}&departureDate=${s.date}&maxStops=2${extra}`;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 4 });
  // A pair whose full search reads at least two hop levels and finds offers.
  const { store, calls } = instrumentStore(tp.platform.store);
  const core = new FlightSearch({
    results: tp.platform.services.searchResults,
    store,
    airports: tp.platform.airports,
    clock: systemClock,
    signer: new TokenSigner('budget-test-signing-secret-0000000000000'),
    offerTtlMs: 600_000,
    maxResults: 250,
  });
  const airports = [...new Set((await tp.platform.store.listRoutes()).map((r) => r.origin))].sort();
  for (const origin of airports) {
    for (const destination of airports) {
      if (origin === destination || twoLevelSearch) continue;
      calls.reset();
      const request: FlightSearchRequest = oneAdultEconomy(origin, destination, tp.date(1));
      const run = await core.search(request);
      if (run.offers.length > 0 && (calls.byMethod.get('findFlightsOnLegs') ?? 0) >= 3) {
        twoLevelSearch = { origin, destination, date: tp.date(1) };
      }
    }
  }
  if (!twoLevelSearch) throw new Error('no search of the demo network reads three hop levels');
});

afterEach(async () => {
  for (const { app } of running.splice(0)) await app.close();
});
afterAll(() => tp.close());

/** A raw keep-alive connection to `url`, connected, to send a request on at an exact moment. */
async function openConnection(url: string): Promise<{ get(path: string): Promise<string>; close(): void }> {
  const { port } = new URL(url);
  const socket = connect(Number(port), '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  return {
    get(path) {
      let received = '';
      const answered = new Promise<string>((resolve) => {
        socket.on('data', (chunk) => {
          received += chunk.toString();
          const length = /content-length: (\d+)/i.exec(received)?.[1];
          const body = received.indexOf('\r\n\r\n');
          if (length && body >= 0 && received.length >= body + 4 + Number(length)) resolve(received);
        });
      });
      socket.write(`GET ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`);
      return answered;
    },
    close: () => socket.destroy(),
  };
}

describe('a search at its work budget', () => {
  it('answers flagged partial, and another request is served while it runs', async () => {
    // A round trip reads up to six hop levels, each costing 100 ms of CPU; the deadline passes
    // during the fourth. The other request is written the moment the first level read starts.
    const budget = await budgetApp(100, { timeMs: 350, maxSteps: 1_000_000 });
    const connection = await openConnection(budget.url);
    const firstRead = budget.nextLevelRead();
    const search = fetch(`${budget.url}${searchPath(twoLevelSearch, `&returnDate=${tp.date(2)}`)}`);
    await firstRead;
    const other = await connection.get('/v1/locations?q=lon');
    connection.close();
    expect(other).toMatch(/^HTTP\/1\.1 200/);
    const answer = await search;
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { meta: { partial: boolean } };
    expect(body.meta.partial).toBe(true);
    // The other request finished on the server before the budgeted search did.
    expect(budget.finished[0]).toBe('/v1/locations?q=lon');
    expect(budget.finished[1]).toContain('/v1/flights/search');
    // The deadline stopped the reads before the last level.
    expect(budget.calls.byMethod.get('findFlightsOnLegs')).toBeLessThan(6);
  });

  it('is not cached when cut by its deadline: the next identical search runs again', async () => {
    const budget = await budgetApp(150, { timeMs: 200, maxSteps: 1_000_000 });
    const first = await fetch(`${budget.url}${searchPath(twoLevelSearch)}`);
    expect(((await first.json()) as { meta: { partial: boolean } }).meta.partial).toBe(true);
    const second = await fetch(`${budget.url}${searchPath(twoLevelSearch)}`);
    expect(second.headers.get('x-cache')).toBe('MISS');
  });

  it('a step budget ends the search with the offers found so far, flagged partial', async () => {
    const budget = await budgetApp(0, { timeMs: 60_000, maxSteps: 40 });
    const answer = await fetch(`${budget.url}${searchPath(twoLevelSearch)}`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { meta: { partial: boolean } }).meta.partial).toBe(true);
    const full = await budgetApp(0, { timeMs: 60_000, maxSteps: 1_000_000 });
    const complete = await fetch(`${full.url}${searchPath(twoLevelSearch)}`);
    expect(((await complete.json()) as { meta: { partial: boolean } }).meta.partial).toBe(false);
  });

  it('hotel search has the same budget', async () => {
    const budget = await budgetApp(0, { timeMs: 60_000, maxSteps: 1 });
    const located = (await (
      await fetch(`${budget.url}/v1/locations?q=${twoLevelSearch.destination}`)
    ).json()) as {
      data: { cityCode: string }[];
    };
    const answer = await fetch(
      `${budget.url}/v1/hotels/search?cityCode=${located.data[0]?.cityCode}&checkIn=${tp.date(1)}&checkOut=${tp.date(2)}`,
    );
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { meta: { partial: boolean } }).meta.partial).toBe(true);
  });
});

describe('a client that goes away', () => {
  /** Holds the second level read until the server has seen `count` client connections close. */
  const holdSecondReadUntilClosed =
    (count: number, budget: () => BudgetApp) =>
    (callNumber: number): Promise<void> | undefined =>
      callNumber === 2
        ? vi.waitFor(() => expect(budget().closedConnections()).toBeGreaterThanOrEqual(count), {
            timeout: 10_000,
          })
        : undefined;

  it('cancels its search: the store is not read again', async () => {
    let budget: BudgetApp | undefined;
    budget = await budgetApp(
      0,
      { timeMs: 60_000, maxSteps: 1_000_000 },
      holdSecondReadUntilClosed(1, () => budget!),
    );
    const client = await openConnection(budget.url);
    const firstRead = budget.nextLevelRead();
    void client.get(searchPath(twoLevelSearch));
    await firstRead;
    client.close();
    await vi.waitFor(() => expect(budget.cancelled()).toBe(1));
    // The read in flight when the client left was the last: no third level, no airline names.
    expect(budget.calls.byMethod.get('findFlightsOnLegs')).toBe(2);
    expect(budget.calls.byMethod.get('listAirlines')).toBeUndefined();
  });

  it('does not cancel a search another client still waits for, and the other gets the full result', async () => {
    let budget: BudgetApp | undefined;
    budget = await budgetApp(
      0,
      { timeMs: 60_000, maxSteps: 1_000_000 },
      holdSecondReadUntilClosed(1, () => budget!),
    );
    const leaver = await openConnection(budget.url);
    const firstRead = budget.nextLevelRead();
    void leaver.get(searchPath(twoLevelSearch));
    const staying = fetch(`${budget.url}${searchPath(twoLevelSearch)}`);
    await firstRead;
    leaver.close();
    const answer = await staying;
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { data: unknown[]; meta: { partial: boolean } };
    expect(body.meta.partial).toBe(false);
    expect(body.data.length).toBeGreaterThan(0);
    expect(budget.cancelled()).toBe(0);
    // One run served both: each level read once.
    expect(budget.calls.byMethod.get('findFlightsOnLegs')).toBe(3);
  });

  it('when every client of a shared search goes away, it stops; a later client searches afresh', async () => {
    let budget: BudgetApp | undefined;
    budget = await budgetApp(
      0,
      { timeMs: 60_000, maxSteps: 1_000_000 },
      holdSecondReadUntilClosed(2, () => budget!),
    );
    const clients = [await openConnection(budget.url), await openConnection(budget.url)];
    const firstRead = budget.nextLevelRead();
    for (const client of clients) void client.get(searchPath(twoLevelSearch));
    await firstRead;
    for (const client of clients) client.close();
    await vi.waitFor(() => expect(budget.cancelled()).toBe(1));
    const later = await fetch(`${budget.url}${searchPath(twoLevelSearch)}`);
    expect(later.status).toBe(200);
    expect(later.headers.get('x-cache')).toBe('MISS');
    expect(((await later.json()) as { meta: { partial: boolean } }).meta.partial).toBe(false);
  });
});
