import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import { openSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { tagsForEvent } from '../../src/core/cache/event-tags.js';
import { createAvailabilityImport } from '../../src/core/imports/availability/availability-import.js';
import { createFaresImport } from '../../src/core/imports/fares/fares-import.js';
import { createHotelsImport } from '../../src/core/imports/hotels/hotels-import.js';
import { formatImportProblem, type ImportSummary } from '../../src/core/imports/import-kind.js';
import type { AirportDirectory } from '../../src/ports/airports.js';
import type { FlightRecord } from '../../src/ports/store.js';
import type { StoreBackend } from '../../src/ports/store-backend.js';
import { pendingEvents } from '../contract/store/target.js';
import { type LocalDynamo, openLocalDynamoStore, startDynalite } from '../helpers/dynalite.js';
import { importLines } from '../helpers/imports.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { dropSchema, openTestPostgresStore, uniqueSchema } from '../helpers/postgres.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';

/*
 * The fares, availability and hotels imports on every store backend: SQLite, PostgreSQL and DynamoDB
 * (dynalite). Each test gets a fresh store; today is 1 March 2030.
 */
const clock = new ManualClock(Date.UTC(2030, 2, 1, 8));
let airports: AirportDirectory;
let dynamo: LocalDynamo;
const schemas: string[] = [];

beforeAll(async () => {
  airports = await loadAirportDirectory();
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
  for (const schema of schemas) await dropSchema(schema);
});

const backends: [string, () => Promise<{ store: StoreBackend; dispose: () => void }>][] = [
  [
    'sqlite',
    async () => {
      const temp = tempSqliteFile();
      return { store: await openSqliteStore({ sqliteFile: temp.file }, clock), dispose: temp.cleanup };
    },
  ],
  [
    'postgres',
    async () => {
      const schema = uniqueSchema('imports');
      schemas.push(schema);
      const store = await openTestPostgresStore(schema, { clock });
      await store.migrate();
      return { store, dispose: () => {} };
    },
  ],
  ['dynamodb', async () => ({ store: await openLocalDynamoStore(dynamo.endpoint), dispose: () => {} })],
];

const MONDAY = Date.UTC(2030, 2, 11);
function flight(id: string, flightNumber: number, departureUtc: number): FlightRecord {
  return {
    id,
    carrier: 'XA',
    flightNumber,
    origin: 'LHR',
    destination: 'CDG',
    departureUtc,
    arrivalUtc: departureUtc + 75 * 60_000,
    aircraft: '320',
    distanceKm: 340,
    currency: 'EUR',
    cabins: [
      { cabin: 'economy', fare: 10_000, taxes: 2_000, seatsLeft: 150, capacity: 150 },
      { cabin: 'business', fare: 40_000, taxes: 2_000, seatsLeft: 12, capacity: 12 },
    ],
  };
}

const problems = (summary: ImportSummary): string[] => summary.errors.map(formatImportProblem);

describe.each(backends)('imports on %s', (_name, open) => {
  let store: StoreBackend;
  let dispose: () => void;
  beforeEach(async () => {
    ({ store, dispose } = await open());
    await store.inventory.putAirlines([{ iata: 'XA', name: 'Example Air', country: 'GB' }]);
    // XA10 leaves at 23:30 London time on 10 March, which is 00:30 on 11 March in Paris: dates are local to the origin.
    await store.inventory.putFlights([
      flight('XA10', 10, MONDAY - 30 * 60_000),
      flight('XA12', 12, MONDAY + 8 * 3_600_000),
    ]);
  });
  afterEach(async () => {
    await store.close();
    dispose();
  });

  describe('fares', () => {
    const HEADER =
      'carrier,origin,destination,cabin,fare_basis,booking_class,amount,currency,first_travel_date,last_travel_date';
    const run = (text: string) =>
      createFaresImport({
        fares: store.fares,
        airports,
        inventory: store.inventory,
        clock,
        eventSource: '/test/imports',
      }).run(importLines(text), { dryRun: false });
    const market = { carrier: 'XA', origin: 'LHR', destination: 'CDG' };

    it('publishes a file, changes nothing the second time, and a bad record applies nothing', async () => {
      const file = `${HEADER}\nXA,LHR,CDG,economy,YOW,Y,120.00,EUR,2030-01-01,2030-12-31\nXA,LHR,CDG,business,JOW,J,420.00,EUR,2030-01-01,2030-12-31\n`;
      expect((await run(file)).counts).toMatchObject({ created: 2 });
      expect((await pendingEvents(store.outbox)).map((e) => e.type)).toEqual(['price.updated']);
      expect((await run(file)).counts).toMatchObject({ created: 0, unchanged: 2 });
      expect(await pendingEvents(store.outbox)).toHaveLength(1);
      const bad = await run(
        `${HEADER}\nXA,LHR,CDG,economy,YOW,Y,99.00,EUR,2030-01-01,2030-12-31\nXA,LHR,CDG,economy,QOW,Q,x,EUR,2030-01-01,2030-12-31\n`,
      );
      expect(problems(bad)).toEqual(['line 3: amount: "x" is not a decimal amount in EUR (e.g. 129.50)']);
      const [fares] = await store.fares.findFares([market]);
      expect(fares?.map((f) => f.amount).sort()).toEqual([12_000, 42_000]);
    });
  });

  describe('availability', () => {
    const HEADER = 'carrier,flight_number,departure_date,origin,destination,cabin,seats_left';
    const run = (text: string, dryRun = false) =>
      createAvailabilityImport({
        inventory: store.inventory,
        updates: store.inventoryUpdates,
        airports,
        clock,
        eventSource: '/test/imports',
      }).run(importLines(text), { dryRun });
    const seats = async () =>
      (await store.inventory.getFlights(['XA10', 'XA12']))
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((f) =>
          [...f.cabins]
            .sort((a, b) => b.cabin.localeCompare(a.cabin))
            .map((c) => `${f.id} ${c.cabin} ${c.seatsLeft}`)
            .join(', '),
        );

    it('sets absolute seat counts, with availability.changed events for the routes and UTC dates', async () => {
      const summary = await run(
        `${HEADER}\nXA,10,2030-03-10,LHR,CDG,economy,42\nXA,12,2030-03-11,LHR,CDG,business,0\n`,
      );
      expect(summary).toMatchObject({ applied: true, counts: { records: 2, changed: 2, unchanged: 0 } });
      expect(await seats()).toEqual([
        'XA10 economy 42, XA10 business 12',
        'XA12 economy 150, XA12 business 0',
      ]);
      const events = await pendingEvents(store.outbox);
      expect(events.map((e) => e.type)).toEqual(['availability.changed']);
      expect(tagsForEvent(events[0] as never)).toEqual([
        // The route's cheapest-fare aggregates (discovery APIs) drop with any of its flights.
        'fares:LHR-CDG',
        'flight:LHR-CDG:2030-03-10',
        'flight:LHR-CDG:2030-03-11',
      ]);
    });

    it('the same file twice changes nothing the second time', async () => {
      const file = `${HEADER}\nXA,10,2030-03-10,LHR,CDG,economy,42\n`;
      await run(file);
      const before = await pendingEvents(store.outbox);
      expect((await run(file)).counts).toMatchObject({ changed: 0, unchanged: 1 });
      expect(await pendingEvents(store.outbox)).toEqual(before);
    });

    it('an unknown flight or cabin in the middle: line errors, nothing applied', async () => {
      const summary = await run(
        `${HEADER}\nXA,10,2030-03-10,LHR,CDG,economy,42\nXA,10,2030-03-11,LHR,CDG,economy,1\nXA,12,2030-03-11,LHR,CDG,first,1\nXA,12,2030-03-11,LHR,CDG,economy,3\nXA,10,2030-03-10,LHR,CDG,economy,40\n`,
      );
      expect(summary.applied).toBe(false);
      expect(problems(summary)).toEqual([
        'line 3: flight_number: no flight XA10 LHR-CDG departing 2030-03-11 (local date at the origin)',
        'line 4: cabin: flight XA12 LHR-CDG departing 2030-03-11 has no first cabin',
        'line 6: the same flight and cabin as line 2',
      ]);
      expect(await seats()).toEqual([
        'XA10 economy 150, XA10 business 12',
        'XA12 economy 150, XA12 business 12',
      ]);
    });

    it('checks seats against the capacity column and the header rules; a dry run applies nothing', async () => {
      expect(problems(await run(`${HEADER},capacity\nXA,10,2030-03-10,LHR,CDG,economy,200,150\n`))).toEqual([
        'line 2: seats_left: 200 is more than the capacity 150',
      ]);
      expect(problems(await run('carrier,flight_number,origin,cabin,seats_left\n'))).toEqual([
        'line 1: departure_date: required column missing from the header',
        'line 1: destination: required column missing from the header',
      ]);
      const dry = await run(`${HEADER}\nXA,10,2030-03-10,LHR,CDG,economy,42\n`, true);
      expect(dry).toMatchObject({ applied: false, counts: { changed: 1 } });
      expect(await seats()).toEqual([
        'XA10 economy 150, XA10 business 12',
        'XA12 economy 150, XA12 business 12',
      ]);
    });
  });

  describe('hotels', () => {
    const HEADER =
      'hotel_id,name,city_code,stars,latitude,longitude,address,amenities,room_type,room_name,max_occupancy,first_night,last_night,rate,currency,rooms_available';
    const FILE = [
      HEADER,
      'riverside,Riverside Hotel,LON,4,51.5079,-0.1160,1 Strand London,wifi;gym,standard-double,Standard double,2,2030-03-10,2030-03-12,129.00,GBP,5',
      'riverside,,,,,,,,suite,Suite,4,2030-03-10,2030-03-11,320.50,GBP,1',
      'riverside,,,,,,,,standard-double,,,2030-03-13,2030-03-13,150.00,GBP,2',
      'seine,Hôtel Seine,PAR,3,48.8566,2.3522,"2 Quai, Paris",,twin,Twin room,2,2030-03-10,2030-03-10,99.00,EUR,8',
    ].join('\n');
    const run = (text: string, dryRun = false) =>
      createHotelsImport({
        hotelImports: store.hotelImports,
        inventory: store.inventory,
        airports,
        clock,
        eventSource: '/test/imports',
      }).run(importLines(`${text}\n`), { dryRun });
    const nights = async (hotelId: string) =>
      (await store.inventory.findRoomNights([hotelId], '2030-03-01', '2030-04-01'))
        .map((n) => `${n.date} ${n.roomType} ${n.rate} ${n.currency} ${n.roomsLeft}`)
        .sort();

    it('creates hotels with their room types and nights, and events that drop their cities’ searches', async () => {
      const summary = await run(FILE);
      expect(problems(summary)).toEqual([]);
      expect(summary).toMatchObject({
        applied: true,
        counts: { records: 4, hotels: 2, hotelsCreated: 2, nightsCreated: 7, nightsRemoved: 0 },
      });
      const [riverside] = await store.inventory.getHotels(['riverside']);
      expect(riverside).toEqual({
        id: 'riverside',
        name: 'Riverside Hotel',
        cityCode: 'LON',
        stars: 4,
        latitude: 51.5079,
        longitude: -0.116,
        address: '1 Strand London',
        amenities: ['wifi', 'gym'],
        roomTypes: [
          { code: 'standard-double', name: 'Standard double', maxOccupancy: 2 },
          { code: 'suite', name: 'Suite', maxOccupancy: 4 },
        ],
      });
      expect(await nights('riverside')).toEqual([
        '2030-03-10 standard-double 12900 GBP 5',
        '2030-03-10 suite 32050 GBP 1',
        '2030-03-11 standard-double 12900 GBP 5',
        '2030-03-11 suite 32050 GBP 1',
        '2030-03-12 standard-double 12900 GBP 5',
        '2030-03-13 standard-double 15000 GBP 2',
      ]);
      const tags = (await pendingEvents(store.outbox)).flatMap((e) => tagsForEvent(e));
      expect(tags).toEqual(
        expect.arrayContaining(['hotel-city:LON:2030-03-10', 'hotel-city:PAR:2030-03-10']),
      );
    });

    it('the same file twice changes nothing; a new file replaces the hotel’s nights in its dates only', async () => {
      await run(FILE);
      const before = await pendingEvents(store.outbox);
      expect((await run(FILE)).counts).toMatchObject({
        hotelsUnchanged: 2,
        nightsUnchanged: 7,
        nightsCreated: 0,
      });
      expect(await pendingEvents(store.outbox)).toEqual(before);
      const second = await run(
        [
          HEADER,
          'riverside,Riverside Hotel,LON,4,51.5079,-0.1160,1 Strand London,wifi;gym,standard-double,Standard double,2,2030-03-11,2030-03-11,135.00,GBP,4',
        ].join('\n'),
      );
      // The suite is gone (its nights with it); 10, 12 and 13 March stay as the earlier file left them.
      expect(second.counts).toMatchObject({ hotelsChanged: 1, nightsChanged: 1, nightsRemoved: 2 });
      expect(await nights('riverside')).toEqual([
        '2030-03-10 standard-double 12900 GBP 5',
        '2030-03-11 standard-double 13500 GBP 4',
        '2030-03-12 standard-double 12900 GBP 5',
        '2030-03-13 standard-double 15000 GBP 2',
      ]);
      expect(await nights('seine')).toEqual(['2030-03-10 twin 9900 EUR 8']);
    });

    it('a bad row in the middle: every problem by line, nothing applied', async () => {
      const summary = await run(
        [
          HEADER,
          'riverside,Riverside Hotel,LON,4,51.5079,-0.1160,1 Strand London,,standard-double,Standard double,2,2030-03-10,2030-03-12,129.00,GBP,5',
          'atlantis,Atlantis,XXQ,4,51.5,-0.1,Sea,,standard,Standard,2,,,,,',
          'moon,Moon Hotel,LON,4,91.5,-0.1,Sea,,standard,Standard,2,,,,,',
          'riverside,,,,,,,,standard-double,,,2030-03-13,2030-03-13,1O0.00,GBP,2',
          'riverside,,,,,,,,penthouse,,,2030-03-13,2030-03-13,100.00,GBP,2',
          'riverside,,,,,,,,standard-double,,,2030-03-12,2030-03-12,100.00,GBP,2',
          'riverside,Riverside Hotel,LON,5,51.5079,-0.1160,1 Strand London,,standard-double,,,,,,,',
        ].join('\n'),
      );
      expect(summary.applied).toBe(false);
      expect(problems(summary)).toEqual([
        'line 3: city_code: unknown city code XXQ',
        'line 4: latitude: "91.5" is not a decimal number from -90 to 90',
        'line 5: rate: "1O0.00" is not a decimal amount in GBP (e.g. 129.50)',
        'line 6: room_type: unknown room type penthouse of hotel riverside: define it (room_name, max_occupancy) on an earlier row',
        'line 7: first_night: gives a night of this hotel and room type that an earlier row gives',
        'line 8: hotel riverside is described differently at line 2',
      ]);
      expect(await store.inventory.getHotels(['riverside'])).toEqual([]);
    });

    it('header rules: room_type is required, unknown columns are refused; a hotel’s first row describes it', async () => {
      expect(problems(await run('hotel_id,name,city_code,stars,latitude,longitude,address,floor'))).toEqual([
        expect.stringMatching(/^line 1: floor: unknown column/),
        'line 1: room_type: required column missing from the header',
      ]);
      expect(
        problems(await run(`${HEADER}\nriverside,,,,,,,,standard-double,Standard double,2,,,,,`)),
      ).toEqual([
        'line 2: name: required',
        'line 2: city_code: required',
        'line 2: stars: required',
        'line 2: latitude: required',
        'line 2: longitude: required',
        'line 2: address: required',
      ]);
    });

    it('a dry run counts and applies nothing; JSON Lines with the same members', async () => {
      const dry = await run(FILE, true);
      expect(dry).toMatchObject({ applied: false, counts: { hotelsCreated: 2, nightsCreated: 7 } });
      expect(await store.inventory.getHotels(['riverside'])).toEqual([]);
      const json = await run(
        '{"hotel_id":"tower","name":"Tower","city_code":"LON","stars":5,"latitude":51.508,"longitude":-0.076,"address":"Tower Hill","room_type":"king","room_name":"King","max_occupancy":2,"first_night":"2030-03-10","last_night":"2030-03-10","rate":"410.00","currency":"GBP","rooms_available":3}',
      );
      expect(problems(json)).toEqual([]);
      expect(await nights('tower')).toEqual(['2030-03-10 king 41000 GBP 3']);
    });
  });
});
