import { parseNumericLiteral } from './numeric-literal.js';

/** A bare (unquoted) JSON value that breaks the number rule, with where it sits in the document. */
export interface UnsafeLiteral {
  /** Property names and array indices from the root, e.g. ["flights", "0", "seatsLeft"]. */
  path: string[];
  literal: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const BARE_END = new Set([',', '}', ']', ':', ' ', '\t', '\n', '\r']);
const MAX_DEPTH = 64;
const KEYWORDS = new Set(['true', 'false', 'null']);

/**
 * Finds the first bare value of a JSON text that is neither `true`, `false`, `null` nor a number the
 * app accepts (numeric-literal.ts): `1e309`, `-1e309`, `1e-400`, `0x10`, `NaN`, `Infinity`, `1e1`,
 * 2^53+1. `JSON.parse` would turn some of them into `Infinity` or `0` or round them silently, and
 * reject the others without naming the field. Text that is not JSON otherwise is left to the parser.
 */
export function findUnsafeLiteral(text: string): UnsafeLiteral | undefined {
  let i = 0;
  const path: string[] = [];
  const skipSpace = (): void => {
    while (i < text.length && WHITESPACE.has(text[i] as string)) i++;
  };
  /** The string starting at i (on its opening quote), unescaped only as far as a name needs. */
  const readString = (): string | undefined => {
    const start = ++i;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) return undefined;
    const raw = text.slice(start, i++);
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return raw;
    }
  };
  const value = (): UnsafeLiteral | undefined | 'malformed' => {
    // Deeper than any schema of the API: left to the parser and the schema, which refuse it.
    if (path.length > MAX_DEPTH) return 'malformed';
    skipSpace();
    const char = text[i];
    if (char === undefined) return 'malformed';
    if (char === '"') return readString() === undefined ? 'malformed' : undefined;
    if (char === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return undefined;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') return 'malformed';
        const name = readString();
        if (name === undefined) return 'malformed';
        skipSpace();
        if (text[i++] !== ':') return 'malformed';
        path.push(name);
        const found = value();
        if (found !== undefined) return found;
        path.pop();
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return undefined;
        } else return 'malformed';
      }
    }
    if (char === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return undefined;
      }
      for (let index = 0; ; index++) {
        path.push(String(index));
        const found = value();
        if (found !== undefined) return found;
        path.pop();
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return undefined;
        } else return 'malformed';
      }
    }
    const start = i;
    while (i < text.length && !BARE_END.has(text[i] as string)) i++;
    const literal = text.slice(start, i);
    if (literal === '') return 'malformed';
    if (KEYWORDS.has(literal) || parseNumericLiteral(literal) !== undefined) return undefined;
    return { path: [...path], literal };
  };
  const found = value();
  return found === 'malformed' ? undefined : found;
}
