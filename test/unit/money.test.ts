import { describe, expect, it } from 'vitest';
import { convert, formatAmount, parseAmount } from '../../src/core/money/money.js';
import { priceTravelers, seatsNeeded } from '../../src/core/pricing/passenger-pricing.js';
import { quotePrice } from '../../src/core/pricing/price-quote.js';

describe('money', () => {
  it('formats minor units as decimal strings with the currency exponent', () => {
    expect(formatAmount({ minor: 41230, currency: 'EUR' })).toBe('412.30');
    expect(formatAmount({ minor: 5, currency: 'USD' })).toBe('0.05');
    expect(formatAmount({ minor: 5000, currency: 'JPY' })).toBe('5000');
    expect(formatAmount({ minor: -150, currency: 'GBP' })).toBe('-1.50');
  });

  it('parses decimal strings into minor units and rejects malformed ones', () => {
    expect(parseAmount('412.3', 'EUR')).toBe(41230);
    expect(parseAmount('412', 'EUR')).toBe(41200);
    expect(parseAmount('5000', 'JPY')).toBe(5000);
    expect(parseAmount('50.5', 'JPY')).toBeUndefined();
    expect(parseAmount('1e3', 'USD')).toBeUndefined();
    expect(parseAmount('-1', 'USD')).toBeUndefined();
  });

  it('converts through the rate table and rounds to the target minor unit', () => {
    expect(convert({ minor: 10000, currency: 'USD' }, 'EUR')).toEqual({ minor: 9200, currency: 'EUR' });
    expect(convert({ minor: 10000, currency: 'USD' }, 'JPY')).toEqual({ minor: 15100, currency: 'JPY' });
    expect(convert({ minor: 9200, currency: 'EUR' }, 'USD')).toEqual({ minor: 10000, currency: 'USD' });
    expect(() => convert({ minor: 1, currency: 'USD' }, 'XXX')).toThrow(RangeError);
  });
});

describe('passenger pricing', () => {
  const cabins = [
    { cabin: 'economy' as const, fare: 40000, taxes: 5000, seatsLeft: 9, capacity: 150 },
    { cabin: 'economy' as const, fare: 20000, taxes: 3000, seatsLeft: 9, capacity: 150 },
  ];

  it('charges children 75% and infants 10% of the fare, infants without taxes', () => {
    const prices = priceTravelers(cabins, { adults: 2, children: 1, infants: 1 });
    expect(prices).toEqual([
      { type: 'adult', count: 2, base: 60000, taxes: 8000 },
      { type: 'child', count: 1, base: 45000, taxes: 8000 },
      { type: 'infant', count: 1, base: 6000, taxes: 0 },
    ]);
    expect(seatsNeeded({ adults: 2, children: 1, infants: 1 })).toBe(3);
  });

  it('quotes a total that equals the sum of its parts after conversion', () => {
    const quote = quotePrice(priceTravelers(cabins, { adults: 3, children: 2, infants: 1 }), 'USD', 'EUR');
    const sum = quote.travelerPricings.reduce(
      (s, t) => s + Math.round(Number(t.price.total) * 100) * t.count,
      0,
    );
    expect(quote.totalMinor).toBe(sum);
    expect(quote.price.total).toBe(formatAmount({ minor: quote.totalMinor, currency: 'EUR' }));
    expect(Number(quote.price.base) + Number(quote.price.taxes)).toBeCloseTo(Number(quote.price.total), 6);
  });
});
