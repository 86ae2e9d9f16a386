import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sqlState, UNIQUE_VIOLATION } from './connection.js';

/** A column value of a bulk-loaded table; none of them is nullable. */
export type BulkValue = string | number;

/** How records of one kind become rows of one table. */
export interface BulkTable<T> {
  name: string;
  /** Every column, in the order `row` gives their values. */
  columns: readonly string[];
  /** The primary key: rows with the same values here are the same row. */
  key: readonly string[];
  row(record: T): readonly BulkValue[];
}

/** Rows per chunk of COPY data: big enough to keep the socket busy, small enough to stream any batch. */
const ROWS_PER_CHUNK = 2000;

/**
 * Writes records as rows of one table, replacing any row with the same key, inside the caller's
 * transaction. Rows go in key order, so concurrent loads take row locks in one order and never deadlock.
 * Answers whether some key was already there (a replacing load), false when every row was new.
 *
 * A fresh load (seeding after a clear, or new schedule days) only adds keys, so the rows are first
 * streamed straight into the table with COPY, the cheapest way in. When a key already exists the
 * COPY fails at that row (unique violation) and is rolled back to its savepoint; the rows are then
 * COPYed into a temporary table and merged with one `INSERT … SELECT … ON CONFLICT DO UPDATE`. A
 * replacing load thus costs one aborted COPY more — usually a few rows, since keys arrive in order.
 */
export async function writeRows<T>(
  client: pg.PoolClient,
  table: BulkTable<T>,
  records: readonly T[],
): Promise<boolean> {
  const rows = uniqueRowsInKeyOrder(table, records);
  if (rows.length === 0) return false;
  const columns = table.columns.join(', ');
  await client.query('SAVEPOINT bulk_rows');
  try {
    await copyRows(client, `COPY ${table.name} (${columns}) FROM STDIN`, rows);
    await client.query('RELEASE SAVEPOINT bulk_rows');
    return false;
  } catch (error) {
    if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
    await client.query('ROLLBACK TO SAVEPOINT bulk_rows');
  }
  const incoming = `${table.name}_incoming`;
  const updates = table.columns.filter((c) => !table.key.includes(c)).map((c) => `${c} = excluded.${c}`);
  await client.query(
    `CREATE TEMPORARY TABLE ${incoming} (LIKE ${table.name} INCLUDING DEFAULTS) ON COMMIT DROP`,
  );
  await copyRows(client, `COPY ${incoming} (${columns}) FROM STDIN`, rows);
  await client.query(
    `INSERT INTO ${table.name} (${columns}) SELECT ${columns} FROM ${incoming} ORDER BY ${table.key.join(', ')}
     ON CONFLICT (${table.key.join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
  );
  await client.query(`DROP TABLE ${incoming}`);
  return true;
}

/** The last record of each key (as repeated replacing writes would leave it), sorted by key. */
function uniqueRowsInKeyOrder<T>(table: BulkTable<T>, records: readonly T[]): (readonly BulkValue[])[] {
  const keyIndices = table.key.map((column) => table.columns.indexOf(column));
  const [only] = keyIndices;
  // NUL cannot occur in PostgreSQL text, so it separates key parts unambiguously and sorts first.
  const keyOf =
    keyIndices.length === 1 && only !== undefined
      ? (row: readonly BulkValue[]) => String(row[only])
      : (row: readonly BulkValue[]) => keyIndices.map((i) => row[i]).join('\u0000');
  const rows = records.map((record) => table.row(record));
  const keys = rows.map(keyOf);
  // Callers usually pass records in key order already (the demo schedule does): nothing to do then.
  if (keys.every((key, i) => i === 0 || (keys[i - 1] as string) < key)) return rows;
  const byKey = new Map<string, readonly BulkValue[]>();
  for (const [i, key] of keys.entries()) byKey.set(key, rows[i] as readonly BulkValue[]);
  return [...byKey.keys()].sort().map((key) => byKey.get(key) as readonly BulkValue[]);
}

/** Streams rows into a `COPY … FROM STDIN` statement (text format) in chunks. */
export async function copyRows(
  client: pg.PoolClient,
  sql: string,
  rows: readonly (readonly BulkValue[])[],
): Promise<void> {
  await pipeline(Readable.from(copyTextChunks(rows)), client.query(copyFrom(sql)));
}

/** Rows in COPY's text format: tab-separated values, one row per line. */
function* copyTextChunks(rows: readonly (readonly BulkValue[])[]): Generator<string> {
  let chunk = '';
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r] as readonly BulkValue[];
    chunk += copyText(row[0] as BulkValue);
    for (let c = 1; c < row.length; c++) chunk += `\t${copyText(row[c] as BulkValue)}`;
    chunk += '\n';
    if ((r + 1) % ROWS_PER_CHUNK === 0 || r === rows.length - 1) {
      yield chunk;
      chunk = '';
    }
  }
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** One value in COPY's text format: backslash, tab, newline and carriage return escaped. */
function copyText(value: BulkValue): string {
  if (typeof value === 'number') return String(value);
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c) : value;
}
