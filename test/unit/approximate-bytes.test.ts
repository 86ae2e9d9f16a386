import { describe, expect, it } from 'vitest';
import { approximateBytes } from '../../src/adapters/cache/local-tier.js';

/** The in-process cache tier bounds its bytes by this estimate of a value's JSON length. */
describe('approximateBytes', () => {
  it('is the JSON length of plain values', () => {
    for (const value of [0, 7, -12, 123_456, 'text', true, false, null, [], {}, [1, 2, 3], { a: 'b', n: 10 }])
      expect(approximateBytes(value)).toBe(JSON.stringify(value).length);
  });

  it('leaves out what JSON leaves out and counts toJSON', () => {
    const value = { kept: 'x', gone: undefined, fn: () => 1, at: new Date(0) };
    expect(approximateBytes(value)).toBe(JSON.stringify(value).length);
  });

  it('is within a few percent of the JSON length of a search result', () => {
    const offers = Array.from({ length: 200 }, (_, i) => ({
      id: `offer-${i}-${'x'.repeat(120)}`,
      type: 'flight-offer',
      price: { total: `${100 + i}.50`, currency: 'USD', perTraveller: [{ type: 'adult', total: 100.5 + i }] },
      itineraries: [
        {
          duration: 'PT7H5M',
          segments: [
            {
              carrierCode: 'BA',
              flightNumber: `BA${i}`,
              departure: { iataCode: 'LHR', at: '2026-12-01T10:00' },
            },
          ],
        },
      ],
      seatsLeft: i % 9,
      partial: i % 2 === 0,
    }));
    const snapshot = { searchId: 'id', createdAt: Date.now(), expiresAt: Date.now() + 1, offers };
    const exact = JSON.stringify(snapshot).length;
    expect(Math.abs(approximateBytes(snapshot) - exact) / exact).toBeLessThan(0.05);
  });

  it('counts a value JSON cannot encode (a cycle) as too large to keep', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(approximateBytes(cyclic)).toBe(Number.MAX_SAFE_INTEGER);
    expect(approximateBytes({ big: 1n })).toBe(Number.MAX_SAFE_INTEGER);
  });
});
