import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { routeDates } from '../../src/core/search/prewarm.js';

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
