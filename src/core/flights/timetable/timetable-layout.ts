import { CABINS } from '../../../ports/store.js';

/**
 * The flat memory of a timetable index: one column per leg field, every column a typed array over a
 * SharedArrayBuffer, so the search threads of a process read the one copy the main thread built
 * (structured clone shares a SharedArrayBuffer instead of copying it). Nothing is an object per leg.
 *
 * Legs are grouped by route (the store's route order) and, within a route, in the store's order
 * (departure, then id): `routeFirstLeg[r]` … `routeFirstLeg[r + 1]` are the legs of route `r`, so a
 * route's departure window is two binary searches. Times are whole seconds since the epoch (Uint32
 * reaches 2106); a leg with a sub-second time cannot be indexed (the builder refuses the timetable).
 *
 * Cabins are fixed slots, in CABINS order: slot `leg * CABIN_SLOTS + c`. A slot whose capacity is
 * NO_CABIN is a cabin the aircraft does not have. Fares and seats are updated in place by events;
 * everything else changes only by building a new layout and swapping it whole.
 */
export interface TimetableLayout {
  /** Airport codes; stations are indexes into this table. */
  stations: string[];
  carriers: string[];
  aircraft: string[];
  currencies: string[];
  /** Origin and destination station of each route, in the store's route order. */
  routeOrigin: Uint32Array;
  routeDestination: Uint32Array;
  /** Carriers flying each route, as the store lists them (comma-joined; routes are few). */
  routeCarriers: string[];
  /** Route r's legs are [routeFirstLeg[r], routeFirstLeg[r + 1]); length routes + 1. */
  routeFirstLeg: Uint32Array;
  departure: Uint32Array;
  arrival: Uint32Array;
  carrier: Uint16Array;
  flightNumber: Uint16Array;
  aircraftType: Uint16Array;
  currency: Uint8Array;
  /** FARE_SOURCES index; 0 when the record has no fareSource. */
  fareSource: Uint8Array;
  distanceKm: Float32Array;
  /** Per cabin slot: base fare and taxes (minor units), seats left and capacity (NO_CABIN: none). */
  fare: Int32Array;
  taxes: Int32Array;
  seatsLeft: Uint16Array;
  capacity: Uint16Array;
  /** Leg i's id is the UTF-8 bytes [idStart[i], idStart[i + 1]) of idBytes. */
  idStart: Uint32Array;
  idBytes: Uint8Array;
  /** JSON of the rare fields (throughFlight, codeshares), empty for most legs; same scheme as ids. */
  extraStart: Uint32Array;
  extraBytes: Uint8Array;
  /** First and last instant the index holds every flight of, epoch ms [from, to). */
  coversFrom: number;
  coversTo: number;
  /** When the layout was read from the store, epoch ms. */
  builtAt: number;
}

export const CABIN_SLOTS = CABINS.length;
/** Capacity of a cabin slot the flight does not have (no real cabin has 65,535 seats). */
export const NO_CABIN = 0xffff;
/** fareSource values by index; 0 stands for an absent field. */
export const FARE_SOURCES = [undefined, 'inventory', 'filed', 'estimated'] as const;

/** A typed array of `length` elements over a new SharedArrayBuffer. */
export function sharedArray<T extends SharedTypedArray>(
  kind: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
  length: number,
): T {
  return new kind(new SharedArrayBuffer(Math.max(1, length) * kind.BYTES_PER_ELEMENT));
}

type SharedTypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** Bytes of shared memory a layout holds (what every thread reads, counted once). */
export function layoutBytes(layout: TimetableLayout): number {
  let bytes = 0;
  for (const value of Object.values(layout)) {
    if (ArrayBuffer.isView(value)) bytes += value.byteLength;
  }
  return bytes;
}

/** Legs a layout holds. */
export function legCount(layout: TimetableLayout): number {
  return layout.routeFirstLeg[layout.routeFirstLeg.length - 1] ?? 0;
}
