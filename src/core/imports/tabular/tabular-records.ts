import type { ImportLine } from '../import-kind.js';
import type { ProblemLog } from './problem-log.js';

/** The columns of one CSV/JSON format: those every record must have and those it may have. */
export interface TabularFormat {
  required: readonly string[];
  optional: readonly string[];
}

/** One record of a CSV or JSON Lines file: its line and its non-blank values by column name. */
export interface TabularRecord {
  line: number;
  /** Trimmed value of a column; undefined when the column is absent or the value blank. */
  get(column: string): string | undefined;
}

/**
 * Records of a CSV file (a header line, then one record per line) or of a JSON Lines file (one JSON
 * object per line, members named as the CSV columns), told apart by the first non-blank line: `{`
 * starts JSON Lines. Blank lines and, in CSV, lines starting with `#` are skipped. A header naming an
 * unknown or repeated column, or missing a required one, is an error at line 1 of the header and
 * ends the file (nothing else can be read right); a malformed record is an error at its line.
 */
export async function* readTabularRecords(
  lines: AsyncIterable<ImportLine>,
  format: TabularFormat,
  problems: ProblemLog,
): AsyncGenerator<TabularRecord> {
  let columns: string[] | undefined;
  let json: boolean | undefined;
  for await (const { line, text } of lines) {
    const trimmed = text.replace(/^\uFEFF/, '').trim();
    if (trimmed === '' || (json !== true && trimmed.startsWith('#'))) continue;
    if (json === undefined) json = trimmed.startsWith('{');
    if (json) {
      const record = jsonRecord(line, trimmed, format, problems);
      if (record !== undefined) yield record;
      continue;
    }
    const cells = splitCsvLine(trimmed);
    if (cells === undefined) {
      problems.error(line, undefined, 'unterminated quoted value (a value may not span lines)');
      if (columns === undefined) return;
      continue;
    }
    if (columns === undefined) {
      columns = cells.map((cell) => cell.trim().toLowerCase());
      if (!checkHeader(line, columns, format, problems)) return;
      continue;
    }
    if (cells.length !== columns.length) {
      problems.error(line, undefined, `has ${cells.length} values; the header has ${columns.length} columns`);
      continue;
    }
    const values = new Map<string, string>();
    columns.forEach((column, i) => {
      const value = (cells[i] ?? '').trim();
      if (value !== '') values.set(column, value);
    });
    yield { line, get: (column) => values.get(column) };
  }
  if (json !== true && columns === undefined) problems.error(1, undefined, 'the file has no header line');
}

function checkHeader(line: number, columns: string[], format: TabularFormat, problems: ProblemLog): boolean {
  const known = new Set([...format.required, ...format.optional]);
  const before = problems.errorCount;
  const seen = new Set<string>();
  for (const column of columns) {
    if (!known.has(column))
      problems.error(
        line,
        column,
        `unknown column (columns: ${[...format.required, ...format.optional].join(', ')})`,
      );
    else if (seen.has(column)) problems.error(line, column, 'column named twice');
    seen.add(column);
  }
  for (const column of format.required) {
    if (!seen.has(column)) problems.error(line, column, 'required column missing from the header');
  }
  return problems.errorCount === before;
}

function jsonRecord(
  line: number,
  text: string,
  format: TabularFormat,
  problems: ProblemLog,
): TabularRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    problems.error(line, undefined, 'not a JSON object (JSON Lines: one object per line)');
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.error(line, undefined, 'not a JSON object (JSON Lines: one object per line)');
    return undefined;
  }
  const known = new Set([...format.required, ...format.optional]);
  const values = new Map<string, string>();
  let valid = true;
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!known.has(name)) {
      problems.error(line, name, 'unknown member');
      valid = false;
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      const text = String(value).trim();
      if (text !== '') values.set(name, text);
    } else if (value !== null) {
      problems.error(line, name, 'must be a string, number or boolean');
      valid = false;
    }
  }
  return valid ? { line, get: (column) => values.get(column) } : undefined;
}

/**
 * The values of one CSV line (RFC 4180 quoting: `"a, b"`, `""` for a quote inside quotes); undefined
 * when a quoted value is not closed on the line.
 */
export function splitCsvLine(text: string): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  if (quoted) return undefined;
  cells.push(cell);
  return cells;
}
