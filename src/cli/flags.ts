/** A command line the CLI refuses: printed with the usage, exit 64 (EX_USAGE). */
export class UsageError extends Error {}

/**
 * The value of a numeric flag: `fallback` when absent; otherwise a plain decimal (an integer when
 * `integer`) from `min` to `max`, or a UsageError naming the flag and the range.
 */
export function numericFlag(
  value: string | undefined,
  name: string,
  range: { fallback: number; min: number; max: number; integer?: boolean },
): number {
  if (value === undefined) return range.fallback;
  const pattern = range.integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  const parsed = Number(value);
  if (!pattern.test(value) || parsed < range.min || parsed > range.max) {
    throw new UsageError(
      `--${name}=${JSON.stringify(value)} is invalid: expected ${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`,
    );
  }
  return parsed;
}
