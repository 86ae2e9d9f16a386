import { describe, expect, it } from 'vitest';
import { flightSearchTags, hotelSearchTags, stayNights } from '../../src/core/cache/cache-tags.js';
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
  it('tag a round trip by both legs, with cities expanded to airports, and by result segments', () => {
    const airportsOf = (code: string) => (code === 'LON' ? ['LHR', 'LGW'] : [code]);
    const tags = flightSearchTags(
      { origin: 'jfk', destination: 'LON', departureDate: '2026-12-01', returnDate: '2026-12-08' },
      [{ origin: 'BOS', destination: 'LHR', date: '2026-12-01' }],
      airportsOf,
    );
    expect(tags).toEqual([
      'flight:BOS-LHR:2026-12-01',
      'flight:JFK-LGW:2026-12-01',
      'flight:JFK-LHR:2026-12-01',
      'flight:LGW-JFK:2026-12-08',
      'flight:LHR-JFK:2026-12-08',
    ]);
  });

  it('tag a hotel search by city per night and by hotel', () => {
    expect(
      hotelSearchTags({ cityCode: 'par', checkIn: '2026-12-30', checkOut: '2027-01-01' }, [
        { id: 'h-1', cityCode: 'PAR' },
      ]),
    ).toEqual(['hotel-city:PAR:2026-12-30', 'hotel-city:PAR:2026-12-31', 'hotel:h-1']);
  });

  it('give no nights for an empty, reversed or malformed stay', () => {
    expect(stayNights('2026-12-01', '2026-12-01')).toEqual([]);
    expect(stayNights('2026-12-03', '2026-12-01')).toEqual([]);
    expect(stayNights('tomorrow', '2026-12-01')).toEqual([]);
  });
});
