import type { AmadeusErrorSource } from './errors.js';

/**
 * A warning of a successful Amadeus answer (its `warnings` member): the request was served, and
 * something in it changed or was not applied.
 */
export interface AmadeusWarning {
  status?: number;
  code: number;
  title: string;
  detail: string;
  source?: AmadeusErrorSource;
}

/**
 * The warning Amadeus's Flight Offers Price gave when the live price differed from the searched one
 * (apps test its title to ask "the price changed, continue?"); used for hotel re-pricing too.
 */
export function priceChangedWarning(
  previous: { total: string; currency: string },
  current: { total: string; currency: string },
  pointer: string,
): AmadeusWarning {
  return {
    status: 200,
    code: 0,
    title: 'PricingOrFareBasisDiscrepancyWarning',
    detail: `Actual price is different from the requested one: ${previous.total} ${previous.currency} is now ${current.total} ${current.currency}`,
    source: { pointer },
  };
}

/** A parameter the server accepted but could not apply, so the answer is not filtered by it. */
export function notAppliedWarning(parameter: string, reason: string): AmadeusWarning {
  return {
    code: 0,
    title: 'PARAMETER NOT APPLIED',
    detail: `${parameter} was not applied: ${reason}`,
    source: { parameter },
  };
}

/** `{warnings}` when there are any, to spread into an answer; nothing otherwise. */
export function withWarnings(warnings: readonly AmadeusWarning[]): { warnings?: AmadeusWarning[] } {
  return warnings.length > 0 ? { warnings: [...warnings] } : {};
}
