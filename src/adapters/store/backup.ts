import { closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * What the SQLite and PostgreSQL backup primitives (and the backup and restore commands) share: the tables a backup counts (so its
 * manifest says what it holds and a restore can prove it got all of it), the facts they report, and
 * the one error they raise for an operator to read.
 */

/** Tables counted into a backup's manifest and checked again after a restore; the same names on both backends. */
export const COUNTED_TABLES = [
  'bookings',
  'idempotency_keys',
  'flights',
  'flight_cabins',
  'hotels',
  'room_nights',
  'api_keys',
  'outbox',
  'dead_letters',
] as const;

export type CountedTable = (typeof COUNTED_TABLES)[number];

/** Rows per counted table, as of one consistent snapshot. */
export type TableCounts = Record<CountedTable, number>;

/** What one consistent snapshot of a store holds, read from the snapshot itself. */
export interface SnapshotFacts {
  counts: TableCounts;
  /** Schema version: how many migrations were applied and the last one's id. */
  migrations: { applied: number; latest: string };
}

/**
 * A backup or restore that cannot go on, for a reason the operator can act on: a target that holds
 * data, a failed integrity check, a missing pg_dump. `message` is one line.
 */
export class BackupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackupError';
  }
}

/** The first table whose count differs between `expected` and `actual`, described in one line; undefined when all agree. */
export function countMismatch(expected: TableCounts, actual: TableCounts): string | undefined {
  const table = COUNTED_TABLES.find((name) => expected[name] !== actual[name]);
  return table === undefined
    ? undefined
    : `${table} holds ${actual[table]} rows, the backup ${expected[table]}`;
}

/** The first line of an error's message, for a one-line report. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** Flushes a file (or a directory, making a rename in it durable) to disk. */
export function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
