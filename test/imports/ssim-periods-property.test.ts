import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { SsimImport } from '../../src/core/imports/ssim/ssim-import.js';
import { addDays, zonedToEpoch } from '../../src/kernel/zoned-time.js';
import type { AirportDirectory } from '../../src/ports/airports.js';
import { asImportLines, leg, ssimFile } from '../helpers/ssim-files.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';

const DAY = 86_400_000;
/** A season across both 2027 DST switches of Europe and North America and one of Australia. */
const VALID_FROM = '2027-02-20';
const VALID_TO = '2027-11-10';
/** Routes between zones whose DST rules differ (and one without DST). */
const ROUTES = [
  ['LHR', 'JFK'],
  ['JFK', 'LHR'],
  ['SYD', 'LHR'],
  ['CDG', 'SIN'],
  ['ORD', 'DEN'],
] as const;

interface Generated {
  route: number;
  days: number[];
  fortnightly: boolean;
  from: number;
  length: number;
  departureMinute: number;
  blockMinutes: number;
}

const record = fc.record<Generated>({
  route: fc.integer({ min: 0, max: ROUTES.length - 1 }),
  days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
  fortnightly: fc.boolean(),
  from: fc.integer({ min: 0, max: 240 }),
  length: fc.integer({ min: 0, max: 120 }),
  departureMinute: fc.integer({ min: 0, max: 1439 }),
  blockMinutes: fc.integer({ min: 45, max: 900 }),
});

/**
 * What expanding every day of a record gives (the importer's rules before periods, ADR 23): the
 * dated legs of days the record flies, times from the zones' clocks on each day, the arrival taken as
 * the next day when its clock time precedes the departure; undefined when some day is impossible.
 */
function expandDayByDay(
  g: Generated,
  flightNumber: number,
  airports: AirportDirectory,
): Map<string, [number, number]> | undefined {
  const [origin, destination] = ROUTES[g.route] as readonly [string, string];
  const from = addDays(VALID_FROM, g.from);
  const to = addDays(from, g.length);
  const { arrivalMinute, arrivalDateVariation } = arrivalOf(g, airports);
  const legs = new Map<string, [number, number]>();
  const first = Date.parse(`${from}T00:00:00Z`) / DAY;
  const last = Math.min(Date.parse(`${to}T00:00:00Z`), Date.parse(`${VALID_TO}T00:00:00Z`)) / DAY;
  for (let day = first; day <= last; day++) {
    const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
    if (!g.days.includes(weekday)) continue;
    if (g.fortnightly && Math.floor((day - first) / 7) % 2 === 1) continue;
    const date = new Date(day * DAY).toISOString().slice(0, 10);
    const departure = zonedToEpoch(date, g.departureMinute, zoneOf(origin, airports));
    const arrival = zonedToEpoch(
      addDays(date, arrivalDateVariation),
      arrivalMinute,
      zoneOf(destination, airports),
    );
    if (arrival <= departure || arrival - departure > DAY) return undefined;
    legs.set(`${date}-ZZ${flightNumber}`, [departure, arrival]);
  }
  return legs;
}

const zoneOf = (iata: string, airports: AirportDirectory): string =>
  airports.byIata(iata)?.timeZone as string;

/** The record's arrival clock time and date variation, from its block time on its first day. */
function arrivalOf(
  g: Generated,
  airports: AirportDirectory,
): { arrivalMinute: number; arrivalDateVariation: number } {
  const [origin, destination] = ROUTES[g.route] as readonly [string, string];
  const from = addDays(VALID_FROM, g.from);
  const arrival = zonedToEpoch(from, g.departureMinute, zoneOf(origin, airports)) + g.blockMinutes * 60_000;
  const local = new Date(arrival).toLocaleString('sv-SE', { timeZone: zoneOf(destination, airports) });
  const [date, time] = local.split(' ') as [string, string];
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return {
    arrivalMinute: hours * 60 + minutes,
    arrivalDateVariation: Math.round(
      (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY,
    ),
  };
}

describe('SSIM periods: the dated legs derived from stored periods', () => {
  let airports: AirportDirectory;
  let temp: ReturnType<typeof tempSqliteFile>;
  let store: SqliteStore;
  beforeAll(async () => {
    airports = await loadAirportDirectory();
    temp = tempSqliteFile();
    store = await openSqliteStore({ sqliteFile: temp.file });
  });
  afterAll(async () => {
    await store.close();
    temp.cleanup();
  });

  it('equal the legs expanding every day gives, across DST switches, for any valid local-time records', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 4 }), async (generated) => {
        const lines = ssimFile([
          {
            carrier: 'ZZ',
            timeMode: 'L',
            validFrom: VALID_FROM,
            validTo: VALID_TO,
            records: generated.map((g, i) => {
              const [origin, destination] = ROUTES[g.route] as readonly [string, string];
              const periodFrom = addDays(VALID_FROM, g.from);
              return leg({
                flightNumber: 100 + i,
                origin,
                destination,
                periodFrom,
                periodTo: addDays(periodFrom, g.length),
                days: [...g.days].sort(),
                fortnightly: g.fortnightly,
                departureMinute: g.departureMinute,
                ...arrivalOf(g, airports),
              });
            }),
          },
        ]);
        const expected = generated.map((g, i) => expandDayByDay(g, 100 + i, airports));
        const summary = await new SsimImport({
          airports,
          inventory: store.inventory,
          schedules: store.schedules,
          bookings: store.bookings,
          clock: { now: () => Date.UTC(2027, 0, 1) },
          eventSource: '/test',
        }).run(asImportLines(lines), { dryRun: false, estimateFares: true });
        // The importer refuses exactly the files in which some day is impossible.
        expect(summary.applied).toBe(expected.every((legs) => legs !== undefined));
        if (!summary.applied) return;
        const want = new Map(expected.flatMap((legs) => [...(legs ?? new Map()).entries()]));
        const got = new Map(
          (await store.schedules.listFlights(undefined, 100_000))
            .filter((f) => f.carrier === 'ZZ')
            .map((f) => [f.id, [f.departureUtc, f.arrivalUtc]]),
        );
        expect(got).toEqual(want);
        expect(summary.counts.datedLegs).toBe(want.size);
        for (const [id, times] of [...want.entries()].slice(0, 5)) {
          expect((await store.inventory.getFlights([id])).map((f) => [f.departureUtc, f.arrivalUtc])).toEqual(
            [times],
          );
        }
      }),
      { numRuns: 40 },
    );
  });
});
