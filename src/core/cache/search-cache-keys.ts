/**
 * Cache keys for searches: the normalised request, so that parameter order, letter case, defaults
 * and equivalent forms do not split the cache. Pure; knows nothing of HTTP.
 *
 * Pagination (`cursor`, `limit`) is never part of a key: every page is cut from one cached result set.
 */

/** A request parameter as a key sees it. */
export type KeyValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** How to normalise one kind of request. */
export interface KeySpec {
  /** Values assumed when a parameter is absent; a parameter equal to its default is dropped. */
  defaults?: Readonly<Record<string, string | number | boolean>>;
  /** Parameters compared upper case (codes such as IATA, currency). */
  upperCase?: readonly string[];
  /** Parameters never part of the key (pagination). */
  ignore?: readonly string[];
}

const NO_SPEC: KeySpec = {};

/** Bumped when the shape of cached values changes, so old entries are not read back. */
const KEY_VERSION = 'v1';

/**
 * `namespace:v1:a=1&b=x` from `request`: keys sorted, strings trimmed and lower case (upper case for
 * `spec.upperCase`), arrays normalised the same way then sorted and de-duplicated, undefined, null,
 * empty values and values equal to their default dropped.
 */
export function normalisedCacheKey(
  namespace: string,
  request: Readonly<Record<string, KeyValue>>,
  spec: KeySpec = NO_SPEC,
): string {
  const { upper, ignore } = compiled(spec);
  const defaults = spec.defaults ?? {};
  const parts: string[] = [];
  for (const name of Object.keys(request).sort()) {
    if (ignore.has(name)) continue;
    const value = normaliseValue(request[name], upper.has(name));
    if (value === undefined) continue;
    const fallback = defaults[name];
    if (fallback !== undefined && value === normaliseValue(fallback, upper.has(name))) continue;
    parts.push(`${encodeURIComponent(name)}=${value}`);
  }
  return `${namespace}:${KEY_VERSION}:${parts.join('&')}`;
}

/** The sets of a spec, built once per spec object (specs are module constants). */
const compiledSpecs = new WeakMap<KeySpec, { upper: ReadonlySet<string>; ignore: ReadonlySet<string> }>();

function compiled(spec: KeySpec): { upper: ReadonlySet<string>; ignore: ReadonlySet<string> } {
  let sets = compiledSpecs.get(spec);
  if (sets === undefined) {
    sets = { upper: new Set(spec.upperCase ?? []), ignore: new Set(spec.ignore ?? []) };
    compiledSpecs.set(spec, sets);
  }
  return sets;
}

function normaliseScalar(value: string | number | boolean, upper: boolean): string | undefined {
  if (typeof value !== 'string') return String(value);
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  return encodeURIComponent(upper ? trimmed.toUpperCase() : trimmed.toLowerCase());
}

function normaliseValue(value: KeyValue, upper: boolean): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const items = [...new Set(value.map((v) => normaliseScalar(v, upper)).filter((v) => v !== undefined))];
    return items.length === 0 ? undefined : items.sort().join(',');
  }
  return normaliseScalar(value as string | number | boolean, upper);
}

/** Maps a location code to the one form the cache uses (e.g. a city served by a single airport → that airport). */
export type CanonicalLocation = (code: string) => string;

/** The parameters of a flight search that decide its results. */
export interface FlightSearchKeyInput {
  origin: string;
  destination: string;
  departureDate: string;
  returnDate?: string;
  adults?: number;
  children?: number;
  infants?: number;
  cabin?: string;
  maxStops?: number;
  sort?: string;
  maxPrice?: number | string;
  carriers?: readonly string[] | string;
  currency?: string;
  [other: string]: KeyValue;
}

/** Defaults of the flight search (as the OpenAPI document states them); a request spelling them out shares the key of one omitting them. */
export const FLIGHT_SEARCH_DEFAULTS = { adults: 1, children: 0, infants: 0, cabin: 'economy' } as const;

const FLIGHT_SPEC: KeySpec = {
  defaults: FLIGHT_SEARCH_DEFAULTS,
  upperCase: ['origin', 'destination', 'carriers', 'currency'],
  ignore: ['cursor', 'limit'],
};

/** The cache key of a flight search; `canonical` folds equivalent location codes together. */
export function flightSearchCacheKey(request: FlightSearchKeyInput, canonical?: CanonicalLocation): string {
  const carriers = typeof request.carriers === 'string' ? request.carriers.split(',') : request.carriers;
  return normalisedCacheKey(
    'flights',
    {
      ...request,
      origin: canonicalCode(request.origin, canonical),
      destination: canonicalCode(request.destination, canonical),
      carriers,
      maxPrice: request.maxPrice === undefined ? undefined : Number(request.maxPrice),
    },
    FLIGHT_SPEC,
  );
}

/** The parameters of a hotel search that decide its results. */
export interface HotelSearchKeyInput {
  cityCode?: string;
  latitude?: number;
  longitude?: number;
  radiusKm?: number;
  checkIn: string;
  checkOut: string;
  adults?: number;
  rooms?: number;
  minStars?: number;
  maxPrice?: number | string;
  sort?: string;
  currency?: string;
  [other: string]: KeyValue;
}

/** Defaults of the hotel search; a request spelling them out shares the key of one omitting them. */
export const HOTEL_SEARCH_DEFAULTS = { adults: 1, rooms: 1 } as const;

const HOTEL_SPEC: KeySpec = {
  defaults: HOTEL_SEARCH_DEFAULTS,
  upperCase: ['cityCode', 'currency'],
  ignore: ['cursor', 'limit'],
};

/** The cache key of a hotel search; coordinates are rounded to ~100 m so jitter does not split the cache. */
export function hotelSearchCacheKey(request: HotelSearchKeyInput, canonical?: CanonicalLocation): string {
  return normalisedCacheKey(
    'hotels',
    {
      ...request,
      cityCode: request.cityCode === undefined ? undefined : canonicalCode(request.cityCode, canonical),
      latitude: roundCoordinate(request.latitude),
      longitude: roundCoordinate(request.longitude),
      maxPrice: request.maxPrice === undefined ? undefined : Number(request.maxPrice),
    },
    HOTEL_SPEC,
  );
}

/** The cache key of a location autocomplete query. */
export function locationsCacheKey(query: string, limit: number): string {
  // Unlike searches, `limit` changes which locations are returned, so it is part of the key.
  return normalisedCacheKey('locations', { q: query.replace(/\s+/g, ' '), limit });
}

function canonicalCode(code: string, canonical?: CanonicalLocation): string {
  const upper = code.trim().toUpperCase();
  return canonical ? canonical(upper).toUpperCase() : upper;
}

function roundCoordinate(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 1000) / 1000;
}

/** A `CanonicalLocation` folding a city served by one airport into that airport, from an airport directory. */
export function singleAirportCity(
  byCityCode: (code: string) => readonly { iata: string }[],
): CanonicalLocation {
  return (code) => {
    const airports = byCityCode(code);
    return airports.length === 1 && airports[0] ? airports[0].iata : code;
  };
}
