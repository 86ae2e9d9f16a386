import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import { openSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import {
  type ScheduleChangedData,
  touchedPeriodDates,
  touchedPeriodsOf,
} from '../../src/core/events/inventory-events.js';
import type { ImportSummary } from '../../src/core/imports/import-kind.js';
import { SsimImport } from '../../src/core/imports/ssim/ssim-import.js';
import type { AirportDirectory } from '../../src/ports/airports.js';
import type { BookingRecord, BookingStore } from '../../src/ports/bookings.js';
import type { CloudEvent } from '../../src/ports/events.js';
import type { StoreBackend } from '../../src/ports/store-backend.js';
import { seatBooking } from '../contract/store/fixtures.js';
import { pendingEvents } from '../contract/store/target.js';
import { type LocalDynamo, openLocalDynamoStore, startDynalite } from '../helpers/dynalite.js';
import { dropSchema, openTestPostgresStore, uniqueSchema } from '../helpers/postgres.js';
import { asImportLines, leg, ssimFile, type TestCarrierBlock } from '../helpers/ssim-files.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';

const clock = { now: () => Date.UTC(2026, 11, 1) };

interface Target {
  name: string;
  open(): Promise<{ backend: StoreBackend; dispose(): Promise<void> }>;
}

const targets: Target[] = [
  {
    name: 'sqlite',
    async open() {
      const temp = tempSqliteFile();
      const backend = await openSqliteStore({ sqliteFile: temp.file });
      return {
        backend,
        async dispose() {
          await backend.close();
          temp.cleanup();
        },
      };
    },
  },
  {
    name: 'postgres',
    async open() {
      const schema = uniqueSchema('ssim');
      const backend = await openTestPostgresStore(schema);
      await backend.migrate();
      return {
        backend,
        async dispose() {
          await backend.close();
          await dropSchema(schema);
        },
      };
    },
  },
  {
    // One dynalite per file, a fresh table per test; the switch is the schedule generation pointer.
    name: 'dynamodb',
    async open() {
      dynamo ??= await startDynalite();
      const backend = await openLocalDynamoStore(dynamo.endpoint);
      return { backend, dispose: () => backend.close() };
    },
  },
];

let dynamo: LocalDynamo | undefined;
afterAll(async () => {
  await dynamo?.close();
});

const JAN = { validFrom: '2027-01-04', validTo: '2027-01-17' };

function block(
  records: TestCarrierBlock['records'],
  overrides: Partial<TestCarrierBlock> = {},
): TestCarrierBlock {
  return { carrier: 'BA', timeMode: 'U', ...JAN, records, ...overrides };
}

let airports: AirportDirectory;
beforeAll(async () => {
  airports = await loadAirportDirectory();
});

describe.each(targets)('SSIM import on $name', (target) => {
  let opened: { backend: StoreBackend; dispose(): Promise<void> } | undefined;
  const backend = (): StoreBackend => opened?.backend as StoreBackend;
  afterEach(async () => {
    await opened?.dispose();
    opened = undefined;
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  async function importLines(
    lines: string[],
    options = { dryRun: false, estimateFares: true },
    bookings?: BookingStore,
  ): Promise<ImportSummary> {
    opened ??= await target.open();
    const kind = new SsimImport({
      airports,
      inventory: backend().inventory,
      schedules: backend().schedules,
      bookings: bookings ?? backend().bookings,
      clock,
      eventSource: '/test',
    });
    return kind.run(asImportLines(lines), options);
  }

  const flight = async (id: string) => (await backend().inventory.getFlights([id]))[0];

  it('expands a UTC schedule into one dated leg per day of operation, with cabins from the configuration', async () => {
    const summary = await importLines(
      ssimFile([
        block([
          leg({
            flightNumber: 117,
            origin: 'LHR',
            destination: 'JFK',
            periodFrom: '2027-01-04',
            periodTo: '2027-01-10',
            days: [1, 3, 5],
            departureMinute: 8 * 60 + 25,
            arrivalMinute: 16 * 60 + 5,
            aircraftConfiguration: 'J14W34Y316',
            aircraft: '777',
          }),
        ]),
      ]),
    );
    expect(summary).toMatchObject({ applied: true, errorCount: 0 });
    expect(summary.counts).toMatchObject({ legRecords: 1, datedLegs: 3, created: 3, changed: 0 });
    const monday = await flight('2027-01-04-BA117');
    expect(monday).toMatchObject({
      origin: 'LHR',
      destination: 'JFK',
      departureUtc: Date.UTC(2027, 0, 4, 8, 25),
      arrivalUtc: Date.UTC(2027, 0, 4, 16, 5),
      aircraft: '777',
      fareSource: 'estimated',
    });
    expect(Object.fromEntries(monday?.cabins.map((c) => [c.cabin, c.capacity]) ?? [])).toEqual({
      business: 14,
      premium_economy: 34,
      economy: 316,
    });
    expect(await flight('2027-01-05-BA117')).toBeUndefined();
    expect(
      (await backend().inventory.listRoutes()).find((r) => r.origin === 'LHR' && r.destination === 'JFK'),
    ).toEqual({
      origin: 'LHR',
      destination: 'JFK',
      carriers: ['BA'],
    });
  });

  it('reads local times with their UTC variation, or through the airport time zone when the variation is blank', async () => {
    await importLines(
      ssimFile([
        block(
          [
            leg({
              flightNumber: 1,
              origin: 'JFK',
              destination: 'LHR',
              periodFrom: '2027-01-04',
              periodTo: '2027-01-04',
              departureMinute: 18 * 60,
              departureUtcVariation: -300,
              arrivalMinute: 6 * 60,
              arrivalUtcVariation: 0,
              arrivalDateVariation: 1,
            }),
            leg({
              flightNumber: 3,
              origin: 'JFK',
              destination: 'LHR',
              periodFrom: '2027-01-04',
              periodTo: '2027-01-04',
              departureMinute: 18 * 60,
              arrivalMinute: 6 * 60,
              arrivalDateVariation: 1,
            }),
          ],
          { timeMode: 'L' },
        ),
      ]),
    );
    for (const id of ['2027-01-04-BA1', '2027-01-04-BA3']) {
      expect(await flight(id)).toMatchObject({
        departureUtc: Date.UTC(2027, 0, 4, 23, 0),
        arrivalUtc: Date.UTC(2027, 0, 5, 6, 0),
      });
    }
  });

  it('takes a blank arrival date variation with an earlier arrival time as the next day, with a warning', async () => {
    const summary = await importLines(
      ssimFile([
        block([
          leg({
            flightNumber: 15,
            origin: 'LHR',
            destination: 'SIN',
            periodFrom: '2027-01-04',
            periodTo: '2027-01-05',
            departureMinute: 21 * 60,
            arrivalMinute: 10 * 60 + 30,
            aircraft: '388',
            aircraftConfiguration: '',
          }),
        ]),
      ]),
    );
    expect(summary.applied).toBe(true);
    expect(summary.warningCount).toBe(1);
    expect(summary.warnings[0]).toMatchObject({ line: 3, field: 'arrival_date_variation' });
    const f = await flight('2027-01-04-BA15');
    expect(f?.arrivalUtc).toBe(Date.UTC(2027, 0, 5, 10, 30));
    expect(f && f.arrivalUtc > f.departureUtc).toBe(true);
    // No configuration: seats of the aircraft type's layout, limited to the cabins the PRBD sells.
    expect(f?.cabins.map((c) => c.cabin).sort()).toEqual(['business', 'economy']);
  });

  it('operates a fortnightly flight every other week from the first date of its period', async () => {
    const summary = await importLines(
      ssimFile([
        block([
          leg({
            flightNumber: 9,
            origin: 'LHR',
            destination: 'MAD',
            periodFrom: '2027-01-04',
            periodTo: '2027-01-17',
            days: [1],
            fortnightly: true,
          }),
        ]),
      ]),
    );
    expect(summary.counts.datedLegs).toBe(1);
    expect(await flight('2027-01-04-BA9')).toBeDefined();
    expect(await flight('2027-01-11-BA9')).toBeUndefined();
  });

  it('skips cargo and positioning legs with a count; they are never stored', async () => {
    const summary = await importLines(
      ssimFile([
        block([
          leg({
            flightNumber: 8001,
            serviceType: 'F',
            // A freighter: no passenger cabins, a type without a passenger layout.
            aircraft: '77F',
            prbd: '',
            aircraftConfiguration: '',
            origin: 'LHR',
            destination: 'FRA',
            periodFrom: '2027-01-04',
            periodTo: '2027-01-05',
          }),
          leg({
            flightNumber: 8002,
            serviceType: 'P',
            origin: 'LHR',
            destination: 'FRA',
            periodFrom: '2027-01-04',
            periodTo: '2027-01-04',
          }),
          leg({
            flightNumber: 900,
            origin: 'LHR',
            destination: 'FRA',
            periodFrom: '2027-01-04',
            periodTo: '2027-01-04',
          }),
        ]),
      ]),
    );
    expect(summary.counts).toMatchObject({ skippedNonPassengerLegs: 3, datedLegs: 1 });
    expect(await flight('2027-01-04-BA8001')).toBeUndefined();
    expect(await flight('2027-01-04-BA900')).toBeDefined();
  });

  it('makes the legs of one itinerary variation one through flight, with codeshares from DEI 10', async () => {
    const summary = await importLines(
      ssimFile([
        block([
          leg({
            flightNumber: 11,
            legSequence: 1,
            origin: 'LHR',
            destination: 'BAH',
            periodFrom: '2027-01-04',
            periodTo: '2027-01-04',
            departureMinute: 10 * 60,
            arrivalMinute: 17 * 60,
            aircraft: '789',
            aircraftConfiguration: 'J42W28Y216',
          }),
          leg({
            flightNumber: 11,
            legSequence: 2,
            origin: 'BAH',
            destination: 'SIN',
            periodFrom: '2027-01-04',
            periodTo: '2027-01-04',
            departureMinute: 17 * 60 + 30,
            arrivalMinute: 1 * 60,
            arrivalDateVariation: 1,
            aircraft: '789',
            aircraftConfiguration: 'J42W28Y216',
          }),
          {
            segment: {
              flightNumber: 11,
              variation: 1,
              legSequence: 1,
              serviceType: 'J',
              dataElement: 10,
              boardPoint: 'LHR',
              offPoint: 'BAH',
              data: 'QR 5911',
            },
          },
        ]),
      ]),
    );
    expect(summary.errors).toEqual([]);
    expect(await flight('2027-01-04-BA11-1')).toMatchObject({
      throughFlight: { id: '2027-01-04-BA11', legSequence: 1 },
      codeshares: [{ carrier: 'QR', flightNumber: 5911 }],
    });
    expect(await flight('2027-01-04-BA11-2')).toMatchObject({
      throughFlight: { id: '2027-01-04-BA11', legSequence: 2 },
      departureUtc: Date.UTC(2027, 0, 4, 17, 30),
      arrivalUtc: Date.UTC(2027, 0, 5, 1, 0),
    });
  });

  it('reports unknown stations, impossible times and overlapping periods with their lines, and applies nothing', async () => {
    const lines = ssimFile([
      block([
        leg({
          flightNumber: 1,
          origin: 'LHR',
          destination: 'QQQ',
          periodFrom: '2027-01-04',
          periodTo: '2027-01-05',
        }),
        leg({
          flightNumber: 2,
          origin: 'LHR',
          destination: 'CDG',
          periodFrom: '2027-01-04',
          periodTo: '2027-01-05',
        }),
        leg({
          flightNumber: 2,
          variation: 2,
          origin: 'LHR',
          destination: 'CDG',
          periodFrom: '2027-01-05',
          periodTo: '2027-01-06',
        }),
      ]),
    ]);
    lines.splice(4, 0, lines[4]?.replace(/^(.{39})..../, '$12561') as string);
    const summary = await importLines(lines);
    expect(summary.applied).toBe(false);
    expect(summary.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'arrival_station'],
      [5, 'passenger_std'],
      [6, 'period_from'],
    ]);
    expect(summary.errors[2]?.message).toContain('line 4');
    expect(await flight('2027-01-04-BA2')).toBeUndefined();
  });

  it('applies nothing when one record in the middle of a large file is bad', async () => {
    const records = Array.from({ length: 400 }, (_, i) =>
      leg({
        flightNumber: 1000 + i,
        origin: 'LHR',
        destination: i % 2 ? 'CDG' : 'AMS',
        periodFrom: '2027-01-04',
        periodTo: '2027-01-17',
      }),
    );
    const lines = ssimFile([block(records)]);
    lines[202] = `3 BA 1200ZZ01J${(lines[202] as string).slice(14)}`;
    const summary = await importLines(lines);
    expect(summary).toMatchObject({ applied: false, errorCount: 1 });
    expect(summary.errors[0]).toMatchObject({ line: 203, field: 'itinerary_variation' });
    expect((await backend().inventory.stats()).flights).toBe(0);
  });

  it('changes nothing when the same file is imported twice', async () => {
    const lines = ssimFile([
      block([
        leg({
          flightNumber: 5,
          origin: 'LHR',
          destination: 'CDG',
          periodFrom: '2027-01-04',
          periodTo: '2027-01-10',
        }),
      ]),
    ]);
    await importLines(lines);
    const before = await pendingEvents(backend().outbox);
    const again = await importLines(lines);
    expect(again.counts).toMatchObject({ created: 0, changed: 0, unchanged: 7, deleted: 0, cancelled: 0 });
    expect((await pendingEvents(backend().outbox)).length).toBe(before.length);
    expect((await backend().inventory.stats()).flights).toBe(7);
  });

  it('a dry run validates and counts but writes nothing', async () => {
    const summary = await importLines(
      ssimFile([
        block([
          leg({
            flightNumber: 5,
            origin: 'LHR',
            destination: 'CDG',
            periodFrom: '2027-01-04',
            periodTo: '2027-01-10',
          }),
        ]),
      ]),
      { dryRun: true, estimateFares: true },
    );
    expect(summary).toMatchObject({ applied: false, errorCount: 0 });
    expect(summary.counts.datedLegs).toBe(7);
    expect((await backend().inventory.stats()).flights).toBe(0);
  });

  it('retimes and cancels booked flights instead of deleting them, one schedule.changed per affected booking', async () => {
    const first = ssimFile([
      block([
        leg({
          flightNumber: 20,
          origin: 'LHR',
          destination: 'CDG',
          periodFrom: '2027-01-04',
          periodTo: '2027-01-05',
        }),
        leg({
          flightNumber: 22,
          origin: 'LHR',
          destination: 'CDG',
          periodFrom: '2027-01-04',
          periodTo: '2027-01-05',
        }),
      ]),
    ]);
    await importLines(first);
    const b = seatBooking(['2027-01-04-BA20', '2027-01-04-BA22'], 2);
    const claim = await backend().bookings.claimKey('key', 'k', 'hash', {
      now: 1,
      leaseMs: 60_000,
      retentionMs: 60_000,
    });
    if (claim.state !== 'acquired') throw new Error('key not acquired');
    await backend().bookings.create(b, { scope: 'key', key: 'k', token: claim.token }, []);
    const seen = (await pendingEvents(backend().outbox)).length;
    // BA20 moves an hour later, BA22 disappears, the 5 January BA20 is unbooked and simply retimed.
    const second = ssimFile([
      block([
        leg({
          flightNumber: 20,
          origin: 'LHR',
          destination: 'CDG',
          periodFrom: '2027-01-04',
          periodTo: '2027-01-05',
          departureMinute: 10 * 60,
          arrivalMinute: 12 * 60,
        }),
      ]),
    ]);
    const summary = await importLines(second);
    expect(summary.counts).toMatchObject({ retimed: 2, cancelled: 1, deleted: 1, affectedBookings: 1 });
    expect(await flight('2027-01-04-BA22')).toMatchObject({ cancelled: true });
    expect(await flight('2027-01-05-BA22')).toBeUndefined();
    const retimed = await flight('2027-01-04-BA20');
    expect(retimed?.departureUtc).toBe(Date.UTC(2027, 0, 4, 10));
    // Seats the booking holds stay sold on the rewritten flight.
    expect(retimed?.cabins.find((c) => c.cabin === 'economy')).toMatchObject({
      capacity: 150,
      seatsLeft: 148,
    });
    expect(await backend().bookings.get(b.id)).toMatchObject({ status: 'confirmed' });
    const events = (await pendingEvents(backend().outbox)).slice(seen) as CloudEvent<ScheduleChangedData>[];
    const perBooking = events.filter((e) => e.subject === b.id);
    expect(perBooking).toHaveLength(1);
    expect(perBooking[0]?.type).toBe('schedule.changed');
    expect(perBooking[0]?.data.affectedBookings.map((a) => [a.flightId, a.change]).sort()).toEqual([
      ['2027-01-04-BA20', 'retimed'],
      ['2027-01-04-BA22', 'cancelled'],
    ]);
    // Every route-date that changed is named for the caches: as a dated flight, or as a period's dates.
    const dates = events.flatMap((e) => [
      ...e.data.flights.map((f) => `${f.origin}-${f.destination}:${f.departureDate}`),
      ...touchedPeriodsOf(e).flatMap((p) =>
        touchedPeriodDates(p).map((date) => `${p.origin}-${p.destination}:${date}`),
      ),
    ]);
    expect(new Set(dates)).toEqual(new Set(['LHR-CDG:2027-01-04', 'LHR-CDG:2027-01-05']));
  });

  // SQLite and PostgreSQL look bookings up again inside the switch's transaction; DynamoDB reads them
  // from the holds of the items it supersedes, once each is marked (docs/adr/0023-schedule-import.md).
  it('a booking made after the import looked bookings up (before its switch) keeps its flight: cancelled, named in a schedule.changed', async () => {
    const legs = (numbers: number[]) =>
      ssimFile([
        block(
          numbers.map((flightNumber) =>
            leg({
              flightNumber,
              origin: 'LHR',
              destination: 'CDG',
              periodFrom: '2027-01-04',
              periodTo: '2027-01-04',
            }),
          ),
        ),
      ]);
    await importLines(legs([20, 22]));
    const seen = (await pendingEvents(backend().outbox)).length;
    // The race: the booking commits between the import's look-up of bookings and its switch.
    const late = seatBooking(['2027-01-04-BA22'], 2);
    const real = backend().bookings;
    const bookings = new Proxy(real, {
      get(store, name) {
        if (name === 'findByFlights') {
          return async (ids: readonly string[]): Promise<BookingRecord[]> => {
            const found = await real.findByFlights(ids);
            const claim = await real.claimKey('key', 'late', 'hash', {
              now: 1,
              leaseMs: 60_000,
              retentionMs: 60_000,
            });
            if (claim.state !== 'acquired') throw new Error('key not acquired');
            await real.create(late, { scope: 'key', key: 'late', token: claim.token }, []);
            return found;
          };
        }
        const value = Reflect.get(store, name, store);
        return typeof value === 'function' ? value.bind(store) : value;
      },
    });
    const summary = await importLines(legs([20]), { dryRun: false, estimateFares: true }, bookings);
    expect(summary.counts).toMatchObject({ cancelled: 1, deleted: 0, affectedBookings: 1 });
    expect(await flight('2027-01-04-BA22')).toMatchObject({ cancelled: true });
    expect(await backend().bookings.get(late.id)).toMatchObject({ status: 'confirmed' });
    const events = (await pendingEvents(backend().outbox)).slice(seen) as CloudEvent<ScheduleChangedData>[];
    const perBooking = events.filter((e) => e.subject === late.id);
    expect(perBooking.map((e) => e.data.affectedBookings.map((a) => [a.flightId, a.change]))).toEqual([
      [['2027-01-04-BA22', 'cancelled']],
    ]);
  });
});
