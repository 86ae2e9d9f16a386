import { setImmediate as nextTurn } from 'node:timers/promises';
import { type Clock, systemClock } from '../../../ports/clock.js';
import type { FlightRecord, InventoryStore, RouteRecord } from '../../../ports/store.js';
import { CABINS } from '../../../ports/store.js';
import type { TimetableIndex } from './timetable-index.js';
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
 * Routes read per store call while building, at most: bounded so one call never holds a huge
 * answer, and so that a synchronous backend (SQLite) gives the event loop back often: between two
 * reads the builder yields, and the server keeps answering while its index is rebuilt.
 */
const ROUTES_PER_READ = 50;
/**
 * Legs a read aims at: a year of a busy route is ~900 legs, so 50 such routes would be one read of
 * 45,000 records blocking the event loop for seconds (searches then answer 503, overloaded); the
 * routes per read shrink to keep each read near this size.
 */
const LEGS_PER_READ = 4_000;

/**
 * The flights of every route departing in the window, a read at a time, in route order: each read
 * is `routes[first … first + answers.length)`. Yields between reads (see ROUTES_PER_READ).
 */
async function* routeWindows(
  store: InventoryStore,
  routes: readonly RouteRecord[],
  window: { from: number; to: number },
  signal?: AbortSignal,
): AsyncGenerator<{ first: number; answers: FlightRecord[][] }> {
  let perRead = ROUTES_PER_READ;
  for (let first = 0; first < routes.length; ) {
    signal?.throwIfAborted();
    const answers = await store.findFlightsOnLegs(
      routes.slice(first, first + perRead).map((route) => ({
        origin: route.origin,
        destination: route.destination,
        departFrom: window.from,
        departTo: window.to,
      })),
    );
    yield { first, answers };
    first += answers.length;
    const legs = answers.reduce((sum, flights) => sum + flights.length, 0);
    const next = Math.max(
      1,
      Math.min(ROUTES_PER_READ, Math.floor((perRead * LEGS_PER_READ) / Math.max(1, legs))),
    );
    perRead = next;
    await nextTurn();
  }
}

export type BuildProgress = (routesDone: number, routesTotal: number, legs: number) => void;

/**
 * Reads every flight departing in [from, to) from the store, route by route through the same port
 * call the search used (`findFlightsOnLegs`, so every backend builds the same index), into a flat
 * layout. `progress` is called after each read; an aborted `signal` stops the reading (it rejects).
 * `clock` dates the layout (`builtAt`). `expectedLegs` (the previous layout's
 * legs, a snapshot's, the store's flight count) sizes the columns up front: see LegColumns.
 */
export async function buildTimetable(
  store: InventoryStore,
  window: { from: number; to: number },
  progress?: BuildProgress,
  signal?: AbortSignal,
  clock: Clock = systemClock,
  expectedLegs = 0,
): Promise<TimetableLayout> {
  const builtAt = clock.now();
  const routes = await store.listRoutes();
  const columns = new LegColumns(expectedLegs);
  const routeFirstLeg: number[] = [0];
  for await (const { first, answers } of routeWindows(store, routes, window, signal)) {
    for (const flights of answers) {
      for (const flight of flights) columns.push(flight);
      routeFirstLeg.push(columns.length);
    }
    progress?.(first + answers.length, routes.length, columns.length);
  }
  return columns.toLayout(routes, routeFirstLeg, { coversFrom: window.from, coversTo: window.to, builtAt });
}

/**
 * Brings `index` up to date with the store without a second copy of the timetable: reads every
 * route's window as a build does and writes changed fares and seats in place (every thread sees
 * them at once). Answers 'schedule-changed' as soon as the store's timetable differs in anything
 * else (a route, a leg added, gone or retimed): only a rebuild can take that in. A restarted
 * server serving from its snapshot catches up this way: a rebuild would hold two copies while it
 * runs (at a year of 100,000 flights a day, 2 × 3.4 GB).
 */
export async function catchUpWithStore(
  index: TimetableIndex,
  store: InventoryStore,
  signal?: AbortSignal,
): Promise<'current' | 'schedule-changed'> {
  const { routeFirstLeg, coversFrom, coversTo } = index.layout;
  const routes = await store.listRoutes();
  const indexed = index.routes();
  const sameRoutes =
    routes.length === indexed.length &&
    routes.every(
      (route, r) =>
        route.origin === indexed[r]?.origin &&
        route.destination === indexed[r]?.destination &&
        route.carriers.join(',') === indexed[r]?.carriers.join(','),
    );
  if (!sameRoutes) return 'schedule-changed';
  for await (const { first, answers } of routeWindows(
    store,
    routes,
    { from: coversFrom, to: coversTo },
    signal,
  )) {
    for (const [k, flights] of answers.entries()) {
      const r = first + k;
      // As many legs as the index holds, each of them found (ids are unique): the same legs.
      if (flights.length !== (routeFirstLeg[r + 1] as number) - (routeFirstLeg[r] as number))
        return 'schedule-changed';
      for (const flight of flights) if (index.refresh(flight) === 'not-indexed') return 'schedule-changed';
    }
  }
  return 'current';
}

/**
 * Per-field columns of legs, written straight into shared memory: the layout's columns are views
 * of the first `length` elements, nothing is copied at the end. Capacity starts at the expected
 * leg count plus a margin and doubles when exceeded. Reserving more than is used costs address
 * space, not memory: a SharedArrayBuffer's pages are zero pages until written (Linux), so a
 * column holds resident only the legs written to it. A build therefore holds one copy of the
 * legs (plus a grown column's old buffer until it is collected), not the two it held when it
 * grew private arrays and copied them into shared memory at the end (at 36.5M legs, 3.4 GB each).
 */
class LegColumns {
  length = 0;
  #capacity: number;
  #departure: Uint32Array;
  #arrival: Uint32Array;
  #carrier: Uint16Array;
  #flightNumber: Uint16Array;
  #aircraft: Uint16Array;
  #currency: Uint8Array;
  #fareSource: Uint8Array;
  #distanceKm: Float32Array;
  #fare: Int32Array;
  #taxes: Int32Array;
  #seatsLeft: Uint16Array;
  #cabinCapacity: Uint16Array;
  readonly #ids: ByteStrings;
  readonly #extras: ByteStrings;
  readonly #tables = {
    carriers: new CodeTable(0xffff),
    aircraft: new CodeTable(0xffff),
    currencies: new CodeTable(0xff),
  };

  constructor(expectedLegs: number) {
    const capacity = Math.max(1024, Math.ceil(expectedLegs * 1.05) + 1024);
    this.#capacity = capacity;
    this.#departure = sharedArray(Uint32Array, capacity);
    this.#arrival = sharedArray(Uint32Array, capacity);
    this.#carrier = sharedArray(Uint16Array, capacity);
    this.#flightNumber = sharedArray(Uint16Array, capacity);
    this.#aircraft = sharedArray(Uint16Array, capacity);
    this.#currency = sharedArray(Uint8Array, capacity);
    this.#fareSource = sharedArray(Uint8Array, capacity);
    this.#distanceKm = sharedArray(Float32Array, capacity);
    this.#fare = sharedArray(Int32Array, capacity * CABIN_SLOTS);
    this.#taxes = sharedArray(Int32Array, capacity * CABIN_SLOTS);
    this.#seatsLeft = sharedArray(Uint16Array, capacity * CABIN_SLOTS);
    this.#cabinCapacity = sharedArray(Uint16Array, capacity * CABIN_SLOTS);
    // Ids of seeded and imported flights are 15–20 bytes ("2026-12-08-LH1234"); extras are rare.
    this.#ids = new ByteStrings(capacity, capacity * ID_BYTES_RESERVED);
    this.#extras = new ByteStrings(capacity, 64 * 1024);
  }

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
    const firstLegs = sharedArray(Uint32Array, routeFirstLeg.length);
    firstLegs.set(routeFirstLeg);
    const n = this.length;
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
      routeFirstLeg: firstLegs,
      departure: this.#departure.subarray(0, n),
      arrival: this.#arrival.subarray(0, n),
      carrier: this.#carrier.subarray(0, n),
      flightNumber: this.#flightNumber.subarray(0, n),
      aircraftType: this.#aircraft.subarray(0, n),
      currency: this.#currency.subarray(0, n),
      fareSource: this.#fareSource.subarray(0, n),
      distanceKm: this.#distanceKm.subarray(0, n),
      fare: this.#fare.subarray(0, n * CABIN_SLOTS),
      taxes: this.#taxes.subarray(0, n * CABIN_SLOTS),
      seatsLeft: this.#seatsLeft.subarray(0, n * CABIN_SLOTS),
      capacity: this.#cabinCapacity.subarray(0, n * CABIN_SLOTS),
      idStart: ids.start,
      idBytes: ids.bytes,
      extraStart: extras.start,
      extraBytes: extras.bytes,
      ...span,
    };
  }

  #grow(): void {
    this.#capacity *= 2;
    this.#departure = grown(this.#departure, this.#capacity);
    this.#arrival = grown(this.#arrival, this.#capacity);
    this.#carrier = grown(this.#carrier, this.#capacity);
    this.#flightNumber = grown(this.#flightNumber, this.#capacity);
    this.#aircraft = grown(this.#aircraft, this.#capacity);
    this.#currency = grown(this.#currency, this.#capacity);
    this.#fareSource = grown(this.#fareSource, this.#capacity);
    this.#distanceKm = grown(this.#distanceKm, this.#capacity);
    this.#fare = grown(this.#fare, this.#capacity * CABIN_SLOTS);
    this.#taxes = grown(this.#taxes, this.#capacity * CABIN_SLOTS);
    this.#seatsLeft = grown(this.#seatsLeft, this.#capacity * CABIN_SLOTS);
    this.#cabinCapacity = grown(this.#cabinCapacity, this.#capacity * CABIN_SLOTS);
  }
}

/** Id bytes reserved per expected leg (address space; only what is written becomes memory). */
const ID_BYTES_RESERVED = 32;

type ColumnArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array;

/** A shared column of `length` elements holding `array`'s elements at its start. */
function grown<T extends ColumnArray>(array: T, length: number): T {
  const next = sharedArray(
    array.constructor as unknown as { new (buffer: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number },
    length,
  );
  (next as Uint8Array).set(array as Uint8Array);
  return next;
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

/** Strings appended as UTF-8 into one shared byte array (grown by doubling), with start offsets. */
class ByteStrings {
  #bytes: Uint8Array;
  #used = 0;
  #starts: Uint32Array;
  #count = 0;
  readonly #encoder = new TextEncoder();

  constructor(strings: number, bytes: number) {
    this.#starts = sharedArray(Uint32Array, strings + 1);
    this.#bytes = sharedArray(Uint8Array, bytes);
  }

  push(value: string): void {
    if (value.length > 0) {
      if (this.#used + value.length * 3 > this.#bytes.length)
        this.#bytes = grown(this.#bytes, Math.max(this.#bytes.length * 2, this.#used + value.length * 3));
      this.#used += this.#encoder.encodeInto(value, this.#bytes.subarray(this.#used)).written;
    }
    if (this.#count + 2 > this.#starts.length) this.#starts = grown(this.#starts, this.#starts.length * 2);
    this.#count += 1;
    this.#starts[this.#count] = this.#used;
  }

  toShared(): { start: Uint32Array; bytes: Uint8Array } {
    return { start: this.#starts.subarray(0, this.#count + 1), bytes: this.#bytes.subarray(0, this.#used) };
  }
}
