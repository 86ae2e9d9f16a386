import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCT_DOMESTIC_MINUTES } from '../../src/core/flights/connection-rules.js';
import type { FlightOfferView } from '../../src/core/flights/flight-offer-view.js';
import type { FlightSearchRequest } from '../../src/core/flights/flight-search-request.js';
import { parseAmount } from '../../src/core/money/money.js';
import type { Cabin, RouteRecord } from '../../src/ports/store.js';
import { oneAdultEconomy } from '../helpers/flight-requests.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

let tp: TestPlatform;
let routes: RouteRecord[];
let airportCodes: string[];

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 5 });
  routes = await tp.platform.store.listRoutes();
  airportCodes = [...new Set(routes.map((r) => r.origin))].sort();
});
afterAll(() => tp.close());

const cabins: Cabin[] = ['economy', 'premium_economy', 'business', 'first'];

function requestArbitrary(): fc.Arbitrary<FlightSearchRequest> {
  return fc
    .record({
      origin: fc.constantFrom(...airportCodes),
      destination: fc.constantFrom(...airportCodes),
      day: fc.integer({ min: 1, max: 3 }),
      adults: fc.integer({ min: 1, max: 4 }),
      children: fc.integer({ min: 0, max: 2 }),
      infants: fc.integer({ min: 0, max: 1 }),
      cabin: fc.constantFrom(...cabins),
      maxStops: fc.integer({ min: 0, max: 2 }),
      sort: fc.constantFrom('price' as const, 'duration' as const, 'departure' as const),
      maxPrice: fc.option(fc.integer({ min: 100, max: 5000 }), { nil: undefined }),
      carriers: fc.option(fc.subarray([...new Set(routes.flatMap((r) => r.carriers))], { minLength: 1 }), {
        nil: undefined,
      }),
      currency: fc.constantFrom('USD', 'EUR', 'JPY'),
    })
    .filter((r) => r.origin !== r.destination && r.infants <= r.adults)
    .map((r) => ({
      origin: r.origin,
      destination: r.destination,
      departureDate: tp.date(r.day),
      adults: r.adults,
      children: r.children,
      infants: r.infants,
      cabin: r.cabin,
      maxStops: r.maxStops,
      sort: r.sort,
      maxPrice: r.maxPrice === undefined ? undefined : parseAmount(String(r.maxPrice), r.currency),
      carriers: r.carriers?.sort(),
      currency: r.currency,
    }));
}

const minutesBetween = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / 60_000;

function checkOffer(offer: FlightOfferView, request: FlightSearchRequest): void {
  const segments = offer.itineraries.flatMap((it) => it.segments);
  for (const itinerary of offer.itineraries) {
    expect(itinerary.stops).toBe(itinerary.segments.length - 1);
    expect(itinerary.stops).toBeLessThanOrEqual(request.maxStops);
    for (let i = 1; i < itinerary.segments.length; i++) {
      const previous = itinerary.segments[i - 1]!;
      const next = itinerary.segments[i]!;
      expect(next.departure.iataCode).toBe(previous.arrival.iataCode);
      expect(minutesBetween(previous.arrival.atUtc, next.departure.atUtc)).toBeGreaterThanOrEqual(
        MCT_DOMESTIC_MINUTES,
      );
    }
  }
  for (const segment of segments) {
    expect(Date.parse(segment.arrival.atUtc)).toBeGreaterThan(Date.parse(segment.departure.atUtc));
    expect(Date.parse(segment.departure.at)).toBe(Date.parse(segment.departure.atUtc));
    expect(segment.cabin).toBe(request.cabin);
    expect(segment.seatsLeft).toBeGreaterThanOrEqual(request.adults + request.children);
    if (request.carriers) expect(request.carriers).toContain(segment.carrierCode);
  }
  expect(offer.price.currency).toBe(request.currency);
  if (request.maxPrice !== undefined) {
    expect(parseAmount(offer.price.total, request.currency)).toBeLessThanOrEqual(request.maxPrice);
  }
}

function sortKey(offer: FlightOfferView, sort: FlightSearchRequest['sort']): number {
  const first = offer.itineraries[0]!.segments[0]!;
  if (sort === 'departure') return Date.parse(first.departure.atUtc);
  if (sort === 'duration') {
    return offer.itineraries.reduce(
      (sum, it) => sum + minutesBetween(it.segments[0]!.departure.atUtc, it.segments.at(-1)!.arrival.atUtc),
      0,
    );
  }
  return Number(offer.price.total);
}

describe('flight search properties', () => {
  it('every offer obeys its filters, connections respect MCT and time order, results are sorted', async () => {
    await fc.assert(
      fc.asyncProperty(requestArbitrary(), async (request) => {
        const { offers } = await tp.platform.services.flights.search(request);
        for (const offer of offers) checkOffer(offer, request);
        for (let i = 1; i < offers.length; i++) {
          expect(sortKey(offers[i - 1]!, request.sort)).toBeLessThanOrEqual(
            sortKey(offers[i]!, request.sort),
          );
        }
        const ids = offers.map((o) =>
          o.itineraries.map((it) => it.segments.map((s) => s.id).join(',')).join('|'),
        );
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 60 },
    );
  });

  it('finds something for a good share of random airport pairs (the property above is not vacuous)', async () => {
    let nonEmpty = 0;
    const pairs = airportCodes
      .slice(0, 10)
      .flatMap((o) => airportCodes.slice(10, 15).map((d) => [o, d] as const));
    for (const [origin, destination] of pairs) {
      const { offers } = await tp.platform.services.flights.search(
        oneAdultEconomy(origin, destination, tp.date(2)),
      );
      if (offers.length > 0) nonEmpty++;
    }
    expect(nonEmpty / pairs.length).toBeGreaterThan(0.8);
  });

  it('paging through every cursor returns each offer exactly once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...airportCodes),
        fc.constantFrom(...airportCodes),
        fc.integer({ min: 1, max: 7 }),
        async (origin, destination, limit) => {
          fc.pre(origin !== destination);
          const query = `origin=${origin}&destination=${destination}&departureDate=${tp.date(2)}&limit=${limit}`;
          const firstResponse = await tp.fetch(`/v1/flights/search?${query}`);
          expect(firstResponse.status).toBe(200);
          const first = (await firstResponse.json()) as {
            data: { id: string }[];
            meta: { nextCursor: string | null; total: number; searchId: string };
          };
          const seen = first.data.map((o) => o.id);
          let cursor = first.meta.nextCursor;
          while (cursor) {
            const response = await tp.fetch(`/v1/flights/search?${query}&cursor=${cursor}`);
            expect(response.status).toBe(200);
            expect(response.headers.get('x-cache')).toBe('HIT');
            const page = (await response.json()) as typeof first;
            expect(page.meta.searchId).toBe(first.meta.searchId);
            expect(page.data.length).toBeLessThanOrEqual(limit);
            seen.push(...page.data.map((o) => o.id));
            cursor = page.meta.nextCursor;
          }
          expect(seen.length).toBe(first.meta.total);
          expect(new Set(seen).size).toBe(seen.length);
        },
      ),
      { numRuns: 15 },
    );
  });
});
