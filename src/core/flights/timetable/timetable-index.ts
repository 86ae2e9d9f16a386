import { Buffer } from 'node:buffer';
import { distanceKm } from '../../../kernel/great-circle.js';
import type {
  Cabin,
  CabinInventory,
  FlightLegQuery,
  FlightRecord,
  RouteRecord,
} from '../../../ports/store.js';
import { CABINS } from '../../../ports/store.js';
import type { PathLimit } from '../route-graph.js';
import { extraFieldsJson, writeCabins } from './timetable-builder.js';
import { CABIN_SLOTS, FARE_SOURCES, NO_CABIN, type TimetableLayout } from './timetable-layout.js';

/**
 * What a search can rule out before a leg becomes an object: a cheap pre-filter over the columns.
 * It only narrows what the search's own `usable` rule (flight-search.ts) then decides on each
 * record, so it must never drop a leg that rule keeps: the same departure, carrier and seat tests.
 */
export interface LegPrefilter {
  /** Legs departing at or before this instant are left out, epoch ms. */
  departsAfter: number;
  carriers?: ReadonlySet<string>;
  cabin: Cabin;
  /** Seats the cabin must still have. */
  seats: number;
}

/** Where an airport is, by code; undefined for a code the airport directory does not know. */
export type AirportPosition = (iata: string) => { latitude: number; longitude: number } | undefined;

/** How a store record compares with the leg the index holds for it. */
export type LegRefresh = 'unchanged' | 'updated' | 'not-indexed';

const CABIN_SLOT: Record<Cabin, number> = Object.fromEntries(CABINS.map((cabin, i) => [cabin, i])) as Record<
  Cabin,
  number
>;

/**
 * Read side of a timetable layout (timetable-layout.ts): the store's `listRoutes` and
 * `findFlightsOnLegs` answered from memory, legs turned into records only once they pass the
 * pre-filter, and in-place refreshes of fares and seats. One per thread over the shared layout;
 * the per-thread part is only the small lookup tables (stations, routes by airport pair).
 */
export class TimetableIndex {
  readonly layout: TimetableLayout;
  /** Route by origin and destination station: key origin × stations + destination (no string built per look-up). */
  readonly #routeByPair = new Map<number, number>();
  readonly #carrierCode = new Map<string, number>();
  readonly #stationCode = new Map<string, number>();
  readonly #position: AirportPosition;
  /** Routes by origin station, CSR: station s flies routes routesFrom[routesFromStart[s] …]. */
  readonly #routesFromStart: Uint32Array;
  readonly #routesFrom: Uint32Array;
  /** Great-circle length of each route, km (Infinity when an airport is unknown). */
  readonly #routeKm: Float64Array;
  /** Routes by destination station, CSR as routesFrom; and each route's position in its origin's list. */
  readonly #routesIntoStart: Uint32Array;
  readonly #routesInto: Uint32Array;
  readonly #positionInOrigin: Uint32Array;
  /** Where each station is (undefined when the airport directory does not know it). */
  readonly #stationPosition: ({ latitude: number; longitude: number } | undefined)[];
  /** Scratch of `paths`, one search at a time (it is synchronous): distances and routes to the target. */
  readonly #toTarget: Float64Array;
  readonly #intoTarget: Int32Array;
  /** Byte views of the string columns, made once: decoding is a slice of shared memory. */
  readonly #idText: Buffer;
  readonly #extraText: Buffer;
  #routes: RouteRecord[] | undefined;

  constructor(layout: TimetableLayout, position: AirportPosition) {
    this.layout = layout;
    this.#position = position;
    const { stations, routeOrigin, routeDestination } = layout;
    for (const [i, station] of stations.entries()) this.#stationCode.set(station, i);
    // Routes grouped by origin, each group in the store's route order (the order RouteGraph walks).
    const routeCount = layout.routeCarriers.length;
    this.#routesFromStart = groupStarts(routeOrigin, routeCount, stations.length);
    this.#routesFrom = new Uint32Array(routeCount);
    const fill = this.#routesFromStart.slice(0, stations.length);
    this.#routeKm = new Float64Array(routeCount);
    this.#positionInOrigin = new Uint32Array(routeCount);
    for (let r = 0; r < routeCount; r++) {
      const origin = routeOrigin[r] as number;
      this.#positionInOrigin[r] = fill[origin]! - (this.#routesFromStart[origin] as number);
      this.#routesFrom[fill[origin]!++] = r;
      this.#routeKm[r] = this.#distance(
        stations[routeOrigin[r] as number] as string,
        stations[routeDestination[r] as number] as string,
      );
    }
    this.#routesIntoStart = groupStarts(routeDestination, routeCount, stations.length);
    this.#routesInto = new Uint32Array(routeCount);
    const into = this.#routesIntoStart.slice(0, stations.length);
    for (let r = 0; r < routeCount; r++) this.#routesInto[into[routeDestination[r] as number]!++] = r;
    this.#stationPosition = stations.map((station) => position(station));
    this.#toTarget = new Float64Array(stations.length);
    this.#intoTarget = new Int32Array(stations.length);
    for (let r = 0; r < routeCount; r++) {
      this.#routeByPair.set(
        (routeOrigin[r] as number) * stations.length + (routeDestination[r] as number),
        r,
      );
    }
    for (const [i, carrier] of layout.carriers.entries()) this.#carrierCode.set(carrier, i);
    this.#idText = Buffer.from(layout.idBytes.buffer, layout.idBytes.byteOffset, layout.idBytes.byteLength);
    this.#extraText = Buffer.from(
      layout.extraBytes.buffer,
      layout.extraBytes.byteOffset,
      layout.extraBytes.byteLength,
    );
  }

  /**
   * RouteGraph.paths over the index's adjacency: the same airport sequences in the same order, with
   * the same budget steps, but over station numbers, route lengths computed once and the distances
   * to the destination computed once per search (the profile of the store engine spent a quarter
   * of an uncached search on distance look-ups and another tenth on path arrays).
   *
   * At the last hop of a walk RouteGraph tries every route out of the airport reached, only to
   * find the one (if any) into the destination; from a hub that is hundreds of routes per airport
   * reached, and it was the largest item of an index search's profile. Here the routes into the
   * destination are marked once per search (by their position in their origin's list), so the last
   * hop is one look-up; the steps those routes would have taken are counted all at once, and the
   * path is found at the same step — walked one route at a time only when the budget could run
   * out inside that list, so that an exhausted budget stops at the same route.
   */
  paths(
    origin: string,
    destination: string,
    maxStops: number,
    maxFlownKm: (stops: number) => number,
    limit: PathLimit = {},
  ): string[][] {
    const found: string[][] = [];
    const from = this.#stationCode.get(origin);
    if (from === undefined) return found;
    const to = this.#stationCode.get(destination) ?? -1;
    const stations = this.layout.stations;
    const target = this.#position(destination);
    const toTarget = this.#toTarget.fill(Number.NaN);
    const remaining = (station: number): number => {
      let km = toTarget[station] as number;
      if (Number.isNaN(km)) {
        const at = this.#stationPosition[station];
        km = at && target ? distanceKm(at, target) : Number.POSITIVE_INFINITY;
        toTarget[station] = km;
      }
      return km;
    };
    // Per station: the position, in its list of routes, of its route into the destination (-1: none).
    const intoTarget = this.#intoTarget.fill(-1);
    if (to >= 0) {
      for (let i = this.#routesIntoStart[to] as number; i < (this.#routesIntoStart[to + 1] as number); i++) {
        const route = this.#routesInto[i] as number;
        intoTarget[this.layout.routeOrigin[route] as number] = this.#positionInOrigin[route] as number;
      }
    }
    const loosest = maxFlownKm(maxStops);
    const most = limit.paths ?? Number.POSITIVE_INFINITY;
    const path = new Int32Array(maxStops + 2);
    const destinations = this.layout.routeDestination;
    let stopped = false;
    /** Counts `steps` route tries; false (and the walk stops) once the budget is spent. */
    const spend = (steps: number): boolean => {
      if (!limit.step) return true;
      if (limit.spend && limit.stepsLeft && limit.stepsLeft() >= steps) return limit.spend(steps);
      for (let i = 0; i < steps; i++) if (!limit.step()) return false;
      return true;
    };
    const foundAt = (depth: number): void => {
      const airports: string[] = [];
      for (let k = 0; k <= depth; k++) airports.push(stations[path[k] as number] as string);
      airports.push(destination);
      found.push(airports);
    };
    /** The last hop out of `last`: RouteGraph's loop over its routes, where only the destination counts. */
    const lastHop = (depth: number, flown: number, stops: number, last: number): void => {
      const first = this.#routesFromStart[last] as number;
      const routes = (this.#routesFromStart[last + 1] as number) - first;
      if (routes === 0) return;
      if (found.length >= most) {
        stopped = true;
        return;
      }
      const at = intoTarget[last] as number;
      if (
        at < 0 ||
        flown + (this.#routeKm[this.#routesFrom[first + at] as number] as number) > maxFlownKm(stops)
      ) {
        if (!spend(routes)) stopped = true;
        return;
      }
      // Routes up to and including the one into the destination, the path, then the rest.
      if (!spend(at + 1)) {
        stopped = true;
        return;
      }
      foundAt(depth);
      if (at + 1 === routes) return;
      if (found.length >= most || !spend(routes - at - 1)) stopped = true;
    };
    const walk = (depth: number, flown: number, stops: number): void => {
      const last = path[depth] as number;
      if (depth === stops) {
        lastHop(depth, flown, stops, last);
        return;
      }
      const end = this.#routesFromStart[last + 1] as number;
      for (let i = this.#routesFromStart[last] as number; i < end; i++) {
        if (found.length >= most || (limit.step && !limit.step())) stopped = true;
        if (stopped) return;
        const route = this.#routesFrom[i] as number;
        const next = destinations[route] as number;
        let visited = false;
        for (let k = 0; k <= depth && !visited; k++) visited = path[k] === next;
        if (visited) continue;
        const flownToNext = flown + (this.#routeKm[route] as number);
        // Short of the last hop a path never ends at the destination.
        if (next === to) continue;
        if (flownToNext + remaining(next) > loosest) continue;
        path[depth + 1] = next;
        walk(depth + 1, flownToNext, stops);
      }
    };
    path[0] = from;
    for (let stops = 0; stops <= maxStops && !stopped; stops++) walk(0, 0, stops);
    return found;
  }

  /** True when the index holds every flight departing in [from, to). */
  covers(from: number, to: number): boolean {
    return from >= this.layout.coversFrom && to <= this.layout.coversTo;
  }

  /** The routes as the store listed them when the index was built. */
  routes(): RouteRecord[] {
    if (!this.#routes) {
      const { stations, routeOrigin, routeDestination, routeCarriers } = this.layout;
      this.#routes = routeCarriers.map((carriers, r) => ({
        origin: stations[routeOrigin[r] as number] as string,
        destination: stations[routeDestination[r] as number] as string,
        carriers: carriers.split(','),
      }));
    }
    return this.#routes;
  }

  /**
   * What `InventoryStore.findFlightsOnLegs` answers for `queries`, less the legs `prefilter` rules
   * out: one list per query, each in the store's order (departure, then id).
   */
  legsOnRoutes(queries: readonly FlightLegQuery[], prefilter: LegPrefilter): FlightRecord[][] {
    const { departure, carrier, seatsLeft, capacity } = this.layout;
    const slot = CABIN_SLOT[prefilter.cabin];
    let carriers: Set<number> | undefined;
    if (prefilter.carriers) {
      carriers = new Set();
      for (const code of prefilter.carriers) {
        const number = this.#carrierCode.get(code);
        if (number !== undefined) carriers.add(number);
      }
    }
    return queries.map((query) => {
      const route = this.#route(query.origin, query.destination);
      if (route === undefined) return [];
      const [first, end] = this.#window(route, query.departFrom, query.departTo);
      const found: FlightRecord[] = [];
      for (let leg = first; leg < end; leg++) {
        if ((departure[leg] as number) * 1000 <= prefilter.departsAfter) continue;
        if (carriers && !carriers.has(carrier[leg] as number)) continue;
        const s = leg * CABIN_SLOTS + slot;
        // As hasSeats (flight-pricing.ts): a missing cabin has no seats left.
        const seats = capacity[s] === NO_CABIN ? 0 : (seatsLeft[s] as number);
        if (seats < prefilter.seats) continue;
        found.push(this.#record(leg, route));
      }
      return found;
    });
  }

  /** Leg `leg` as the store's record. */
  record(leg: number): FlightRecord {
    return this.#record(leg, this.#routeOf(leg));
  }

  #record(leg: number, r: number): FlightRecord {
    const l = this.layout;
    const cabins: CabinInventory[] = [];
    for (let c = 0; c < CABIN_SLOTS; c++) {
      const s = leg * CABIN_SLOTS + c;
      if (l.capacity[s] === NO_CABIN) continue;
      cabins.push({
        cabin: CABINS[c] as Cabin,
        fare: l.fare[s] as number,
        taxes: l.taxes[s] as number,
        seatsLeft: l.seatsLeft[s] as number,
        capacity: l.capacity[s] as number,
      });
    }
    const flight: FlightRecord = {
      id: this.#id(leg),
      carrier: l.carriers[l.carrier[leg] as number] as string,
      flightNumber: l.flightNumber[leg] as number,
      origin: l.stations[l.routeOrigin[r] as number] as string,
      destination: l.stations[l.routeDestination[r] as number] as string,
      departureUtc: (l.departure[leg] as number) * 1000,
      arrivalUtc: (l.arrival[leg] as number) * 1000,
      aircraft: l.aircraft[l.aircraftType[leg] as number] as string,
      distanceKm: l.distanceKm[leg] as number,
      currency: l.currencies[l.currency[leg] as number] as string,
      cabins,
    };
    const fareSource = FARE_SOURCES[l.fareSource[leg] as number];
    if (fareSource !== undefined) flight.fareSource = fareSource;
    const extraFrom = l.extraStart[leg] as number;
    const extraTo = l.extraStart[leg + 1] as number;
    if (extraTo > extraFrom) {
      const extra = JSON.parse(this.#extraText.toString('utf8', extraFrom, extraTo)) as Pick<
        FlightRecord,
        'throughFlight' | 'codeshares' | 'cancelled'
      >;
      if (extra.throughFlight !== undefined) flight.throughFlight = extra.throughFlight;
      if (extra.codeshares !== undefined) flight.codeshares = extra.codeshares;
      if (extra.cancelled !== undefined) flight.cancelled = extra.cancelled;
    }
    return flight;
  }

  /**
   * Brings the leg of `flight` (the store's current record) up to date: fares and seats change in
   * place (visible to every thread at once); a record whose schedule differs from the leg, or that
   * the index does not hold, answers 'not-indexed' — only a rebuild can take it in.
   */
  refresh(flight: FlightRecord): LegRefresh {
    const leg = this.#find(flight);
    if (leg < 0) return 'not-indexed';
    const current = this.record(leg);
    if (
      current.carrier !== flight.carrier ||
      current.flightNumber !== flight.flightNumber ||
      current.arrivalUtc !== flight.arrivalUtc ||
      current.aircraft !== flight.aircraft ||
      current.distanceKm !== flight.distanceKm ||
      current.currency !== flight.currency ||
      current.fareSource !== flight.fareSource ||
      extraFieldsJson(current) !== extraFieldsJson(flight)
    )
      return 'not-indexed';
    if (sameCabins(current.cabins, flight.cabins)) return 'unchanged';
    writeCabins(this.layout, leg, flight);
    return 'updated';
  }

  /**
   * Whether the index holds `flight` exactly as given (schedule, fares and seats). Read from the
   * columns, without making the leg a record: a search re-checks every flight of its answer.
   */
  holds(flight: FlightRecord): boolean {
    const leg = this.#find(flight);
    if (leg < 0) return false;
    const l = this.layout;
    if (
      (l.arrival[leg] as number) * 1000 !== flight.arrivalUtc ||
      l.carriers[l.carrier[leg] as number] !== flight.carrier ||
      l.aircraft[l.aircraftType[leg] as number] !== flight.aircraft
    )
      return false;
    // The same cabins: every cabin of the record as the slot holds it, and no other slot in use.
    let present = 0;
    for (const cabin of flight.cabins) {
      const s = leg * CABIN_SLOTS + (CABIN_SLOT[cabin.cabin] as number);
      if (
        l.capacity[s] === NO_CABIN ||
        l.capacity[s] !== cabin.capacity ||
        l.seatsLeft[s] !== cabin.seatsLeft ||
        l.fare[s] !== cabin.fare ||
        l.taxes[s] !== cabin.taxes
      )
        return false;
      present += 1;
    }
    let slots = 0;
    for (let c = 0; c < CABIN_SLOTS; c++) if (l.capacity[leg * CABIN_SLOTS + c] !== NO_CABIN) slots += 1;
    return slots === present;
  }

  /** The leg of a flight by route, departure and id; -1 when the index does not hold it. */
  #find(flight: Pick<FlightRecord, 'id' | 'origin' | 'destination' | 'departureUtc'>): number {
    const route = this.#route(flight.origin, flight.destination);
    if (route === undefined) return -1;
    const [first, end] = this.#window(route, flight.departureUtc, flight.departureUtc + 1);
    for (let leg = first; leg < end; leg++) if (this.#id(leg) === flight.id) return leg;
    return -1;
  }

  /** The route from airport `origin` to `destination`; undefined when the index has none. */
  #route(origin: string, destination: string): number | undefined {
    const from = this.#stationCode.get(origin);
    const to = this.#stationCode.get(destination);
    if (from === undefined || to === undefined) return undefined;
    return this.#routeByPair.get(from * this.layout.stations.length + to);
  }

  #distance(from: string, to: string): number {
    const a = this.#position(from);
    const b = this.#position(to);
    return a && b ? distanceKm(a, b) : Number.POSITIVE_INFINITY;
  }

  /** Legs of `route` departing in [from, to) epoch ms: [first, end). */
  #window(route: number, from: number, to: number): [number, number] {
    const { routeFirstLeg, departure } = this.layout;
    const lo = routeFirstLeg[route] as number;
    const hi = routeFirstLeg[route + 1] as number;
    return [
      lowerBound(departure, lo, hi, Math.ceil(from / 1000)),
      lowerBound(departure, lo, hi, Math.ceil(to / 1000)),
    ];
  }

  #routeOf(leg: number): number {
    // The last route whose first leg is at or before `leg` (routes without legs share a start).
    const starts = this.layout.routeFirstLeg;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= leg) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  #id(leg: number): string {
    const { idStart } = this.layout;
    return this.#idText.toString('utf8', idStart[leg] as number, idStart[leg + 1] as number);
  }
}

/**
 * Where each group starts in a CSR list of `count` items grouped by `groupOf[item]` (groups 0 …
 * groups - 1): group g's items are [starts[g], starts[g + 1]).
 */
function groupStarts(groupOf: Uint32Array, count: number, groups: number): Uint32Array {
  const starts = new Uint32Array(groups + 1);
  for (let i = 0; i < count; i++) starts[(groupOf[i] as number) + 1]! += 1;
  for (let g = 0; g < groups; g++) starts[g + 1]! += starts[g] as number;
  return starts;
}

/** First index in [lo, hi) whose value is ≥ `value` (hi when none). */
function lowerBound(values: Uint32Array, lo: number, hi: number, value: number): number {
  let first = lo;
  let end = hi;
  while (first < end) {
    const mid = (first + end) >>> 1;
    if ((values[mid] as number) < value) first = mid + 1;
    else end = mid;
  }
  return first;
}

function sameCabins(a: readonly CabinInventory[], b: readonly CabinInventory[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((cabin) => {
    const other = b.find((candidate) => candidate.cabin === cabin.cabin);
    return (
      other !== undefined &&
      other.fare === cabin.fare &&
      other.taxes === cabin.taxes &&
      other.seatsLeft === cabin.seatsLeft &&
      other.capacity === cabin.capacity
    );
  });
}
