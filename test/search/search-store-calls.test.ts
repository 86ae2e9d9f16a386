import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/demo-inventory/random.js';
import { FlightSearch } from '../../src/core/flights/flight-search.js';
import type { FlightSearchRequest } from '../../src/core/flights/flight-search-request.js';
import { TokenSigner } from '../../src/core/offers/signed-token.js';
import { systemClock } from '../../src/ports/clock.js';
import { oneAdultEconomy } from '../helpers/flight-requests.js';
import { instrumentStore } from '../helpers/instrumented-store.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * A flight search reads whole hop levels: its store calls are a function of the hop count (one route
 * list, at most maxStops + 1 level reads per direction, one airline lookup), never of the number of
 * routes or paths it explores. Counted through a wrapping store on the default demo network
 * (300 airports, seed 42 — the `travel-platform seed` defaults) over three days instead of 90: the
 * days change the flights per route, not the network or the number of calls.
 */

let tp: TestPlatform;
beforeAll(async () => {
  tp = await startTestPlatform({ airports: 300, days: 3, seed: 42 });
}, 120_000);
afterAll(() => tp.close());

function request(origin: string, destination: string, returnDay?: number): FlightSearchRequest {
  return oneAdultEconomy(origin, destination, tp.date(1), {
    returnDate: returnDay === undefined ? undefined : tp.date(returnDay),
  });
}

/** Runs one search on a fresh engine (so the route list is read too) and counts its store calls. */
async function countCalls(search: FlightSearchRequest) {
  const { store, calls } = instrumentStore(tp.platform.store);
  const engine = new FlightSearch({
    results: tp.platform.services.searchResults,
    store,
    airports: tp.platform.airports,
    clock: systemClock,
    signer: new TokenSigner('store-calls-test-signing-secret-00000000'),
    offerTtlMs: 600_000,
    maxResults: 250,
  });
  const run = await engine.search(search);
  return { run, total: calls.total(), byMethod: calls.byMethod };
}

describe('store calls of a flight search on the default demo network', () => {
  it.each<[string, number, string, string, number | undefined]>([
    ['JFK→LHR one way', 8, 'JFK', 'LHR', undefined],
    ['NYC→LON one way', 8, 'NYC', 'LON', undefined],
    ['NYC→LON round trip', 16, 'NYC', 'LON', 2],
  ])('%s makes at most %i store calls', async (_label, most, origin, destination, returnDay) => {
    const search = request(origin, destination, returnDay);
    const { run, total, byMethod } = await countCalls(search);
    expect(run.offers.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(most);
    const directions = search.returnDate ? 2 : 1;
    expect(byMethod.get('findFlightsOnLegs') ?? 0).toBeLessThanOrEqual((search.maxStops + 1) * directions);
    expect(byMethod.get('findFlights')).toBeUndefined();
  });

  it('is bounded by the hop count for any pair of airports, not by the routes explored', async () => {
    const airports = [...new Set((await tp.platform.store.listRoutes()).map((r) => r.origin))].sort();
    const random = new SeededRandom(11);
    for (let i = 0; i < 15; i++) {
      const origin = random.pick(airports);
      let destination = random.pick(airports);
      while (destination === origin) destination = random.pick(airports);
      const roundTrip = i % 3 === 0;
      const search = { ...request(origin, destination, roundTrip ? 2 : undefined), maxStops: i % 3 };
      const { total, byMethod } = await countCalls(search);
      const levels = (search.maxStops + 1) * (roundTrip ? 2 : 1);
      expect(byMethod.get('findFlightsOnLegs') ?? 0, `${origin}→${destination}`).toBeLessThanOrEqual(levels);
      // The route list, the level reads, the airline names.
      expect(total, `${origin}→${destination}`).toBeLessThanOrEqual(levels + 2);
    }
  });
});
