import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { createPlatform, type Platform } from '../../src/composition/platform.js';
import { loadConfig } from '../../src/config.js';
import type { FlightOfferView } from '../../src/core/flights/flight-offer-view.js';
import { exportSsim } from '../../src/core/imports/ssim/ssim-export.js';
import { SsimImport } from '../../src/core/imports/ssim/ssim-import.js';
import type { AirportDirectory } from '../../src/ports/airports.js';
import type { FlightRecord } from '../../src/ports/store.js';
import { asImportLines, leg, ssimFile } from '../helpers/ssim-files.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

const collect = async (lines: AsyncIterable<string>): Promise<string[]> => {
  const all: string[] = [];
  for await (const line of lines) all.push(line);
  return all;
};

/** What a search answer promises a traveller, price aside: which flights, when, with how many stops. */
const journeys = (offers: readonly FlightOfferView[]): string[] =>
  offers
    .map((o) =>
      o.itineraries
        .map(
          (it) =>
            `${it.stops}:${it.segments.map((s) => `${s.id}@${s.departure.atUtc}>${s.arrival.atUtc}`).join(',')}`,
        )
        .join('|'),
    )
    .sort();

describe('SSIM round trip of the demo world', () => {
  let demo: TestPlatform;
  let copy: Platform;
  const dir = mkdtempSync(join(tmpdir(), 'tp-ssim-trip-'));

  beforeAll(async () => {
    demo = await startTestPlatform({ airports: 14, days: 4, seed: 3 });
    // Full flights would be offered again after import (an import sells a fresh aircraft): free them.
    const flights = await demo.platform.backend.schedules.listFlights(undefined, 100_000);
    await demo.platform.store.putFlights(
      flights.map((f) => ({ ...f, cabins: f.cabins.map((c) => ({ ...c, seatsLeft: c.capacity })) })),
    );
    // A direct store write tells no one: the search index must read the freed seats again, or it keeps
    // leaving out the flights that were full (which the copy, built from the store, offers).
    await demo.platform.timetable?.rebuildNow();
    const lines = await collect(
      exportSsim(demo.platform.backend.schedules, demo.platform.airports, demo.startDate),
    );
    copy = await createPlatform(
      loadConfig({
        SQLITE_FILE: join(dir, 'copy.db'),
        SEED_ON_START: 'false',
        LOG_LEVEL: 'silent',
        SEARCH_THREADS: '0',
      }),
    );
    const summary = await copy.services
      .imports('ssim')
      ?.run(asImportLines(lines), { dryRun: false, estimateFares: true });
    expect(summary?.errors).toEqual([]);
    expect(summary?.counts.created).toBe(flights.length);
  });
  afterAll(async () => {
    await demo?.close();
    await copy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports back the same flights and gives the same search answers (prices aside)', async () => {
    const routes = (await demo.platform.store.listRoutes()).slice(0, 12);
    expect(routes.length).toBeGreaterThan(3);
    for (const route of routes) {
      for (const maxStops of [0, 1]) {
        const request = {
          origin: route.origin,
          destination: route.destination,
          departureDate: demo.date(1),
          adults: 1,
          children: 0,
          infants: 0,
          cabin: 'economy' as const,
          maxStops,
          sort: 'departure' as const,
          currency: 'USD',
        };
        const [before, after] = await Promise.all([
          demo.platform.services.flights.search(request),
          copy.services.flights.search(request),
        ]);
        expect(journeys(after.offers as FlightOfferView[])).toEqual(
          journeys(before.offers as FlightOfferView[]),
        );
      }
    }
  });
});

describe('SSIM properties', () => {
  let airports: AirportDirectory;
  beforeAll(async () => {
    airports = await loadAirportDirectory();
  });

  /** Stations with their UTC offset in January (minutes), for local-time files. */
  const OFFSETS: Record<string, number> = {
    LHR: 0,
    JFK: -300,
    SIN: 480,
    SYD: 660,
    LAX: -480,
    NRT: 540,
    DXB: 240,
    GRU: -180,
    HNL: -600,
    AKL: 780,
  };
  const stations = Object.keys(OFFSETS);
  const legArbitrary = fc.record({
    number: fc.integer({ min: 1, max: 9999 }),
    from: fc.constantFrom(...stations),
    to: fc.constantFrom(...stations),
    departure: fc.integer({ min: 0, max: 1439 }),
    minutes: fc.integer({ min: 30, max: 18 * 60 }),
    startDay: fc.integer({ min: 0, max: 20 }),
    length: fc.integer({ min: 0, max: 20 }),
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    fortnightly: fc.boolean(),
    local: fc.boolean(),
  });

  async function withStore<T>(work: (store: SqliteStore) => Promise<T>): Promise<T> {
    const dir = mkdtempSync(join(tmpdir(), 'tp-ssim-prop-'));
    const store = await openSqliteStore({ sqliteFile: join(dir, 'p.db') });
    try {
      return await work(store);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const runImport = (store: SqliteStore, lines: string[]) =>
    new SsimImport({
      airports,
      inventory: store.inventory,
      schedules: store.schedules,
      bookings: store.bookings,
      clock: { now: () => Date.UTC(2026, 11, 1) },
      eventSource: '/test',
    }).run(asImportLines(lines), { dryRun: false, estimateFares: true });

  /**
   * Departure at `l.departure` on the flight date in the file's clock, arrival `l.minutes` later in
   * real time, written in the arrival station's clock; the arrival date variation is left blank when
   * the arrival is the next day (the importer infers it), written otherwise.
   */
  function timesOf(l: { from: string; to: string; departure: number; minutes: number }, local: boolean) {
    const from = local ? (OFFSETS[l.from] as number) : 0;
    const to = local ? (OFFSETS[l.to] as number) : 0;
    const arrival = l.departure - from + l.minutes + to;
    const dayVariation = Math.floor(arrival / 1440);
    return {
      departureMinute: l.departure,
      arrivalMinute: ((arrival % 1440) + 1440) % 1440,
      ...(local ? { departureUtcVariation: from, arrivalUtcVariation: to } : {}),
      ...(dayVariation === 1 && arrival % 1440 < l.departure ? {} : { arrivalDateVariation: dayVariation }),
    };
  }

  const day = (n: number): string =>
    new Date(Date.UTC(2027, 0, 4) + n * 86_400_000).toISOString().slice(0, 10);

  it('any valid file imports with no leg arriving before it departs, and exports back to the same flights', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(legArbitrary, { minLength: 1, maxLength: 6, selector: (l) => l.number }),
        async (legs) => {
          const valid = legs.filter((l) => l.from !== l.to);
          fc.pre(valid.length > 0);
          const blocks = [false, true].map((local) => ({
            carrier: local ? 'LL' : 'UU',
            timeMode: (local ? 'L' : 'U') as 'L' | 'U',
            validFrom: day(0),
            validTo: day(45),
            records: valid
              .filter((l) => l.local === local)
              .map((l) =>
                leg({
                  flightNumber: l.number,
                  origin: l.from,
                  destination: l.to,
                  periodFrom: day(l.startDay),
                  periodTo: day(l.startDay + l.length),
                  days: l.days,
                  fortnightly: l.fortnightly,
                  ...timesOf(l, local),
                }),
              ),
          }));
          await withStore(async (store) => {
            const summary = await runImport(store, ssimFile(blocks.filter((b) => b.records.length > 0)));
            expect(summary.errors).toEqual([]);
            const flights = await store.schedules.listFlights(undefined, 100_000);
            for (const f of flights) expect(f.arrivalUtc).toBeGreaterThan(f.departureUtc);
            const exported = await collect(exportSsim(store.schedules, airports, day(0)));
            await withStore(async (copy) => {
              const again = await runImport(copy, exported);
              expect(again.errors).toEqual([]);
              const strip = (list: FlightRecord[]) =>
                list.map((f) => [f.id, f.departureUtc, f.arrivalUtc, f.origin, f.destination]);
              expect(strip(await copy.schedules.listFlights(undefined, 100_000))).toEqual(strip(flights));
            });
          });
        },
      ),
      { numRuns: 15 },
    );
  });
});
