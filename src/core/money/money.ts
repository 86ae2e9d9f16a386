import { currencyExponent, USD_RATES } from './currencies.js';

/** An amount in integer minor units of a currency; never a float of major units. */
export interface Money {
  minor: number;
  currency: string;
}

/** Decimal string of an amount, e.g. 41230 EUR → "412.30", 5000 JPY → "5000". */
export function formatAmount(money: Money): string {
  const exponent = currencyExponent(money.currency);
  if (exponent === 0) return String(money.minor);
  const sign = money.minor < 0 ? '-' : '';
  const abs = Math.abs(money.minor);
  const scale = 10 ** exponent;
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(exponent, '0')}`;
}

/** Parses a decimal string in major units ("412.3", "412.30", "5000") into minor units; undefined if malformed. */
export function parseAmount(value: string, currency: string): number | undefined {
  const exponent = currencyExponent(currency);
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(value);
  if (!match) return undefined;
  const fraction = (match[2] ?? '').padEnd(exponent, '0');
  if (fraction.length > exponent) return undefined;
  return Number(match[1]) * 10 ** exponent + (fraction === '' ? 0 : Number(fraction));
}

/**
 * Converts with the illustrative rate table, rounding half away from zero to the target's minor unit.
 * Throws for a currency outside the table (callers validate currencies first).
 */
export function convert(money: Money, to: string): Money {
  if (money.currency === to) return money;
  const fromRate = USD_RATES[money.currency];
  const toRate = USD_RATES[to];
  if (fromRate === undefined || toRate === undefined) {
    throw new RangeError(`no exchange rate for ${money.currency} → ${to}`);
  }
  const major = (money.minor / 10 ** currencyExponent(money.currency) / fromRate) * toRate;
  const minor = Math.round(Math.abs(major) * 10 ** currencyExponent(to) + 1e-9) * Math.sign(major);
  return { minor: minor === 0 ? 0 : minor, currency: to };
}
