import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Clock, systemClock } from '../../../ports/clock.js';
import type { FlightRecord, InventoryStore, RouteRecord } from '../../../ports/store.js';
import { CABINS } from '../../../ports/store.js';
import {
  CABIN_SLOTS,
  FARE_SOURCES,
  NO_CABIN,
  sharedArray,
  type TimetableLayout,
} from './timetable-layout.js';

/** A flight the flat layout cannot hold exactly; the index is then not used (searches read the store). */
export class UnindexableFlightError extends Error {
  constructor(flightId: string, reason: string) {
    super(`flight ${flightId} cannot be indexed: ${reason}`);
    this.name = 'UnindexableFlightError';
  }
}

/**
 * Routes read per store call while building: bounded so one call never holds a huge answer, and
 * so that a synchronous backend (SQLite) gives the event loop back often: between two reads the
 * builder yields, and the server keeps answering while its index is rebuilt.
 */
const ROUTES_PER_READ = 50;

export type BuildProgress = (routesDone: number, routesTotal: number, legs: number) => void;

/**
 * Reads every flight departing in [from, to) from the store, route by route through the same port
 * call the search used (`findFlightsOnLegs`, so every backend builds the same index), into a flat
 * layout. `progress` is called after each read; an aborted `signal` stops the reading (it rejects).
 * `clock` dates the layout (`builtAt`).
 */
export async function buildTimetable(
  store: InventoryStore,
  window: { from: number; to: number },
  progress?: BuildProgress,
  signal?: AbortSignal,
  clock: Clock = systemClock,
): Promise<TimetableLayout> {
  const builtAt = clock.now();
  const routes = await store.listRoutes();
  const columns = new LegColumns();
  const routeFirstLeg: number[] = [0];
  for (let first = 0; first < routes.length; first += ROUTES_PER_READ) {
    signal?.throwIfAborted();
    const batch = routes.slice(first, first + ROUTES_PER_READ);
    const answers = await store.findFlightsOnLegs(
      batch.map((route) => ({
        origin: route.origin,
        destination: route.destination,
        departFrom: window.from,
        departTo: window.to,
      })),
    );
    for (const flights of answers) {
      for (const flight of flights) columns.push(flight);
      routeFirstLeg.push(columns.length);
    }
    progress?.(Math.min(routes.length, first + ROUTES_PER_READ), routes.length, columns.length);
    await nextTurn();
  }
  return columns.toLayout(routes, routeFirstLeg, { coversFrom: window.from, coversTo: window.to, builtAt });
}

/** Per-field growable columns of legs, copied into shared memory once complete. */
class LegColumns {
  length = 0;
  #capacity = 1024;
  #departure = new Uint32Array(this.#capacity);
  #arrival = new Uint32Array(this.#capacity);
  #carrier = new Uint16Array(this.#capacity);
  #flightNumber = new Uint16Array(this.#capacity);
  #aircraft = new Uint16Array(this.#capacity);
  #currency = new Uint8Array(this.#capacity);
  #fareSource = new Uint8Array(this.#capacity);
  #distanceKm = new Float32Array(this.#capacity);
  #fare = new Int32Array(this.#capacity * CABIN_SLOTS);
  #taxes = new Int32Array(this.#capacity * CABIN_SLOTS);
  #seatsLeft = new Uint16Array(this.#capacity * CABIN_SLOTS);
  #cabinCapacity = new Uint16Array(this.#capacity * CABIN_SLOTS);
  readonly #ids = new ByteStrings();
  readonly #extras = new ByteStrings();
  readonly #tables = {
    carriers: new CodeTable(0xffff),
    aircraft: new CodeTable(0xffff),
    currencies: new CodeTable(0xff),
  };

  push(flight: FlightRecord): void {
    if (this.length === this.#capacity) this.#grow();
    const i = this.length;
    this.#departure[i] = wholeSeconds(flight, flight.departureUtc);
    this.#arrival[i] = wholeSeconds(flight, flight.arrivalUtc);
    this.#carrier[i] = this.#tables.carriers.code(flight.carrier);
    if (!Number.isInteger(flight.flightNumber) || flight.flightNumber < 0 || flight.flightNumber > 0xffff)
      throw new UnindexableFlightError(flight.id, `flight number ${flight.flightNumber}`);
    this.#flightNumber[i] = flight.flightNumber;
    this.#aircraft[i] = this.#tables.aircraft.code(flight.aircraft);
    this.#currency[i] = this.#tables.currencies.code(flight.currency);
    this.#fareSource[i] = flight.fareSource === undefined ? 0 : FARE_SOURCES.indexOf(flight.fareSource);
    this.#distanceKm[i] = flight.distanceKm;
    if (this.#distanceKm[i] !== flight.distanceKm)
      throw new UnindexableFlightError(flight.id, `distance ${flight.distanceKm} km is not a float32`);
    writeCabins(
      { fare: this.#fare, taxes: this.#taxes, seatsLeft: this.#seatsLeft, capacity: this.#cabinCapacity },
      i,
      flight,
    );
    this.#ids.push(flight.id);
    this.#extras.push(extraFieldsJson(flight));
    this.length += 1;
  }

  toLayout(
    routes: readonly RouteRecord[],
    routeFirstLeg: readonly number[],
    span: Pick<TimetableLayout, 'coversFrom' | 'coversTo' | 'builtAt'>,
  ): TimetableLayout {
    const stations = new CodeTable(0xffffffff);
    const routeOrigin = sharedArray(Uint32Array, routes.length);
    const routeDestination = sharedArray(Uint32Array, routes.length);
    routes.forEach((route, r) => {
      routeOrigin[r] = stations.code(route.origin);
      routeDestination[r] = stations.code(route.destination);
    });
    const n = this.length;
    const copy = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array>(
      kind: { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
      source: T,
      length: number,
    ): T => {
      const target = sharedArray(kind, length);
      (target as Uint8Array).set((source as Uint8Array).subarray(0, length));
      return target;
    };
    const ids = this.#ids.toShared();
    const extras = this.#extras.toShared();
    return {
      stations: stations.codes,
      carriers: this.#tables.carriers.codes,
      aircraft: this.#tables.aircraft.codes,
      currencies: this.#tables.currencies.codes,
      routeOrigin,
      routeDestination,
      routeCarriers: routes.map((route) => route.carriers.join(',')),
      routeFirstLeg: copy(Uint32Array, Uint32Array.from(routeFirstLeg), routeFirstLeg.length),
      departure: copy(Uint32Array, this.#departure, n),
      arrival: copy(Uint32Array, this.#arrival, n),
      carrier: copy(Uint16Array, this.#carrier, n),
      flightNumber: copy(Uint16Array, this.#flightNumber, n),
      aircraftType: copy(Uint16Array, this.#aircraft, n),
      currency: copy(Uint8Array, this.#currency, n),
      fareSource: copy(Uint8Array, this.#fareSource, n),
      distanceKm: copy(Float32Array, this.#distanceKm, n),
      fare: copy(Int32Array, this.#fare, n * CABIN_SLOTS),
      taxes: copy(Int32Array, this.#taxes, n * CABIN_SLOTS),
      seatsLeft: copy(Uint16Array, this.#seatsLeft, n * CABIN_SLOTS),
      capacity: copy(Uint16Array, this.#cabinCapacity, n * CABIN_SLOTS),
      idStart: ids.start,
      idBytes: ids.bytes,
      extraStart: extras.start,
      extraBytes: extras.bytes,
      ...span,
    };
  }

  #grow(): void {
    this.#capacity *= 2;
    const grown = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array>(
      array: T,
      perLeg = 1,
    ): T => {
      const next = new (array.constructor as new (length: number) => T)(this.#capacity * perLeg);
      (next as Uint8Array).set(array as Uint8Array);
      return next;
    };
    this.#departure = grown(this.#departure);
    this.#arrival = grown(this.#arrival);
    this.#carrier = grown(this.#carrier);
    this.#flightNumber = grown(this.#flightNumber);
    this.#aircraft = grown(this.#aircraft);
    this.#currency = grown(this.#currency);
    this.#fareSource = grown(this.#fareSource);
    this.#distanceKm = grown(this.#distanceKm);
    this.#fare = grown(this.#fare, CABIN_SLOTS);
    this.#taxes = grown(this.#taxes, CABIN_SLOTS);
    this.#seatsLeft = grown(this.#seatsLeft, CABIN_SLOTS);
    this.#cabinCapacity = grown(this.#cabinCapacity, CABIN_SLOTS);
  }
}

/** The cabin slots of leg `leg`, from the record (cabins it lacks get NO_CABIN). */
export function writeCabins(
  slots: Pick<TimetableLayout, 'fare' | 'taxes' | 'seatsLeft' | 'capacity'>,
  leg: number,
  flight: FlightRecord,
): void {
  for (let c = 0; c < CABIN_SLOTS; c++) {
    const slot = leg * CABIN_SLOTS + c;
    const cabin = flight.cabins.find((candidate) => candidate.cabin === CABINS[c]);
    if (!cabin) {
      slots.capacity[slot] = NO_CABIN;
      slots.seatsLeft[slot] = 0;
      slots.fare[slot] = 0;
      slots.taxes[slot] = 0;
      continue;
    }
    if (cabin.capacity >= NO_CABIN || cabin.seatsLeft > NO_CABIN || cabin.seatsLeft < 0)
      throw new UnindexableFlightError(flight.id, `${cabin.cabin} has ${cabin.capacity} seats`);
    if (
      !Number.isSafeInteger(cabin.fare) ||
      (cabin.fare | 0) !== cabin.fare ||
      (cabin.taxes | 0) !== cabin.taxes
    )
      throw new UnindexableFlightError(flight.id, `${cabin.cabin} fare ${cabin.fare} is not an int32`);
    slots.capacity[slot] = cabin.capacity;
    slots.seatsLeft[slot] = cabin.seatsLeft;
    slots.fare[slot] = cabin.fare;
    slots.taxes[slot] = cabin.taxes;
  }
}

/** The rare optional fields of a record as JSON, or '' when it has none. */
export function extraFieldsJson(flight: FlightRecord): string {
  if (flight.throughFlight === undefined && flight.codeshares === undefined && flight.cancelled === undefined)
    return '';
  return JSON.stringify({
    throughFlight: flight.throughFlight,
    codeshares: flight.codeshares,
    // A cancelled flight that holds bookings stays in the store (schedule imports) and is never offered.
    cancelled: flight.cancelled,
  });
}

function wholeSeconds(flight: FlightRecord, ms: number): number {
  if (ms % 1000 !== 0 || ms < 0 || ms / 1000 > 0xffffffff)
    throw new UnindexableFlightError(flight.id, `time ${ms} is not a whole second`);
  return ms / 1000;
}

/** Codes numbered in order of first appearance. */
class CodeTable {
  readonly codes: string[] = [];
  readonly #numbers = new Map<string, number>();
  readonly #most: number;

  constructor(most: number) {
    this.#most = most;
  }

  code(value: string): number {
    let number = this.#numbers.get(value);
    if (number === undefined) {
      number = this.codes.length;
      if (number > this.#most) throw new Error(`more than ${this.#most} distinct codes in a timetable table`);
      this.codes.push(value);
      this.#numbers.set(value, number);
    }
    return number;
  }
}

/** Strings appended as UTF-8 into one growing byte array, with start offsets. */
class ByteStrings {
  #bytes = new Uint8Array(64 * 1024);
  #used = 0;
  readonly #starts: number[] = [0];
  readonly #encoder = new TextEncoder();

  push(value: string): void {
    if (value.length > 0) {
      if (this.#used + value.length * 3 > this.#bytes.length) {
        const next = new Uint8Array(Math.max(this.#bytes.length * 2, this.#used + value.length * 3));
        next.set(this.#bytes.subarray(0, this.#used));
        this.#bytes = next;
      }
      this.#used += this.#encoder.encodeInto(value, this.#bytes.subarray(this.#used)).written;
    }
    this.#starts.push(this.#used);
  }

  toShared(): { start: Uint32Array; bytes: Uint8Array } {
    const start = sharedArray(Uint32Array, this.#starts.length);
    start.set(this.#starts);
    const bytes = sharedArray(Uint8Array, this.#used);
    bytes.set(this.#bytes.subarray(0, this.#used));
    return { start, bytes };
  }
}
