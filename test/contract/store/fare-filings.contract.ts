import { describe, expect, it } from 'vitest';
import type { FareFiling, StagedFiling } from '../../../src/ports/fare-filings.js';
import { event } from './fixtures.js';
import { pendingEvents, type StoreBackendTarget, useFreshBackend } from './target.js';

function filing(overrides: Partial<FareFiling> = {}): FareFiling {
  return {
    carrier: 'XA',
    origin: 'AAA',
    destination: 'BBB',
    cabin: 'economy',
    fareBasis: 'YOW',
    bookingClass: 'Y',
    amount: 10_000,
    currency: 'EUR',
    firstTravelDate: '2030-01-01',
    lastTravelDate: '2030-12-31',
    refundable: false,
    checkedBags: 1,
    tripType: 'any',
    ...overrides,
  };
}

const staged = (...filings: FareFiling[]): StagedFiling[] =>
  filings.map((f, i) => ({ line: i + 2, filing: f }));

/** FareFilings (ports/fare-filings.ts): versions staged invisibly, published atomically with events. */
export function describeFareFilingsContract(target: StoreBackendTarget): void {
  describe(`FareFilings contract: ${target.name}`, () => {
    const backend = useFreshBackend(target);
    const fares = () => backend().fares;
    const market = { carrier: 'XA', origin: 'AAA', destination: 'BBB' };

    it('finds nothing before any fare is published, one empty list per market', async () => {
      expect(await fares().findFares([market, { ...market, carrier: 'XB' }])).toEqual([[], []]);
      expect(await fares().findFares([])).toEqual([]);
    });

    it('a staged version is invisible until published; publishing appends its events', async () => {
      const first = filing();
      const second = filing({ fareBasis: 'QOW', bookingClass: 'Q', amount: 6_000, daysOfWeek: '67' });
      expect(await fares().stage('v1', staged(first, second))).toEqual([]);
      expect(await fares().findFares([market])).toEqual([[]]);
      await fares().publish('v1', ['XA'], [event('price.updated', { reason: 'import' })]);
      const [found] = await fares().findFares([market]);
      expect(found?.sort((a, b) => a.amount - b.amount)).toEqual([second, first]);
      expect((await pendingEvents(backend().outbox)).map((e) => e.type)).toEqual(['price.updated']);
    });

    it('answers markets in the order asked, each with only its own carrier and route', async () => {
      await fares().stage(
        'v1',
        staged(
          filing(),
          filing({ origin: 'BBB', destination: 'AAA' }),
          filing({ carrier: 'XB', amount: 7_000 }),
          filing({ destination: 'BBBB' }),
        ),
      );
      await fares().publish('v1', ['XA', 'XB'], []);
      const answers = await fares().findFares([
        { carrier: 'XB', origin: 'AAA', destination: 'BBB' },
        market,
        { carrier: 'XA', origin: 'BBB', destination: 'AAA' },
        { carrier: 'XC', origin: 'AAA', destination: 'BBB' },
      ]);
      expect(
        answers.map((list) => list.map((f) => `${f.carrier}${f.origin}${f.destination}${f.amount}`)),
      ).toEqual([['XBAAABBB7000'], ['XAAAABBB10000'], ['XABBBAAA10000'], []]);
    });

    it('staging a key twice answers the later lines and keeps the first', async () => {
      const duplicates = await fares().stage('v1', [
        { line: 2, filing: filing() },
        { line: 3, filing: filing({ amount: 1 }) },
      ]);
      expect(duplicates).toEqual([3]);
      expect(await fares().stage('v1', [{ line: 9, filing: filing({ amount: 2 }) }])).toEqual([9]);
      await fares().publish('v1', ['XA'], []);
      expect((await fares().findFares([market]))[0]?.map((f) => f.amount)).toEqual([10_000]);
    });

    it('compare counts created, changed, unchanged and removed filings, and names the routes that changed', async () => {
      await fares().stage(
        'v1',
        staged(filing(), filing({ fareBasis: 'QOW' }), filing({ origin: 'CCC', destination: 'DDD' })),
      );
      expect(await fares().compare('v1', ['XA'])).toEqual({
        created: 3,
        changed: 0,
        unchanged: 0,
        removed: 0,
        changedRoutes: [
          { origin: 'AAA', destination: 'BBB' },
          { origin: 'CCC', destination: 'DDD' },
        ],
      });
      await fares().publish('v1', ['XA'], []);
      await fares().stage(
        'v2',
        staged(
          filing(),
          filing({ fareBasis: 'QOW', amount: 1 }),
          filing({ origin: 'EEE', destination: 'FFF' }),
        ),
      );
      expect(await fares().compare('v2', ['XA'])).toEqual({
        created: 1,
        changed: 1,
        unchanged: 1,
        removed: 1,
        changedRoutes: [
          { origin: 'AAA', destination: 'BBB' },
          { origin: 'CCC', destination: 'DDD' },
          { origin: 'EEE', destination: 'FFF' },
        ],
      });
    });

    it('publishing replaces the named carriers whole and leaves other carriers alone', async () => {
      await fares().stage('v1', staged(filing(), filing({ carrier: 'XB' })));
      await fares().publish('v1', ['XA', 'XB'], []);
      await fares().stage('v2', staged(filing({ destination: 'CCC' })));
      await fares().publish('v2', ['XA'], []);
      const [xaOld, xaNew, xb] = await fares().findFares([
        market,
        { ...market, destination: 'CCC' },
        { ...market, carrier: 'XB' },
      ]);
      expect(xaOld).toEqual([]);
      expect(xaNew?.map((f) => f.destination)).toEqual(['CCC']);
      expect(xb?.map((f) => f.carrier)).toEqual(['XB']);
    });

    it('discard deletes a staged version: publishing it afterwards leaves the carrier without fares', async () => {
      await fares().stage('v1', staged(filing()));
      await fares().discard('v1');
      expect(await fares().compare('v1', ['XA'])).toMatchObject({ created: 0, removed: 0 });
      await fares().discard('never-staged');
    });
  });
}
