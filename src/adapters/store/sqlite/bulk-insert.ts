import type Database from 'better-sqlite3';
import type { SqliteDatabase } from './database.js';

type Value = string | number;

/** Bound parameters per statement: far below SQLite's 32,766, and a chunk's array stays small. */
const PARAMETERS_PER_STATEMENT = 8_000;

/**
 * One prepared multi-row INSERT per table: rows go in chunks of as many rows as fit one statement,
 * so a batch costs a few hundred calls into SQLite rather than one per row. The caller holds the
 * transaction. `tail` is appended to the statement (e.g. `ON CONFLICT DO NOTHING`).
 */
export class BulkInsert {
  readonly #db: SqliteDatabase;
  readonly #head: string;
  readonly #tail: string;
  readonly #row: string;
  readonly #width: number;
  readonly #rowsPerChunk: number;
  readonly #statements = new Map<number, Database.Statement>();

  constructor(db: SqliteDatabase, table: string, columns: readonly string[], tail = '') {
    this.#db = db;
    this.#head = `INSERT INTO ${table} (${columns.join(', ')}) VALUES `;
    this.#tail = tail;
    this.#width = columns.length;
    this.#row = `(${columns.map(() => '?').join(', ')})`;
    this.#rowsPerChunk = Math.max(1, Math.floor(PARAMETERS_PER_STATEMENT / columns.length));
  }

  /** Inserts the rows; answers how many were inserted (rows the tail ignored are not counted). */
  run(rows: readonly (readonly Value[])[]): number {
    let changes = 0;
    for (let start = 0; start < rows.length; ) {
      const left = rows.length - start;
      // A full chunk, else the largest power of two that fits: a dozen statements serve any count.
      const count = left >= this.#rowsPerChunk ? this.#rowsPerChunk : 2 ** Math.floor(Math.log2(left));
      const values = new Array<Value>(count * this.#width);
      let i = 0;
      for (let r = start; r < start + count; r++) {
        const row = rows[r] as readonly Value[];
        for (let c = 0; c < this.#width; c++) values[i++] = row[c] as Value;
      }
      changes += this.#statement(count).run(values).changes;
      start += count;
    }
    return changes;
  }

  #statement(rows: number): Database.Statement {
    let statement = this.#statements.get(rows);
    if (!statement) {
      statement = this.#db.prepare(
        `${this.#head}${new Array<string>(rows).fill(this.#row).join(', ')} ${this.#tail}`,
      );
      this.#statements.set(rows, statement);
    }
    return statement;
  }
}
