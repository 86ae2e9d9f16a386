import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTimetableSnapshot, writeTimetableSnapshot } from '../../src/composition/timetable-snapshot.js';
import { SeededRandom } from '../../src/core/demo-inventory/random.js';
import { FlightSearch } from '../../src/core/flights/flight-search.js';
import type { FlightSearchRequest } from '../../src/core/flights/flight-search-request.js';
import { LiveTimetable } from '../../src/core/flights/timetable/live-timetable.js';
import { buildTimetable, catchUpWithStore } from '../../src/core/flights/timetable/timetable-builder.js';
import { TimetableIndex } from '../../src/core/flights/timetable/timetable-index.js';
import { TokenSigner } from '../../src/core/offers/signed-token.js';
import type { Clock } from '../../src/ports/clock.js';
import { CABINS, type InventoryStore, type RouteRecord } from '../../src/ports/store.js';
import { oneAdultEconomy } from '../helpers/flight-requests.js';
import { instrumentStore } from '../helpers/instrumented-store.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * The timetable index engine answers exactly what the store engine answers: the same offers (ids,
 * prices, segments) in the same order, with the same cache tags and partial flags, on a few thousand
 * random searches (one-way and round trip, 0–2 stops, every cabin, 1–9 passengers, carrier
 * filters, price caps and sorts). Both engines read one store on one frozen clock, so an offer id
 * (which signs its expiry) is comparable byte for byte.
 */

const SEARCHES = 2_000;
const DAY_MS = 86_400_000;

let tp: TestPlatform;
let timetable: LiveTimetable;
let routes: RouteRecord[];
const frozen: Clock = { now: () => frozenAt };
let frozenAt = Date.now();

function engine(withIndex: boolean, store: InventoryStore = tp.platform.store): FlightSearch {
  return new FlightSearch({
    results: tp.platform.services.searchResults,
    store,
    airports: tp.platform.airports,
    clock: frozen,
    signer: new TokenSigner('equivalence-test-signing-secret-000000000'),
    offerTtlMs: 600_000,
    maxResults: 250,
    ...(withIndex ? { timetable } : {}),
  });
}

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 70, days: 4, seed: 42, env: { SEARCH_INDEX: 'store' } });
  frozenAt = Date.now();
  timetable = new LiveTimetable(tp.platform.store, {
    position: (iata) => tp.platform.airports.byIata(iata),
    rebuild: () =>
      buildTimetable(tp.platform.store, {
        from: Math.floor(frozenAt / DAY_MS) * DAY_MS - DAY_MS,
        to: Math.floor(frozenAt / DAY_MS) * DAY_MS + 30 * DAY_MS,
      }),
  });
  timetable.rebuildSoon();
  await timetable.settled();
  routes = await tp.platform.store.listRoutes();
}, 120_000);

afterAll(() => tp?.close());

function randomRequest(random: SeededRandom, airports: readonly string[]): FlightSearchRequest {
  let origin = random.pick(airports);
  let destination = random.pick(airports);
  if (random.next() < 0.4) {
    const route = random.pick(routes);
    origin = route.origin;
    destination = route.destination;
  }
  while (destination === origin) destination = random.pick(airports);
  const day = random.int(0, 3);
  const adults = random.int(1, 4);
  const request: FlightSearchRequest = oneAdultEconomy(origin, destination, tp.date(day), {
    adults,
    children: random.next() < 0.2 ? random.int(1, 3) : 0,
    infants: random.next() < 0.1 ? 1 : 0,
    cabin: random.next() < 0.6 ? 'economy' : random.pick(CABINS),
    maxStops: random.int(0, 2),
    sort: random.pick(['price', 'duration', 'departure'] as const),
  });
  if (random.next() < 0.35) request.returnDate = tp.date(day + random.int(1, 3));
  if (random.next() < 0.15) {
    const carriers = [...new Set(routes.filter((r) => r.origin === origin).flatMap((r) => r.carriers))];
    if (carriers.length > 0) request.carriers = [random.pick(carriers)];
  }
  if (random.next() < 0.1) request.maxPrice = random.int(5_000, 200_000);
  return request;
}

/** The search's answer, or the error it rejects with (both engines must agree on either). */
async function outcome(search: FlightSearch, request: FlightSearchRequest) {
  try {
    return await search.search(request);
  } catch (error) {
    return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

describe('timetable index engine against the store engine', () => {
  it(`answers the same offers in the same order on ${SEARCHES} random searches`, async () => {
    const store = engine(false);
    const { store: counted, calls } = instrumentStore(tp.platform.store);
    const indexed = engine(true, counted);
    expect(timetable.current()).toBeDefined();
    const airports = [...new Set(routes.map((r) => r.origin))].sort();
    const random = new SeededRandom(2026);
    let withOffers = 0;
    let connecting = 0;
    for (let i = 0; i < SEARCHES; i++) {
      const request = randomRequest(random, airports);
      const expected = await outcome(store, request);
      const actual = await outcome(indexed, request);
      expect(actual, JSON.stringify(request)).toEqual(expected);
      if (!('offers' in expected)) continue;
      if (expected.offers.length > 0) withOffers += 1;
      if (expected.offers.some((offer) => offer.itineraries.some((it) => it.segments.length > 1)))
        connecting += 1;
    }
    // The index answered every search: the store was only asked to re-check answers and name airlines.
    expect(calls.byMethod.get('findFlightsOnLegs')).toBeUndefined();
    expect(calls.byMethod.get('listRoutes')).toBeUndefined();
    // The comparison meant something: many searches found offers, connections among them.
    expect(withOffers).toBeGreaterThan(SEARCHES / 4);
    expect(connecting).toBeGreaterThan(SEARCHES / 20);
  }, 300_000);
});

describe('timetable index freshness', () => {
  it('never offers a cabin the store has sold out, even before the event arrives', async () => {
    const indexed = engine(true);
    const route = routes[0] as RouteRecord;
    const request = oneAdultEconomy(route.origin, route.destination, tp.date(1), { maxStops: 0 });
    const before = await indexed.search(request);
    const first = before.offers[0]?.itineraries[0]?.segments[0]?.id as string;
    expect(first).toBeDefined();
    const [flight] = await tp.platform.store.getFlights([first]);
    // Written straight to the store: no event tells the index.
    await tp.platform.store.putFlights([
      { ...flight!, cabins: flight!.cabins.map((c) => (c.cabin === 'economy' ? { ...c, seatsLeft: 0 } : c)) },
    ]);
    const after = await indexed.search(request);
    const segments = after.offers.flatMap((offer) =>
      offer.itineraries.flatMap((it) => it.segments.map((s) => s.id)),
    );
    expect(segments).not.toContain(first);
    expect(after).toEqual(await engine(false).search(request));
    // The answer's re-check wrote the store's seats into the index: the next search needs no store fallback.
    const economy = timetable
      .current()
      ?.legsOnRoutes(
        [{ origin: route.origin, destination: route.destination, departFrom: 0, departTo: 2 ** 42 }],
        {
          departsAfter: 0,
          cabin: 'economy',
          seats: 1,
        },
      )[0]
      ?.map((f) => f.id);
    expect(economy).not.toContain(first);
  });

  it('takes in a fare change from its event before the next search', async () => {
    const indexed = engine(true);
    const route = routes[1] as RouteRecord;
    const request = oneAdultEconomy(route.origin, route.destination, tp.date(2), { maxStops: 0 });
    const offer = (await indexed.search(request)).offers[0];
    const segment = offer?.itineraries[0]?.segments[0];
    expect(segment).toBeDefined();
    const [flight] = await tp.platform.store.getFlights([segment!.id]);
    await tp.platform.store.putFlights([
      {
        ...flight!,
        cabins: flight!.cabins.map((c) => (c.cabin === 'economy' ? { ...c, fare: c.fare + 777 } : c)),
      },
    ]);
    await timetable.apply([
      {
        flightId: flight!.id,
        cabin: 'economy',
        origin: flight!.origin,
        destination: flight!.destination,
        departureDate: new Date(flight!.departureUtc).toISOString().slice(0, 10),
      },
    ]);
    expect(timetable.current()?.holds((await tp.platform.store.getFlights([flight!.id]))[0]!)).toBe(true);
    expect(await indexed.search(request)).toEqual(await engine(false).search(request));
  });
});

describe('timetable snapshot', () => {
  it('restores the same layout into shared memory, and answers undefined for a file that is not one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-snapshot-'));
    try {
      const layout = timetable.current()!.layout;
      const file = join(dir, 'index.timetable');
      await writeTimetableSnapshot(file, layout);
      const restored = await readTimetableSnapshot(file);
      expect(restored).toEqual(layout);
      expect(restored!.departure.buffer).toBeInstanceOf(SharedArrayBuffer);
      writeFileSync(join(dir, 'other'), 'not a snapshot');
      expect(await readTimetableSnapshot(join(dir, 'other'))).toBeUndefined();
      expect(await readTimetableSnapshot(join(dir, 'missing'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('catches a restored snapshot up with the store in place, and says when only a rebuild can', async () => {
    const store = tp.platform.store;
    const dir = mkdtempSync(join(tmpdir(), 'tp-snapshot-'));
    const file = join(dir, 'index.timetable');
    await writeTimetableSnapshot(file, timetable.current()!.layout);
    const position = (iata: string) => tp.platform.airports.byIata(iata);
    const restored = async (): Promise<TimetableIndex> =>
      new TimetableIndex((await readTimetableSnapshot(file))!, position);
    const [route] = routes;
    const [flight] = await store.findFlights({
      origin: route!.origin,
      destination: route!.destination,
      departFrom: frozenAt,
      departTo: frozenAt + 3 * DAY_MS,
    });
    try {
      const index = await restored();
      expect(await catchUpWithStore(index, store)).toBe('current');
      // A fare and the seats changed while the server was down: caught up in place.
      const cabins = flight!.cabins.map((cabin) => ({ ...cabin, fare: cabin.fare + 700, seatsLeft: 1 }));
      await store.putFlights([{ ...flight!, cabins }]);
      expect(index.holds((await store.getFlights([flight!.id]))[0]!)).toBe(false);
      expect(await catchUpWithStore(index, store)).toBe('current');
      expect(index.holds((await store.getFlights([flight!.id]))[0]!)).toBe(true);
      // A flight retimed: the schedule changed, only a rebuild takes it in.
      await store.putFlights([
        { ...flight!, departureUtc: flight!.departureUtc + 60_000, arrivalUtc: flight!.arrivalUtc + 60_000 },
      ]);
      expect(await catchUpWithStore(await restored(), store)).toBe('schedule-changed');
    } finally {
      await store.putFlights([flight!]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
