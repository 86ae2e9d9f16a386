import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  halfOfBusyPool,
  prewarmRouteDates,
  type RouteDate,
  routeDates,
} from '../../src/core/search/prewarm.js';

describe('configured popular routes (PREWARM_ROUTES)', () => {
  it('reads comma-separated ORIGIN-DESTINATION pairs, upper-cased, and none by default', () => {
    expect(loadConfig({}).prewarmRoutes).toEqual([]);
    expect(loadConfig({ PREWARM_ROUTES: ' lhr-jfk, JFK-LHR ,' }).prewarmRoutes).toEqual([
      { origin: 'LHR', destination: 'JFK' },
      { origin: 'JFK', destination: 'LHR' },
    ]);
  });

  it('reads a route-date written ORIGIN-DESTINATION:YYYY-MM-DD', () => {
    expect(loadConfig({ PREWARM_ROUTES: 'cdg-nce:2026-12-24,CDG-NCE' }).prewarmRoutes).toEqual([
      { origin: 'CDG', destination: 'NCE', departureDate: '2026-12-24' },
      { origin: 'CDG', destination: 'NCE' },
    ]);
  });

  it.each([
    'LHRJFK',
    'LHR-LHR',
    'LHR-JFK,LHR-JFK',
    'LHR-JFKX',
    'L1R-JFK',
    'LHR-JFK:2026-02-30',
    'LHR-JFK:tomorrow',
  ])('refuses %s', (raw) => {
    expect(() => loadConfig({ PREWARM_ROUTES: raw })).toThrow(ConfigError);
  });

  it('expands routes to route-dates, nearest departure day first, routes in the order given', () => {
    const routes = [
      { origin: 'LHR', destination: 'JFK' },
      { origin: 'CDG', destination: 'NCE' },
    ];
    expect(routeDates(routes, '2026-12-31', 2)).toEqual([
      { origin: 'LHR', destination: 'JFK', departureDate: '2026-12-31' },
      { origin: 'CDG', destination: 'NCE', departureDate: '2026-12-31' },
      { origin: 'LHR', destination: 'JFK', departureDate: '2027-01-01' },
      { origin: 'CDG', destination: 'NCE', departureDate: '2027-01-01' },
    ]);
  });

  it('puts a dated route-date among the others by its date and leaves out a past one', () => {
    const routes = [
      { origin: 'LHR', destination: 'JFK', departureDate: '2027-01-01' },
      { origin: 'CDG', destination: 'NCE' },
      { origin: 'MAD', destination: 'BCN', departureDate: '2026-12-30' },
    ];
    expect(routeDates(routes, '2026-12-31', 2)).toEqual([
      { origin: 'CDG', destination: 'NCE', departureDate: '2026-12-31' },
      { origin: 'LHR', destination: 'JFK', departureDate: '2027-01-01' },
      { origin: 'CDG', destination: 'NCE', departureDate: '2027-01-01' },
    ]);
  });
});

describe('the pace of a prewarm', () => {
  const list = routeDates([{ origin: 'LHR', destination: 'JFK' }], '2026-12-01', 6);

  /** A search that completes only when the test says so, recording how many ran at once. */
  function controlledSearch() {
    const started: RouteDate[] = [];
    const pending: (() => void)[] = [];
    let inFlight = 0;
    let most = 0;
    const search = (routeDate: RouteDate) =>
      new Promise<void>((resolve, reject) => {
        started.push(routeDate);
        inFlight += 1;
        most = Math.max(most, inFlight);
        pending.push(() => {
          inFlight -= 1;
          if (routeDate.departureDate === '2026-12-03') reject(new Error('no such route'));
          else resolve();
        });
      });
    /** Ends the searches one by one until `expected` have started and all have ended. */
    const finishAll = async (expected = list.length) => {
      while (pending.length > 0 || started.length < expected) {
        pending.shift()?.();
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    return { search, started, finishAll, most: () => most };
  }

  it('runs one search at a time by default, in order, skipping one that fails', async () => {
    const control = controlledSearch();
    const warming = prewarmRouteDates(control.search, list);
    await control.finishAll();
    expect(await warming).toBe(5);
    expect(control.most()).toBe(1);
    expect(control.started).toEqual(list);
  });

  it('keeps as many searches going as the pace allows', async () => {
    const control = controlledSearch();
    const warming = prewarmRouteDates(control.search, list, { mayStart: (inFlight) => inFlight < 3 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(control.started).toHaveLength(3);
    await control.finishAll();
    expect(await warming).toBe(5);
    expect(control.most()).toBe(3);
  });

  it('starts nothing more once told to stop', async () => {
    const control = controlledSearch();
    let stop = false;
    const warming = prewarmRouteDates(control.search, list, { shouldStop: () => stop });
    stop = true;
    await new Promise((resolve) => setImmediate(resolve));
    await control.finishAll(1);
    expect(await warming).toBe(1);
    expect(control.started).toHaveLength(1);
  });
});

describe('the share a prewarm takes of a search pool', () => {
  it('keeps one search per thread in flight when no client waits', () => {
    const pace = halfOfBusyPool(() => ({ threads: 2, queued: 0 }));
    expect([0, 1, 2].map(pace)).toEqual([true, true, false]);
  });

  it('keeps as many in flight as the clients have waiting, counting its own queued ones out', () => {
    // 10 clients' searches queued and 9 of the prewarm's in flight (one running, 8 queued): one more.
    expect(halfOfBusyPool(() => ({ threads: 1, queued: 18 }))(9)).toBe(true);
    // 10 of the prewarm's in flight (9 queued) beside 10 clients' searches: no more.
    expect(halfOfBusyPool(() => ({ threads: 1, queued: 19 }))(10)).toBe(false);
  });
});
