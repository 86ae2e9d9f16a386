import fc from 'fast-check';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/store/sqlite/index.js';
import type { FlightSearchRequest } from '../../src/core/flights/flight-search-request.js';
import { createFaresImport } from '../../src/core/imports/fares/fares-import.js';
import { formatImportProblem } from '../../src/core/imports/import-kind.js';
import type { AirportDirectory } from '../../src/ports/airports.js';
import type { FlightRecord } from '../../src/ports/store.js';
import { importLines, searchOver, withFareSource } from '../helpers/imports.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';

/*
 * A small world flown by XA, whose schedule was imported with fares filed separately (`filed`), and
 * by ZE, imported without fares (`estimated`): Monday 11 March 2030, LHR → CDG → FRA, and back
 * CDG → LHR on Friday 15 March. Today is 1 March 2030 (10 days ahead of the outbound).
 */
const HOUR = 3_600_000;
const MONDAY = Date.UTC(2030, 2, 11);
const FRIDAY = Date.UTC(2030, 2, 15);
const HEADER =
  'carrier,origin,destination,cabin,fare_basis,booking_class,amount,currency,first_travel_date,last_travel_date,days_of_week,advance_purchase_days,min_stay_days,max_stay_days,refundable,checked_bags,trip_type';

function flight(
  id: string,
  carrier: string,
  origin: string,
  destination: string,
  departureUtc: number,
): FlightRecord {
  return {
    id,
    carrier,
    flightNumber: Number(id.replace(/\D/g, '')),
    origin,
    destination,
    departureUtc,
    arrivalUtc: departureUtc + 75 * 60_000,
    aircraft: '320',
    distanceKm: 400,
    currency: 'EUR',
    // The inventory fare of a filed flight is never used: 9 999.00 would show if it were.
    cabins: [
      {
        cabin: 'economy',
        fare: carrier === 'ZE' ? 15_000 : 999_900,
        taxes: 2_000,
        seatsLeft: 40,
        capacity: 180,
      },
    ],
  };
}

const FLIGHTS = [
  flight('XA10', 'XA', 'LHR', 'CDG', MONDAY + 7 * HOUR),
  flight('XA20', 'XA', 'CDG', 'FRA', MONDAY + 10.5 * HOUR),
  flight('XA40', 'XA', 'CDG', 'LHR', FRIDAY + 17 * HOUR),
  flight('ZE50', 'ZE', 'LHR', 'AMS', MONDAY + 9 * HOUR),
];

let airports: AirportDirectory;
let store: SqliteStore;
let cleanup: () => void;
const clock = new ManualClock(Date.UTC(2030, 2, 1, 8));

beforeAll(async () => {
  airports = await loadAirportDirectory();
});
beforeEach(async () => {
  clock.set(Date.UTC(2030, 2, 1, 8));
  const temp = tempSqliteFile();
  cleanup = temp.cleanup;
  store = await openSqliteStore({ sqliteFile: temp.file }, clock);
  await store.inventory.putAirlines([
    { iata: 'XA', name: 'Example Air', country: 'GB' },
    { iata: 'ZE', name: 'Zed Estimates', country: 'NL' },
  ]);
  await store.inventory.putFlights(FLIGHTS);
});
afterEach(async () => {
  await store.close();
  cleanup();
});

async function fileFares(...records: string[]): Promise<void> {
  const summary = await createFaresImport({
    fares: store.fares,
    airports,
    inventory: store.inventory,
    clock,
    eventSource: '/test/imports',
  }).run(importLines(`${HEADER}\n${records.join('\n')}\n`), { dryRun: false });
  expect(summary.errors.map(formatImportProblem)).toEqual([]);
}

/** A fare row: only the columns a test cares about, the rest filled with defaults. */
function fare(
  origin: string,
  destination: string,
  basis: string,
  amount: string,
  more: Partial<
    Record<'days' | 'ap' | 'minStay' | 'maxStay' | 'refundable' | 'bags' | 'trip' | 'cabin', string>
  > = {},
): string {
  return [
    'XA',
    origin,
    destination,
    more.cabin ?? 'economy',
    basis,
    basis[0],
    amount,
    'EUR',
    '2030-01-01',
    '2030-12-31',
    more.days ?? '',
    more.ap ?? '',
    more.minStay ?? '',
    more.maxStay ?? '',
    more.refundable ?? '',
    more.bags ?? '',
    more.trip ?? '',
  ].join(',');
}

function request(
  origin: string,
  destination: string,
  more: Partial<FlightSearchRequest> = {},
): FlightSearchRequest {
  return {
    origin,
    destination,
    departureDate: '2030-03-11',
    adults: 1,
    children: 0,
    infants: 0,
    cabin: 'economy',
    maxStops: 1,
    sort: 'price',
    currency: 'EUR',
    ...more,
  };
}

const sources = new Map([
  ['XA', 'filed' as const],
  ['ZE', 'estimated' as const],
]);
const engine = () => searchOver(store, withFareSource(store.inventory, sources), airports, clock);
const totals = async (search: FlightSearchRequest) =>
  (await engine().search.search(search)).offers.map(
    (o) => `${o.itineraries.map((i) => i.segments.map((s) => s.id).join('+')).join(' / ')} ${o.price.total}`,
  );

describe('pricing filed flights from imported fares', () => {
  it('a connection is priced from its components when no through fare is cheaper', async () => {
    await fileFares(
      fare('LHR', 'CDG', 'YOW', '100.00'),
      fare('CDG', 'FRA', 'YOW', '80.00'),
      fare('LHR', 'FRA', 'BTHRU', '200.00'),
    );
    // 100 + 80, plus 20.00 taxes per flight.
    expect(await totals(request('LHR', 'FRA'))).toEqual(['XA10+XA20 220.00']);
  });

  it('an origin–destination fare for the whole journey wins when cheaper', async () => {
    await fileFares(
      fare('LHR', 'CDG', 'YOW', '100.00'),
      fare('CDG', 'FRA', 'YOW', '80.00'),
      fare('LHR', 'FRA', 'BTHRU', '150.00'),
    );
    const [offer] = (await engine().search.search(request('LHR', 'FRA'))).offers;
    expect(offer?.price).toMatchObject({ total: '190.00', base: '150.00', taxes: '40.00' });
    expect(offer?.itineraries[0]?.segments.map((s) => s.fare)).toEqual([
      { source: 'filed', fareBasis: 'BTHRU', bookingClass: 'B', refundable: false, checkedBags: 0 },
      { source: 'filed', fareBasis: 'BTHRU', bookingClass: 'B', refundable: false, checkedBags: 0 },
    ]);
  });

  it('a filed flight no fare covers is not offered; the search depends on that route’s fares', async () => {
    await fileFares(fare('LHR', 'CDG', 'YOW', '100.00'));
    const run = await engine().search.search(request('LHR', 'FRA'));
    expect(run.offers).toEqual([]);
    expect(run.tags).toEqual(expect.arrayContaining(['fares:CDG-FRA', 'fares:LHR-CDG', 'fares:LHR-FRA']));
    expect(await totals(request('LHR', 'CDG'))).toEqual(['XA10 120.00']);
  });

  it('the cheapest fare whose advance purchase is met applies, counted from today at the origin', async () => {
    await fileFares(
      fare('LHR', 'CDG', 'YOW', '300.00'),
      fare('LHR', 'CDG', 'QAP14', '120.00', { ap: '14' }),
      fare('LHR', 'CDG', 'MAP7', '180.00', { ap: '7' }),
    );
    expect(await totals(request('LHR', 'CDG'))).toEqual(['XA10 200.00']);
    clock.set(Date.UTC(2030, 2, 25 - 28, 8)); // 25 February: 14 days ahead
    expect(await totals(request('LHR', 'CDG'))).toEqual(['XA10 140.00']);
  });

  it('a fare for other days of the week does not apply', async () => {
    await fileFares(
      fare('LHR', 'CDG', 'YOW', '300.00'),
      fare('LHR', 'CDG', 'WKND', '90.00', { days: '67' }),
      fare('LHR', 'CDG', 'MON', '250.00', { days: '1' }),
    );
    expect(await totals(request('LHR', 'CDG'))).toEqual(['XA10 270.00']);
  });

  it('round-trip fares need a return, within their stay; one-way fares price one-way journeys only', async () => {
    await fileFares(
      fare('LHR', 'CDG', 'YOW', '200.00', { trip: 'one_way' }),
      fare('CDG', 'LHR', 'YOW', '200.00', { trip: 'one_way' }),
      fare('LHR', 'CDG', 'HRT', '90.00', { trip: 'round_trip', minStay: '3', maxStay: '30' }),
      fare('CDG', 'LHR', 'HRT', '90.00', { trip: 'round_trip', minStay: '3', maxStay: '30' }),
      fare('LHR', 'CDG', 'SRT', '60.00', { trip: 'round_trip', minStay: '7' }),
    );
    expect(await totals(request('LHR', 'CDG'))).toEqual(['XA10 220.00']);
    // Four days' stay: HRT both ways (SRT needs seven); no one-way fare on a round trip.
    expect(await totals(request('LHR', 'CDG', { returnDate: '2030-03-15' }))).toEqual(['XA10 / XA40 220.00']);
  });

  it('children and infants pay their share of each fare component, as of inventory fares', async () => {
    await fileFares(fare('LHR', 'CDG', 'YOW', '100.00'));
    const [offer] = (
      await engine().search.search(request('LHR', 'CDG', { adults: 1, children: 1, infants: 1 }))
    ).offers;
    expect(offer?.travelerPricings.map((p) => `${p.travelerType} ${p.price.total}`)).toEqual([
      'adult 120.00',
      'child 95.00',
      'infant 10.00',
    ]);
  });

  it('an estimated flight is priced from its inventory fare and marked estimated', async () => {
    const [offer] = (await engine().search.search(request('LHR', 'AMS'))).offers;
    expect(offer).toMatchObject({ priceEstimated: true, price: { total: '170.00' } });
    expect(offer?.itineraries[0]?.segments[0]?.fare).toEqual({ source: 'estimated' });
  });

  it('price confirmation quotes exactly what the search offered, and refuses once the fare is withdrawn', async () => {
    await fileFares(fare('LHR', 'CDG', 'YOW', '100.00', { refundable: 'true', bags: '2' }));
    const { search, confirmation } = engine();
    const [offer] = (await search.search(request('LHR', 'CDG'))).offers;
    const confirmed = await confirmation.confirm(offer?.id as string);
    if (confirmed.kind !== 'flight') throw new Error('a flight offer confirms as a flight');
    expect(confirmed.offer.price).toEqual(offer?.price);
    expect(confirmed.offer.itineraries).toEqual(offer?.itineraries);
    await createFaresImport({
      fares: store.fares,
      airports,
      inventory: store.inventory,
      clock,
      eventSource: '/t',
    }).run(importLines(`${HEADER}\n${fare('LHR', 'CDG', 'YOW', '110.00')}\n`), { dryRun: false });
    await expect(confirmation.confirm(offer?.id as string)).rejects.toMatchObject({ code: 'price-changed' });
    await createFaresImport({
      fares: store.fares,
      airports,
      inventory: store.inventory,
      clock,
      eventSource: '/t',
    }).run(importLines(`${HEADER}\n${fare('LHR', 'CDG', 'YOW', '110.00', { cabin: 'business' })}\n`), {
      dryRun: false,
    });
    await expect(confirmation.confirm(offer?.id as string)).rejects.toMatchObject({ code: 'offer-expired' });
  });
});

describe('property: the cheapest applicable fare is what search offers', () => {
  const fareArbitrary = fc.record({
    cents: fc.integer({ min: 1_000, max: 90_000 }),
    days: fc.option(fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }), { nil: undefined }),
    ap: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    trip: fc.constantFrom('', 'any', 'one_way', 'round_trip'),
  });

  it('for any valid fares file of the market, a one-way search costs the cheapest fare that applies (or offers nothing)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fareArbitrary, { minLength: 1, maxLength: 8 }), async (fares) => {
        const rows = fares.map((f, i) =>
          fare('LHR', 'CDG', `F${i}`, (f.cents / 100).toFixed(2), {
            days: f.days?.join('') ?? '',
            ap: f.ap === undefined ? '' : String(f.ap),
            trip: f.trip,
          }),
        );
        await fileFares(...rows);
        // Monday (1), ten days ahead, one way.
        const applicable = fares.filter(
          (f) => (f.days === undefined || f.days.includes(1)) && (f.ap ?? 0) <= 10 && f.trip !== 'round_trip',
        );
        const offers = (await engine().search.search(request('LHR', 'CDG'))).offers;
        if (applicable.length === 0) {
          expect(offers).toEqual([]);
          return;
        }
        const cheapest = Math.min(...applicable.map((f) => f.cents));
        expect(offers.map((o) => o.price.base)).toEqual([(cheapest / 100).toFixed(2)]);
      }),
      { numRuns: 40 },
    );
  });
});
