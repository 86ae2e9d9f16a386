import { convert, formatAmount } from '../money/money.js';
import type { TravelerPrice, TravelerType } from './passenger-pricing.js';

/** A price as the API writes it: decimal strings with their currency, never floats. */
export interface PriceView {
  total: string;
  base: string;
  taxes: string;
  currency: string;
}

export interface TravelerPricingView {
  travelerType: TravelerType;
  count: number;
  /** Price of one traveller of this type. */
  price: PriceView;
}

export interface PriceQuote {
  /** Total in minor units of `currency`, what offer ids carry and re-pricing compares. */
  totalMinor: number;
  price: PriceView;
  travelerPricings: TravelerPricingView[];
}

/**
 * Converts per-traveller prices from the inventory currency and sums them. Each traveller's base and
 * taxes are converted once and multiplied, so the total equals the sum of the parts to the cent.
 */
export function quotePrice(travelers: readonly TravelerPrice[], from: string, to: string): PriceQuote {
  let base = 0;
  let taxes = 0;
  const travelerPricings: TravelerPricingView[] = [];
  for (const traveler of travelers) {
    const unitBase = convertMinor(traveler.base, from, to);
    const unitTaxes = convertMinor(traveler.taxes, from, to);
    base += unitBase * traveler.count;
    taxes += unitTaxes * traveler.count;
    travelerPricings.push({
      travelerType: traveler.type,
      count: traveler.count,
      price: view(unitBase, unitTaxes, to),
    });
  }
  return { totalMinor: base + taxes, price: view(base, taxes, to), travelerPricings };
}

/**
 * `quotePrice(travelers, from, to).totalMinor` without the views: what ranking candidates needs
 * (a search ranks hundreds and renders the few it keeps), with the same arithmetic.
 */
export function quoteTotal(travelers: readonly TravelerPrice[], from: string, to: string): number {
  let base = 0;
  let taxes = 0;
  for (const traveler of travelers) {
    base += convertMinor(traveler.base, from, to) * traveler.count;
    taxes += convertMinor(traveler.taxes, from, to) * traveler.count;
  }
  return base + taxes;
}

const convertMinor = (minor: number, from: string, to: string): number =>
  convert({ minor, currency: from }, to).minor;

/** A price of `amount` minor units with no taxes split (hotel room totals). */
export function priceView(base: number, taxes: number, currency: string): PriceView {
  return view(base, taxes, currency);
}

function view(base: number, taxes: number, currency: string): PriceView {
  return {
    total: formatAmount({ minor: base + taxes, currency }),
    base: formatAmount({ minor: base, currency }),
    taxes: formatAmount({ minor: taxes, currency }),
    currency,
  };
}
