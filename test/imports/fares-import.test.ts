import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { tagsForEvent } from '../../src/core/cache/event-tags.js';
import { createFaresImport } from '../../src/core/imports/fares/fares-import.js';
import { formatImportProblem, type ImportSummary } from '../../src/core/imports/import-kind.js';
import type { AirportDirectory } from '../../src/ports/airports.js';
import { pendingEvents } from '../contract/store/target.js';
import { importLines } from '../helpers/imports.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { tempSqliteFile } from '../helpers/temp-sqlite.js';

const HEADER =
  'carrier,origin,destination,cabin,fare_basis,booking_class,amount,currency,first_travel_date,last_travel_date';
const LHR_CDG = 'XA,LHR,CDG,economy,YOW,Y,120.00,EUR,2030-01-01,2030-12-31';

let airports: AirportDirectory;
let store: SqliteStore;
let cleanup: () => void;
const clock = new ManualClock(Date.UTC(2030, 2, 1, 8));

beforeAll(async () => {
  airports = await loadAirportDirectory();
});
beforeEach(async () => {
  const temp = tempSqliteFile();
  cleanup = temp.cleanup;
  store = await openSqliteStore({ sqliteFile: temp.file }, clock);
  await store.inventory.putAirlines([{ iata: 'XA', name: 'Example Air', country: 'GB' }]);
});
afterEach(async () => {
  await store.close();
  cleanup();
});

function faresImport() {
  return createFaresImport({
    fares: store.fares,
    airports,
    inventory: store.inventory,
    clock,
    eventSource: '/test/imports',
  });
}

async function importFares(text: string, dryRun = false): Promise<ImportSummary> {
  return faresImport().run(importLines(text), { dryRun });
}

const problems = (summary: ImportSummary): string[] => summary.errors.map(formatImportProblem);
const market = { carrier: 'XA', origin: 'LHR', destination: 'CDG' };

describe('fares file header', () => {
  it('names each required column missing from the header at line 1, and applies nothing', async () => {
    const summary = await importFares(
      'carrier,origin,destination,cabin,fare_basis,amount,currency,first_travel_date\nXA,LHR,CDG,economy,YOW,120,EUR,2030-01-01\n',
    );
    expect(summary.applied).toBe(false);
    expect(problems(summary)).toEqual([
      'line 1: booking_class: required column missing from the header',
      'line 1: last_travel_date: required column missing from the header',
    ]);
    expect(await store.fares.findFares([market])).toEqual([[]]);
  });

  it('refuses an unknown or repeated column', async () => {
    const summary = await importFares(`${HEADER},colour,currency\n${LHR_CDG},red,EUR\n`);
    expect(problems(summary)).toEqual([
      expect.stringMatching(/^line 1: colour: unknown column/),
      'line 1: currency: column named twice',
    ]);
  });

  it('takes the optional columns in any order, and column names in any case', async () => {
    const summary = await importFares(
      `TRIP_TYPE,${HEADER},refundable,checked_bags,days_of_week\none_way,${LHR_CDG},true,2,5432\n`,
    );
    expect(problems(summary)).toEqual([]);
    const [[filing]] = (await store.fares.findFares([market])) as [[unknown]];
    expect(filing).toMatchObject({
      tripType: 'one_way',
      refundable: true,
      checkedBags: 2,
      daysOfWeek: '2345',
    });
  });

  it('a file without a header line is an error; a header alone applies nothing, with a warning', async () => {
    expect(problems(await importFares(''))).toEqual(['line 1: the file has no header line']);
    const empty = await importFares(`${HEADER}\n`);
    expect(empty).toMatchObject({ applied: false, errorCount: 0, warningCount: 1 });
  });

  it('skips blank lines and # comments, and counts lines as an editor does', async () => {
    const summary = await importFares(
      `# fares of XA\n${HEADER}\n\n${LHR_CDG}\nXA,LHR,CDG,economy,YOW,Y,abc,EUR,2030-01-01,2030-12-31\n`,
    );
    expect(problems(summary)).toEqual(['line 5: amount: "abc" is not a decimal amount in EUR (e.g. 129.50)']);
  });
});

describe('fares file records', () => {
  it.each([
    ['XAB,LHR,CDG,economy,YOW,Y,120,EUR,2030-01-01,2030-12-31', 'carrier: "XAB" is not an IATA airline code'],
    ['XA,LHR,ZZZ,economy,YOW,Y,120,EUR,2030-01-01,2030-12-31', 'destination: unknown airport ZZZ'],
    ['XA,LHR,LHR,economy,YOW,Y,120,EUR,2030-01-01,2030-12-31', 'destination: must differ from origin'],
    ['XA,LHR,CDG,coach,YOW,Y,120,EUR,2030-01-01,2030-12-31', 'cabin: "coach" is not one of economy'],
    ['XA,LHR,CDG,economy,Y-OW,Y,120,EUR,2030-01-01,2030-12-31', 'fare_basis: "Y-OW" is not a fare basis'],
    ['XA,LHR,CDG,economy,YOW,YY,120,EUR,2030-01-01,2030-12-31', 'booking_class: "YY" is not a booking class'],
    ['XA,LHR,CDG,economy,YOW,Y,12.345,EUR,2030-01-01,2030-12-31', 'amount: "12.345" is not a decimal amount'],
    [
      'XA,LHR,CDG,economy,YOW,Y,120,XXX,2030-01-01,2030-12-31',
      'currency: currency XXX is not one the platform',
    ],
    [
      'XA,LHR,CDG,economy,YOW,Y,120,EUR,2030-02-30,2030-12-31',
      'first_travel_date: "2030-02-30" is not a date',
    ],
    ['XA,LHR,CDG,economy,YOW,Y,120,EUR,2030-06-01,2030-05-31', 'last_travel_date: 2030-05-31 is before'],
    ['XA,LHR,CDG,economy,YOW,Y,,EUR,2030-01-01,2030-12-31', 'amount: required'],
  ])('%s → %s', async (record, message) => {
    const summary = await importFares(`${HEADER}\n${record}\n`);
    expect(summary.applied).toBe(false);
    expect(problems(summary)).toEqual([expect.stringContaining(`line 2: ${message}`)]);
  });

  it.each([
    ['days_of_week', '8', 'days_of_week: "8" is not weekday digits'],
    ['days_of_week', '113', 'days_of_week: "113" is not weekday digits'],
    ['advance_purchase_days', '-1', 'advance_purchase_days: "-1" is not an integer from 0 to 366'],
    ['min_stay_days', 'x', 'min_stay_days: "x" is not an integer'],
    ['refundable', 'yes', 'refundable: "yes" is not true or false'],
    ['checked_bags', '10', 'checked_bags: "10" is not an integer from 0 to 9'],
    ['trip_type', 'open_jaw', 'trip_type: "open_jaw" is not one of any, one_way, round_trip'],
  ])('optional %s = %s is refused', async (column, value, message) => {
    const summary = await importFares(`${HEADER},${column}\n${LHR_CDG},${value}\n`);
    expect(problems(summary)).toEqual([expect.stringContaining(`line 2: ${message}`)]);
  });

  it('rules across columns: max stay under min stay; a stay on a one-way fare', async () => {
    const summary = await importFares(
      `${HEADER},min_stay_days,max_stay_days,trip_type\n${LHR_CDG},7,3,round_trip\n${LHR_CDG.replace('YOW', 'YRT')},3,,one_way\n`,
    );
    expect(problems(summary)).toEqual([
      'line 2: max_stay_days: 3 is less than min_stay_days 7',
      'line 3: trip_type: a one_way fare has no stay: min_stay_days and max_stay_days apply to round trips',
    ]);
  });

  it('a bad record in the middle of a large file: every other line is fine, nothing is applied', async () => {
    const lines = [HEADER];
    for (let day = 0; day < 1_500; day++) {
      const basis = `Y${String(day).padStart(4, '0')}`;
      lines.push(
        day === 777
          ? `XA,LHR,CDG,economy,${basis},Y,12O.00,EUR,2030-01-01,2030-12-31`
          : `XA,LHR,CDG,economy,${basis},Y,120.00,EUR,2030-01-01,2030-12-31`,
      );
    }
    const summary = await importFares(`${lines.join('\n')}\n`);
    expect(summary.applied).toBe(false);
    expect(summary.counts.records).toBe(1_500);
    expect(problems(summary)).toEqual([
      'line 779: amount: "12O.00" is not a decimal amount in EUR (e.g. 129.50)',
    ]);
    expect(await store.fares.findFares([market])).toEqual([[]]);
  });

  it('the same fare twice is an error at its second line', async () => {
    const summary = await importFares(`${HEADER}\n${LHR_CDG}\n${LHR_CDG.replace('120.00', '99.00')}\n`);
    expect(problems(summary)).toEqual([
      expect.stringMatching(/^line 3: the same fare appears earlier in the file/),
    ]);
    expect(await store.fares.findFares([market])).toEqual([[]]);
  });

  it('keeps the first 100 errors of a file full of them and counts them all', async () => {
    const bad = Array.from({ length: 250 }, () => 'XA,LHR,CDG,economy,YOW,Y,-1,EUR,2030-01-01,2030-12-31');
    const summary = await importFares(`${HEADER}\n${bad.join('\n')}\n`);
    expect(summary.errorCount).toBe(250);
    expect(summary.errors).toHaveLength(100);
    expect(summary.errors[0]?.line).toBe(2);
  });

  it('warns of a carrier the inventory does not know, and still applies', async () => {
    const summary = await importFares(`${HEADER}\n${LHR_CDG.replace('XA', 'ZZ')}\n`);
    expect(summary.applied).toBe(true);
    expect(summary.warnings.map(formatImportProblem)).toEqual([
      'line 2: carrier: ZZ operates no flight in the inventory yet; its fares price nothing until it does',
    ]);
  });
});

describe('applying a fares file', () => {
  const file = `${HEADER},advance_purchase_days\n${LHR_CDG},\nXA,LHR,CDG,economy,QOW,Q,80.00,EUR,2030-01-01,2030-12-31,14\nXA,CDG,FRA,business,JOW,J,400.00,EUR,2030-01-01,2030-12-31,\n`;

  it('publishes the file with one price.updated naming the routes, whose tags drop fare searches', async () => {
    const summary = await importFares(file);
    expect(summary).toMatchObject({
      applied: true,
      counts: { records: 3, carriers: 1, created: 3, changed: 0, unchanged: 0, removed: 0, warnings: 0 },
    });
    const [events] = [await pendingEvents(store.outbox)];
    expect(events).toHaveLength(1);
    expect(events[0]?.type).toBe('price.updated');
    expect(events[0]?.data).toMatchObject({
      reason: 'import',
      fareRoutes: [
        { origin: 'CDG', destination: 'FRA' },
        { origin: 'LHR', destination: 'CDG' },
      ],
    });
    expect(tagsForEvent(events[0] as never)).toEqual(['fares:CDG-FRA', 'fares:LHR-CDG']);
  });

  it('importing the same file twice changes nothing and emits nothing', async () => {
    await importFares(file);
    const before = await pendingEvents(store.outbox);
    const again = await importFares(file);
    expect(again).toMatchObject({
      applied: true,
      counts: { created: 0, changed: 0, unchanged: 3, removed: 0 },
    });
    expect(await pendingEvents(store.outbox)).toEqual(before);
  });

  it('replaces the carrier’s fares whole: changed, removed and created are counted, other carriers untouched', async () => {
    await importFares(`${file}YB,LHR,CDG,economy,YOW,Y,50.00,EUR,2030-01-01,2030-12-31,\n`);
    const summary = await importFares(
      `${HEADER}\nXA,LHR,CDG,economy,YOW,Y,125.00,EUR,2030-01-01,2030-12-31\nXA,LHR,AMS,economy,YOW,Y,90.00,EUR,2030-01-01,2030-12-31\n`,
    );
    expect(summary.counts).toMatchObject({ created: 1, changed: 1, unchanged: 0, removed: 2 });
    const [xa, yb] = await store.fares.findFares([market, { ...market, carrier: 'YB' }]);
    expect(xa?.map((f) => f.amount)).toEqual([12_500]);
    expect(yb?.map((f) => f.amount)).toEqual([5_000]);
  });

  it('a dry run counts what would change and applies nothing', async () => {
    const summary = await importFares(file, true);
    expect(summary).toMatchObject({ applied: false, errorCount: 0, counts: { created: 3 } });
    expect(await store.fares.findFares([market])).toEqual([[]]);
    expect(await pendingEvents(store.outbox)).toEqual([]);
  });

  it('reads JSON Lines with the same member names', async () => {
    const summary = await importFares(
      [
        '{"carrier":"XA","origin":"LHR","destination":"CDG","cabin":"economy","fare_basis":"YOW","booking_class":"Y","amount":"120.00","currency":"EUR","first_travel_date":"2030-01-01","last_travel_date":"2030-12-31","refundable":true,"checked_bags":1}',
        '{"carrier":"XA","origin":"LHR","destination":"CDG","cabin":"economy","fare_basis":"QOW","booking_class":"Q","amount":80,"currency":"EUR","first_travel_date":"2030-01-01"}',
        '{"carrier":"XA",',
      ].join('\n'),
    );
    expect(problems(summary)).toEqual([
      'line 2: last_travel_date: required',
      'line 3: not a JSON object (JSON Lines: one object per line)',
    ]);
    const fixed = await importFares(
      '{"carrier":"XA","origin":"LHR","destination":"CDG","cabin":"economy","fare_basis":"YOW","booking_class":"Y","amount":"120.00","currency":"EUR","first_travel_date":"2030-01-01","last_travel_date":"2030-12-31","refundable":true,"checked_bags":1}\n',
    );
    expect(fixed.applied).toBe(true);
    expect((await store.fares.findFares([market]))[0]).toEqual([
      expect.objectContaining({ amount: 12_000, refundable: true, checkedBags: 1 }),
    ]);
  });
});
