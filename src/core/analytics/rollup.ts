import { LatencySketch } from './latency-sketch.js';

/** Outcomes of cached answers, as the `x-cache` header says them. */
export interface CacheCounts {
  hit: number;
  miss: number;
  stale: number;
}

/** One API key's requests in a rollup. */
export interface KeyUsage {
  plan: string;
  requests: number;
  searches: number;
  errors: number;
  throttled: number;
}

/**
 * Everything analytics keeps for one bucket (a minute or an hour) from one writer; rollups of the
 * same bucket merge by adding counters and merging sketches, so any set of them sums exactly.
 */
export interface Rollup {
  requests: number;
  clientErrors: number;
  serverErrors: number;
  throttled: number;
  /** Searches performed, from `search.performed` events. */
  searches: number;
  /** Searches by route ("flights:LHR-JFK", "hotels:PAR"). */
  routes: Record<string, number>;
  /** Searches by destination city or hotel city ("JFK", "PAR"). */
  cities: Record<string, number>;
  /** Cached answers by data type (flights, hotels, locations). */
  cache: Record<string, CacheCounts>;
  /** Response time by route group ("flights.search", "bookings", …). */
  latency: Record<string, LatencySketch>;
  /** Requests by API key id. */
  keys: Record<string, KeyUsage>;
  offersPriced: number;
  priceUpdates: number;
  bookings: number;
  cancellations: number;
  /** Booked revenue by currency, in minor units. */
  revenue: Record<string, number>;
}

/** Distinct routes, cities and keys one rollup keeps; the rest are counted under OTHER, so memory stays bounded. */
export const ROLLUP_MAP_LIMIT = 500;
export const OTHER = '(other)';

export function emptyRollup(): Rollup {
  return {
    requests: 0,
    clientErrors: 0,
    serverErrors: 0,
    throttled: 0,
    searches: 0,
    routes: {},
    cities: {},
    cache: {},
    latency: {},
    keys: {},
    offersPriced: 0,
    priceUpdates: 0,
    bookings: 0,
    cancellations: 0,
    revenue: {},
  };
}

/** Adds `n` to `map[key]`, counting under OTHER once the map holds ROLLUP_MAP_LIMIT keys. */
export function addCount(map: Record<string, number>, key: string, n: number): void {
  const slot = key in map || Object.keys(map).length < ROLLUP_MAP_LIMIT ? key : OTHER;
  map[slot] = (map[slot] ?? 0) + n;
}

/** The usage entry of `keyId`, created when new (under OTHER once ROLLUP_MAP_LIMIT keys are kept). */
export function keyUsage(rollup: Rollup, keyId: string, plan: string): KeyUsage {
  const known = rollup.keys[keyId];
  if (known) return known;
  const slot = Object.keys(rollup.keys).length < ROLLUP_MAP_LIMIT ? keyId : OTHER;
  rollup.keys[slot] ??= {
    plan: slot === OTHER ? OTHER : plan,
    requests: 0,
    searches: 0,
    errors: 0,
    throttled: 0,
  };
  return rollup.keys[slot];
}

export function cacheCounts(rollup: Rollup, type: string): CacheCounts {
  rollup.cache[type] ??= { hit: 0, miss: 0, stale: 0 };
  return rollup.cache[type];
}

export function latencyOf(rollup: Rollup, group: string): LatencySketch {
  rollup.latency[group] ??= LatencySketch.empty();
  return rollup.latency[group];
}

/** Adds everything in `from` to `into` (which it returns). */
export function mergeRollup(into: Rollup, from: Rollup): Rollup {
  into.requests += from.requests;
  into.clientErrors += from.clientErrors;
  into.serverErrors += from.serverErrors;
  into.throttled += from.throttled;
  into.searches += from.searches;
  into.offersPriced += from.offersPriced;
  into.priceUpdates += from.priceUpdates;
  into.bookings += from.bookings;
  into.cancellations += from.cancellations;
  for (const [route, n] of Object.entries(from.routes)) addCount(into.routes, route, n);
  for (const [city, n] of Object.entries(from.cities)) addCount(into.cities, city, n);
  for (const [currency, n] of Object.entries(from.revenue))
    into.revenue[currency] = (into.revenue[currency] ?? 0) + n;
  for (const [type, counts] of Object.entries(from.cache)) {
    const target = cacheCounts(into, type);
    target.hit += counts.hit;
    target.miss += counts.miss;
    target.stale += counts.stale;
  }
  for (const [group, sketch] of Object.entries(from.latency)) latencyOf(into, group).merge(sketch);
  for (const [keyId, usage] of Object.entries(from.keys)) {
    const target = keyUsage(into, keyId, usage.plan);
    target.requests += usage.requests;
    target.searches += usage.searches;
    target.errors += usage.errors;
    target.throttled += usage.throttled;
  }
  return into;
}

/** The latency of every route group together. */
export function overallLatency(rollup: Rollup): LatencySketch {
  const all = LatencySketch.empty();
  for (const sketch of Object.values(rollup.latency)) all.merge(sketch);
  return all;
}

/** JSON of a rollup, sketches encoded; what the AnalyticsStore keeps as the payload. */
export function encodeRollup(rollup: Rollup): string {
  const latency = Object.fromEntries(Object.entries(rollup.latency).map(([group, s]) => [group, s.encode()]));
  return JSON.stringify({ ...rollup, latency });
}

/** The rollup `encodeRollup` wrote; missing fields (an older payload) read as empty. */
export function decodeRollup(payload: string): Rollup {
  const raw = JSON.parse(payload) as Partial<Omit<Rollup, 'latency'>> & { latency?: Record<string, string> };
  const latency = Object.fromEntries(
    Object.entries(raw.latency ?? {}).map(([group, encoded]) => [group, LatencySketch.decode(encoded)]),
  );
  return { ...emptyRollup(), ...raw, latency };
}
