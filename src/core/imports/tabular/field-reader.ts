import { isCalendarDate } from '../../../kernel/zoned-time.js';
import { USD_RATES } from '../../money/currencies.js';
import { parseAmount } from '../../money/money.js';
import type { ProblemLog } from './problem-log.js';
import type { TabularRecord } from './tabular-records.js';

/**
 * Reads the fields of one record by the format's rules, reporting each bad value as an error naming
 * its column; `valid` is false once any field of the record was bad. The rules every tabular import
 * shares live here once (codes, dates, integers, amounts, booleans, choices).
 */
export class FieldReader {
  readonly #record: TabularRecord;
  readonly #problems: ProblemLog;
  #valid = true;

  constructor(record: TabularRecord, problems: ProblemLog) {
    this.#record = record;
    this.#problems = problems;
  }

  get line(): number {
    return this.#record.line;
  }

  get valid(): boolean {
    return this.#valid;
  }

  /** Reports a problem with the record that no single reader caught (a rule across fields). */
  fail(column: string | undefined, message: string): void {
    this.#valid = false;
    this.#problems.error(this.#record.line, column, message);
  }

  warn(column: string | undefined, message: string): void {
    this.#problems.warning(this.#record.line, column, message);
  }

  /** The value, or undefined (reported when `required`). */
  text(column: string, required = true): string | undefined {
    const value = this.#record.get(column);
    if (value === undefined && required) this.fail(column, 'required');
    return value;
  }

  /** An upper-cased code matching `pattern` (e.g. IATA codes). */
  code(column: string, pattern: RegExp, what: string, required = true): string | undefined {
    const value = this.text(column, required)?.toUpperCase();
    if (value === undefined) return undefined;
    if (!pattern.test(value)) {
      this.fail(column, `"${value}" is not ${what}`);
      return undefined;
    }
    return value;
  }

  /** A calendar date, YYYY-MM-DD. */
  date(column: string, required = true): string | undefined {
    const value = this.text(column, required);
    if (value === undefined) return undefined;
    if (!isCalendarDate(value)) {
      this.fail(column, `"${value}" is not a date (YYYY-MM-DD)`);
      return undefined;
    }
    return value;
  }

  /** An integer in [min, max]; `fallback` when absent and not required. */
  integer(column: string, min: number, max: number, fallback?: number): number | undefined {
    const value = this.text(column, false);
    if (value === undefined) return fallback;
    if (!/^-?\d{1,9}$/.test(value) || Number(value) < min || Number(value) > max) {
      this.fail(column, `"${value}" is not an integer from ${min} to ${max}`);
      return undefined;
    }
    return Number(value);
  }

  /** A required integer in [min, max]. */
  requiredInteger(column: string, min: number, max: number): number | undefined {
    if (this.text(column) === undefined) return undefined;
    return this.integer(column, min, max);
  }

  /** A decimal number in [min, max] (coordinates). */
  decimal(column: string, min: number, max: number): number | undefined {
    const value = this.text(column);
    if (value === undefined) return undefined;
    if (!/^-?\d{1,4}(\.\d{1,9})?$/.test(value) || Number(value) < min || Number(value) > max) {
      this.fail(column, `"${value}" is not a decimal number from ${min} to ${max}`);
      return undefined;
    }
    return Number(value);
  }

  /** An ISO 4217 currency the platform converts (its rate table). */
  currency(column: string): string | undefined {
    const value = this.code(column, /^[A-Z]{3}$/, 'a currency code (ISO 4217)');
    if (value === undefined) return undefined;
    if (USD_RATES[value] === undefined) {
      this.fail(
        column,
        `currency ${value} is not one the platform converts (${Object.keys(USD_RATES).join(', ')})`,
      );
      return undefined;
    }
    return value;
  }

  /** A decimal amount in major units of `currency` ("412.30"), as minor units; undefined currency skips the check. */
  amount(column: string, currency: string | undefined): number | undefined {
    const value = this.text(column);
    if (value === undefined) return undefined;
    const minor = parseAmount(value, currency ?? 'USD');
    if (minor === undefined) {
      this.fail(
        column,
        `"${value}" is not a decimal amount${currency ? ` in ${currency}` : ''} (e.g. 129.50)`,
      );
      return undefined;
    }
    return minor;
  }

  /** `true` or `false`; `fallback` when absent. */
  boolean(column: string, fallback: boolean): boolean | undefined {
    const value = this.text(column, false)?.toLowerCase();
    if (value === undefined) return fallback;
    if (value !== 'true' && value !== 'false') {
      this.fail(column, `"${value}" is not true or false`);
      return undefined;
    }
    return value === 'true';
  }

  /** One of `choices` (lower-cased); `fallback` when absent, required when there is none. */
  choice<T extends string>(column: string, choices: readonly T[], fallback?: T): T | undefined {
    const value = this.text(column, fallback === undefined)?.toLowerCase();
    if (value === undefined) return fallback;
    if (!(choices as readonly string[]).includes(value)) {
      this.fail(column, `"${value}" is not one of ${choices.join(', ')}`);
      return undefined;
    }
    return value as T;
  }
}
