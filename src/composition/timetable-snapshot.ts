import { closeSync, openSync, readSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { sharedArray, type TimetableLayout } from '../core/flights/timetable/timetable-layout.js';

/**
 * A timetable layout on disk, so a restarted server searches its index within seconds instead of
 * reading every flight from the store again (the full read then runs in the background and
 * swaps in). The file is the columns' bytes, each read straight into shared memory:
 *
 *   "TPTT1\n" | header length (uint32 LE) | header JSON | padding to 8 | column bytes, each padded to 8
 *
 * It sits beside the timetable's wiring (timetable.ts): it is file I/O, which the core does not do,
 * of a core structure, which adapters may not import.
 */

const MAGIC = 'TPTT1\n';
const TYPED_COLUMNS = {
  routeOrigin: Uint32Array,
  routeDestination: Uint32Array,
  routeFirstLeg: Uint32Array,
  departure: Uint32Array,
  arrival: Uint32Array,
  carrier: Uint16Array,
  flightNumber: Uint16Array,
  aircraftType: Uint16Array,
  currency: Uint8Array,
  fareSource: Uint8Array,
  distanceKm: Float32Array,
  fare: Int32Array,
  taxes: Int32Array,
  seatsLeft: Uint16Array,
  capacity: Uint16Array,
  idStart: Uint32Array,
  idBytes: Uint8Array,
  extraStart: Uint32Array,
  extraBytes: Uint8Array,
} as const;
type ColumnName = keyof typeof TYPED_COLUMNS;

interface SnapshotHeader {
  stations: string[];
  carriers: string[];
  aircraft: string[];
  currencies: string[];
  routeCarriers: string[];
  coversFrom: number;
  coversTo: number;
  builtAt: number;
  /** Elements of each column, in TYPED_COLUMNS order. */
  lengths: Record<ColumnName, number>;
}

const padded = (bytes: number): number => Math.ceil(bytes / 8) * 8;

/**
 * Bytes per read or write call: a year's snapshot is gigabytes, and between two calls the event
 * loop answers requests (one synchronous read of 1.9 GB held it for 2.6–4.4 s, and searches
 * answered 503 overloaded meanwhile).
 */
const CHUNK_BYTES = 32 * 1_048_576;
let temporaries = 0;

/** Writes `layout` to `path` (through a temporary file renamed over it: a reader never sees half). */
export async function writeTimetableSnapshot(path: string, layout: TimetableLayout): Promise<void> {
  const lengths = Object.fromEntries(
    (Object.keys(TYPED_COLUMNS) as ColumnName[]).map((name) => [name, layout[name].length]),
  ) as Record<ColumnName, number>;
  const header: SnapshotHeader = {
    stations: layout.stations,
    carriers: layout.carriers,
    aircraft: layout.aircraft,
    currencies: layout.currencies,
    routeCarriers: layout.routeCarriers,
    coversFrom: layout.coversFrom,
    coversTo: layout.coversTo,
    builtAt: layout.builtAt,
    lengths,
  };
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(padded(MAGIC.length + 4 + json.length));
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(json.length, MAGIC.length);
  json.copy(prefix, MAGIC.length + 4);
  const temporary = `${path}.${process.pid}.${++temporaries}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.write(prefix);
    for (const name of Object.keys(TYPED_COLUMNS) as ColumnName[]) {
      const column = layout[name];
      const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
      for (let at = 0; at < bytes.length; at += CHUNK_BYTES)
        await file.write(bytes, at, Math.min(CHUNK_BYTES, bytes.length - at));
      const pad = padded(column.byteLength) - column.byteLength;
      if (pad > 0) await file.write(Buffer.alloc(pad));
    }
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}

/**
 * Legs and bytes of the layout stored at `path`, from its header alone (what loading it would
 * take in memory); undefined when there is none or it is unreadable.
 */
export function timetableSnapshotSize(path: string): { legs: number; bytes: number } | undefined {
  return withSnapshot(path, (_, header) => {
    let bytes = 0;
    for (const [name, kind] of Object.entries(TYPED_COLUMNS) as [ColumnName, { BYTES_PER_ELEMENT: number }][])
      bytes += (header.lengths[name] ?? 0) * kind.BYTES_PER_ELEMENT;
    return { legs: header.lengths.departure, bytes };
  });
}

/**
 * Opens the snapshot at `path`, reads its header and hands both to `read`; undefined when there is
 * no snapshot, it is not one or reading it fails (a snapshot is only ever a head start).
 */
function withSnapshot<T>(
  path: string,
  read: (fd: number, header: SnapshotHeader & { columnsAt: number }) => T | undefined,
): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const header = readHeader(fd);
    return header ? read(fd, header) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** The header of an open snapshot file and where its columns start, or undefined when it is not one. */
function readHeader(fd: number): (SnapshotHeader & { columnsAt: number }) | undefined {
  const start = Buffer.alloc(MAGIC.length + 4);
  if (readSync(fd, start, 0, start.length, 0) !== start.length) return undefined;
  if (start.toString('latin1', 0, MAGIC.length) !== MAGIC) return undefined;
  const jsonLength = start.readUInt32LE(MAGIC.length);
  const json = Buffer.alloc(jsonLength);
  if (readSync(fd, json, 0, jsonLength, start.length) !== jsonLength) return undefined;
  const header = JSON.parse(json.toString('utf8')) as SnapshotHeader;
  return { ...header, columnsAt: padded(start.length + jsonLength) };
}

/** The layout stored at `path`, its columns in new shared memory; undefined when there is none or it is unreadable. */
export async function readTimetableSnapshot(path: string): Promise<TimetableLayout | undefined> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    // The header is small: read at once. The columns are read a chunk at a time.
    const header = readHeader(file.fd);
    if (!header) return undefined;
    let position = header.columnsAt;
    const columns: Partial<Record<ColumnName, TimetableLayout[ColumnName]>> = {};
    for (const [name, kind] of Object.entries(TYPED_COLUMNS) as [
      ColumnName,
      (typeof TYPED_COLUMNS)[ColumnName],
    ][]) {
      const length = header.lengths[name];
      const column = sharedArray(kind as unknown as Uint8ArrayConstructor, length);
      const view = new Uint8Array(column.buffer, 0, length * kind.BYTES_PER_ELEMENT);
      let read = 0;
      while (read < view.length) {
        const { bytesRead } = await file.read(
          view,
          read,
          Math.min(CHUNK_BYTES, view.length - read),
          position + read,
        );
        if (bytesRead === 0) return undefined;
        read += bytesRead;
      }
      position += padded(view.length);
      columns[name] = (
        length === 0 ? new kind(column.buffer, 0, 0) : new kind(column.buffer)
      ) as TimetableLayout[ColumnName];
    }
    return {
      stations: header.stations,
      carriers: header.carriers,
      aircraft: header.aircraft,
      currencies: header.currencies,
      routeCarriers: header.routeCarriers,
      coversFrom: header.coversFrom,
      coversTo: header.coversTo,
      builtAt: header.builtAt,
      ...(columns as Pick<TimetableLayout, ColumnName>),
    };
  } catch {
    return undefined;
  } finally {
    await file.close();
  }
}
