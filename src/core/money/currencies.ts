/**
 * Illustrative exchange rates (units of the currency per 1 USD), shipped with the demo data so
 * conversion works offline. They are not market rates and must not be used for real pricing.
 */
export const USD_RATES: Readonly<Record<string, number>> = {
  USD: 1,
  EUR: 0.92,
  GBP: 0.79,
  JPY: 151,
  CHF: 0.88,
  CAD: 1.36,
  AUD: 1.52,
  NZD: 1.65,
  CNY: 7.2,
  HKD: 7.82,
  SGD: 1.34,
  INR: 83.3,
  AED: 3.6725,
  SAR: 3.75,
  QAR: 3.64,
  TRY: 32.5,
  SEK: 10.5,
  NOK: 10.7,
  DKK: 6.87,
  PLN: 3.95,
  BRL: 5.05,
  MXN: 17.0,
  ZAR: 18.6,
  KRW: 1345,
  THB: 36.2,
};

/** Currencies whose minor unit is not the cent (ISO 4217 exponent). */
const EXPONENT: Readonly<Record<string, number>> = { JPY: 0, KRW: 0 };

/** ISO 4217 exponent: digits after the decimal point. */
export function currencyExponent(currency: string): number {
  return EXPONENT[currency] ?? 2;
}
