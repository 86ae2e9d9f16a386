/**
 * The one rule for numbers a client writes, in query strings, headers, path parameters and JSON
 * bodies alike: a plain decimal (`-12`, `48.8566`) — no exponent, hex, `Infinity`, `NaN`, leading
 * `+` or blanks — whose value is finite, does not underflow to 0, and, when it has no fraction, is an
 * exactly representable (safe) integer. Anything else is refused at validation, so no non-finite
 * or silently rounded number reaches a route (docs/adr/0011-one-number-rule.md).
 */

const PLAIN_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;
const NONZERO_DIGIT = /[1-9]/;

/** The value of `literal` when it obeys the rule, else undefined. */
export function parseNumericLiteral(literal: string): number | undefined {
  if (literal.length > 64 || !PLAIN_DECIMAL.test(literal)) return undefined;
  const value = Number(literal);
  if (!Number.isFinite(value)) return undefined;
  if (value === 0 && NONZERO_DIGIT.test(literal)) return undefined;
  if (!literal.includes('.') && !Number.isSafeInteger(value)) return undefined;
  return value;
}

/** The integer `literal` stands for when it obeys the rule and has no fraction, else undefined. */
export function parseIntegerLiteral(literal: string): number | undefined {
  if (literal.includes('.')) return undefined;
  return parseNumericLiteral(literal);
}

/** What a field must look like, for error messages. */
export const NUMBER_RULE =
  'must be a plain decimal number (no exponent or hex), finite, and an exact integer when it has no fraction';
