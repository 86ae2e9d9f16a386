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

  it.each(['LHRJFK', 'LHR-LHR', 'LHR-JFK,LHR-JFK', 'LHR-JFKX', 'L1R-JFK'])('refuses %s', (raw) => {
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
});
