import { describe, expect, it } from 'vitest';
import {
  flightRouteTag,
  hotelCityNightTag,
  stayNights,
  utcDatesBetween,
} from '../../src/core/cache/cache-tags.js';
import {
  flightSearchCacheKey,
  hotelSearchCacheKey,
  locationsCacheKey,
} from '../../src/core/cache/search-cache-keys.js';

describe('search cache keys', () => {
  it('do not split on parameter order, letter case, defaults, pagination or carrier order', () => {
    const a = flightSearchCacheKey({ origin: 'jfk', destination: 'LHR', departureDate: '2026-12-01' });
    const b = flightSearchCacheKey({
      cursor: 'abc',
      limit: 20,
      cabin: 'ECONOMY',
      adults: 1,
      departureDate: '2026-12-01',
      destination: ' lhr ',
      origin: 'JFK',
      children: undefined,
    });
    expect(b).toBe(a);
    expect(
      flightSearchCacheKey({
        origin: 'JFK',
        destination: 'LHR',
        departureDate: '2026-12-01',
        carriers: 'ba,AA',
      }),
    ).toBe(
      flightSearchCacheKey({
        origin: 'JFK',
        destination: 'LHR',
        departureDate: '2026-12-01',
        carriers: ['AA', 'BA'],
      }),
    );
  });

  it('split on what changes the results', () => {
    const base = { origin: 'JFK', destination: 'LHR', departureDate: '2026-12-01' };
    expect(flightSearchCacheKey({ ...base, adults: 2 })).not.toBe(flightSearchCacheKey(base));
    expect(flightSearchCacheKey({ ...base, cabin: 'business' })).not.toBe(flightSearchCacheKey(base));
    expect(flightSearchCacheKey({ ...base, departureDate: '2026-12-02' })).not.toBe(
      flightSearchCacheKey(base),
    );
  });

  it('fold a city served by one airport into that airport when given a resolver', () => {
    const canonical = (code: string) => (code === 'NCE' ? 'NCE' : code === 'XNC' ? 'NCE' : code);
    expect(
      flightSearchCacheKey({ origin: 'xnc', destination: 'LHR', departureDate: '2026-12-01' }, canonical),
    ).toBe(
      flightSearchCacheKey({ origin: 'NCE', destination: 'LHR', departureDate: '2026-12-01' }, canonical),
    );
  });

  it('normalise hotel searches the same way', () => {
    expect(
      hotelSearchCacheKey({ cityCode: 'par', checkIn: '2026-12-01', checkOut: '2026-12-03', rooms: 1 }),
    ).toBe(hotelSearchCacheKey({ checkOut: '2026-12-03', checkIn: '2026-12-01', cityCode: 'PAR', limit: 5 }));
    expect(locationsCacheKey('New  York', 10)).toBe(locationsCacheKey('new york', 10));
  });
});

describe('search cache tags', () => {
  it('name flight routes by UTC date and hotel cities by night', () => {
    expect(flightRouteTag('jfk', 'lhr', '2026-12-01')).toBe('flight:JFK-LHR:2026-12-01');
    expect(hotelCityNightTag('par', '2026-12-30')).toBe('hotel-city:PAR:2026-12-30');
    expect(stayNights('2026-12-30', '2027-01-01')).toEqual(['2026-12-30', '2026-12-31']);
  });

  it('cover every UTC date a departure window touches', () => {
    const from = Date.parse('2026-12-01T20:00:00Z');
    expect(utcDatesBetween(from, from + 30 * 3600_000)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03']);
  });

  it('give no nights for an empty, reversed or malformed stay', () => {
    expect(stayNights('2026-12-01', '2026-12-01')).toEqual([]);
    expect(stayNights('2026-12-03', '2026-12-01')).toEqual([]);
    expect(stayNights('tomorrow', '2026-12-01')).toEqual([]);
  });
});
