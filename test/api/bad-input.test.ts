import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestPlatform, TEST_ADMIN_KEY, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Malformed requests against the real listener: every one is a 4xx RFC 9457 problem+json with
 * the offending field named, never a 5xx and never a stack trace; every response carries an
 * x-request-id.
 *
 * Paths use placeholders filled in once the platform runs: {O}/{X} a flight route with offers,
 * {CITY} a city with hotels, {Dn} the date n days after today, {OFFER}/{HOTEL_OFFER}/{CURSOR}
 * real ids, and their tampered variants.
 */

const PROBLEM_BASE = 'https://travel-platform.dev/problems/';
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SQL = "' OR 1=1 --";
const SCRIPT = '<script>alert(1)</script>';
const enc = encodeURIComponent;
const TEN_KB = 10 * 1024;

interface BadRequest {
  name: string;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Expected status, or the acceptable ones. */
  status: number | number[];
  /** Expected problem code (the last segment of `type`). */
  type?: string;
  /** The field a validation problem must name in errors[]. */
  field?: string;
}

type Params = Record<string, string | null>;

function query(base: Params, overrides: Params = {}, raw = ''): string {
  const merged = { ...base, ...overrides };
  const parts = Object.entries(merged)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `${name}=${value}`);
  if (raw) parts.push(raw);
  return parts.join('&');
}

const FLIGHT_BASE: Params = { origin: '{O}', destination: '{X}', departureDate: '{D1}' };
const HOTEL_BASE: Params = { cityCode: '{CITY}', checkIn: '{D1}', checkOut: '{D3}' };
const flights = (overrides: Params = {}, raw = '') =>
  `/v1/flights/search?${query(FLIGHT_BASE, overrides, raw)}`;
const hotels = (overrides: Params = {}, raw = '') => `/v1/hotels/search?${query(HOTEL_BASE, overrides, raw)}`;

/** A 400 validation problem naming `field` (query.<param> unless given in full). */
function invalid(name: string, path: string, field: string): BadRequest {
  return {
    name,
    path,
    status: 400,
    type: 'validation-failed',
    field: field.includes('.') ? field : `query.${field}`,
  };
}

const FLIGHT_STRING_PARAMS = [
  'origin',
  'destination',
  'departureDate',
  'returnDate',
  'cabin',
  'sort',
  'maxPrice',
  'carriers',
  'currency',
  'cursor',
];
const HOTEL_STRING_PARAMS = ['cityCode', 'checkIn', 'checkOut', 'sort', 'maxPrice', 'currency', 'cursor'];

const injections: BadRequest[] = [
  ...[
    ['SQL injection', SQL],
    ['script injection', SCRIPT],
  ].flatMap(([label, value]) => [
    ...FLIGHT_STRING_PARAMS.map((param) =>
      invalid(`flights: ${label} in ${param}`, flights({ [param]: enc(value as string) }), param),
    ),
    ...HOTEL_STRING_PARAMS.map((param) =>
      invalid(`hotels: ${label} in ${param}`, hotels({ [param]: enc(value as string) }), param),
    ),
    invalid(`flights: ${label} in adults (integer)`, flights({ adults: enc(value as string) }), 'adults'),
    invalid(
      `hotels: ${label} in lat (number)`,
      hotels({ cityCode: null, lat: enc(value as string), lon: '2' }),
      'lat',
    ),
    invalid(`locations: ${label} in limit`, `/v1/locations?q=lon&limit=${enc(value as string)}`, 'limit'),
    {
      name: `offers: ${label} as offer id`,
      path: `/v1/offers/${enc(value as string)}`,
      status: 404,
      type: 'offer-not-found',
    },
  ]),
];

const flightCases: BadRequest[] = [
  // wrong types
  invalid('flights: adults not a number', flights({ adults: 'two' }), 'adults'),
  invalid('flights: adults a fraction', flights({ adults: '1.5' }), 'adults'),
  invalid('flights: adults empty', flights({ adults: '' }), 'adults'),
  invalid('flights: adults boolean', flights({ adults: 'true' }), 'adults'),
  invalid('flights: maxStops a word', flights({ maxStops: 'one' }), 'maxStops'),
  invalid('flights: limit a word', flights({ limit: 'ten' }), 'limit'),
  invalid('flights: origin with digits', flights({ origin: '12A' }), 'origin'),
  invalid('flights: origin of 4 letters', flights({ origin: 'LHRX' }), 'origin'),
  // dates
  invalid('flights: impossible date 2026-02-30', flights({ departureDate: '2026-02-30' }), 'departureDate'),
  invalid('flights: impossible month 2026-13-01', flights({ departureDate: '2026-13-01' }), 'departureDate'),
  invalid('flights: date in another format', flights({ departureDate: '01/02/2026' }), 'departureDate'),
  invalid('flights: past departure date', flights({ departureDate: '{D-5}' }), 'departureDate'),
  invalid('flights: departure date years ahead', flights({ departureDate: '2099-01-01' }), 'departureDate'),
  invalid(
    'flights: returnDate before departureDate',
    flights({ departureDate: '{D3}', returnDate: '{D1}' }),
    'returnDate',
  ),
  invalid('flights: impossible returnDate 2026-04-31', flights({ returnDate: '2026-04-31' }), 'returnDate'),
  invalid('flights: returnDate years ahead', flights({ returnDate: '2099-01-01' }), 'returnDate'),
  // places
  invalid('flights: unknown origin IATA', flights({ origin: 'ZZZ' }), 'origin'),
  invalid('flights: unknown destination IATA', flights({ destination: 'QQQ' }), 'destination'),
  invalid('flights: origin equals destination', flights({ destination: '{O}' }), 'destination'),
  invalid(
    'flights: city and one of its airports',
    flights({ origin: 'LON', destination: 'LHR' }),
    'destination',
  ),
  // passengers
  invalid('flights: adults=10', flights({ adults: '10' }), 'adults'),
  invalid('flights: adults=0', flights({ adults: '0' }), 'adults'),
  invalid('flights: adults negative', flights({ adults: '-1' }), 'adults'),
  invalid('flights: infants > adults', flights({ adults: '1', infants: '2' }), 'infants'),
  invalid('flights: more than 9 seated passengers', flights({ adults: '5', children: '5' }), 'children'),
  invalid('flights: children negative', flights({ children: '-1' }), 'children'),
  // enums and ranges
  invalid('flights: unknown cabin', flights({ cabin: 'coach' }), 'cabin'),
  invalid('flights: unknown sort', flights({ sort: 'cheapest' }), 'sort'),
  invalid('flights: maxStops=3', flights({ maxStops: '3' }), 'maxStops'),
  invalid('flights: maxStops negative', flights({ maxStops: '-1' }), 'maxStops'),
  invalid('flights: limit=1000000', flights({ limit: '1000000' }), 'limit'),
  invalid('flights: limit=-1', flights({ limit: '-1' }), 'limit'),
  invalid('flights: limit=0', flights({ limit: '0' }), 'limit'),
  // money
  invalid('flights: unsupported currency', flights({ currency: 'XXX' }), 'currency'),
  invalid('flights: currency of 4 letters', flights({ currency: 'EURO' }), 'currency'),
  invalid('flights: currency as a symbol', flights({ currency: enc('€') }), 'currency'),
  invalid('flights: maxPrice not a number', flights({ maxPrice: 'cheap' }), 'maxPrice'),
  invalid('flights: maxPrice negative', flights({ maxPrice: '-1' }), 'maxPrice'),
  invalid('flights: maxPrice in exponent notation', flights({ maxPrice: '1e5' }), 'maxPrice'),
  invalid('flights: maxPrice with 3 decimals', flights({ maxPrice: '10.999' }), 'maxPrice'),
  invalid(
    'flights: maxPrice with decimals in JPY',
    flights({ currency: 'JPY', maxPrice: '10.50' }),
    'maxPrice',
  ),
  // carriers
  invalid('flights: carrier code of 1 char', flights({ carriers: 'E' }), 'carriers'),
  invalid('flights: carriers with a trailing comma', flights({ carriers: 'EK,' }), 'carriers'),
  invalid('flights: carriers separated by semicolons', flights({ carriers: 'EK;BA' }), 'carriers'),
  invalid('flights: carriers only commas', flights({ carriers: ',,' }), 'carriers'),
  invalid(
    'flights: 21 carriers',
    flights({ carriers: Array.from({ length: 21 }, (_, i) => `Q${i % 10}`).join(',') }),
    'carriers',
  ),
  // cursors
  invalid('flights: garbled cursor', flights({ cursor: '!!!' }), 'cursor'),
  invalid('flights: cursor without a signature', flights({ cursor: 'abc.def' }), 'cursor'),
  invalid('flights: forged cursor', flights({ cursor: '{CURSOR_FORGED}' }), 'cursor'),
  invalid(
    'flights: real cursor with tampered signature',
    flights({ limit: '1', cursor: '{CURSOR_BADSIG}' }),
    'cursor',
  ),
  invalid(
    'flights: real cursor with tampered payload',
    flights({ limit: '1', cursor: '{CURSOR_BADBODY}' }),
    'cursor',
  ),
  invalid(
    'flights: cursor of another search',
    flights({ origin: '{X}', destination: '{O}', cursor: '{CURSOR}' }),
    'cursor',
  ),
  invalid('flights: cursor over 2 kB', flights({ cursor: `${'a'.repeat(3000)}.b` }), 'cursor'),
  // size, encoding, duplicates, unknown and missing parameters
  invalid('flights: 10 kB origin', flights({ origin: 'A'.repeat(TEN_KB) }), 'origin'),
  invalid('flights: 10 kB unknown parameter', flights({}, `padding=${'x'.repeat(TEN_KB)}`), 'padding'),
  invalid('flights: 10 kB carriers', flights({ carriers: 'EK,'.repeat(TEN_KB / 3) }), 'carriers'),
  invalid('flights: null byte in origin', flights({ origin: 'L%00R' }), 'origin'),
  invalid('flights: null byte after departureDate', flights({ departureDate: '{D1}%00' }), 'departureDate'),
  invalid('flights: null byte in cabin', flights({ cabin: 'economy%00' }), 'cabin'),
  invalid('flights: unicode letters in origin', flights({ origin: enc('ÅMS') }), 'origin'),
  invalid('flights: emoji destination', flights({ destination: enc('✈️') }), 'destination'),
  invalid(
    'flights: full-width digits in date',
    flights({ departureDate: enc('２０２６-０１-０１') }),
    'departureDate',
  ),
  invalid('flights: duplicated adults', flights({}, 'adults=1&adults=2'), 'adults'),
  invalid('flights: duplicated origin', flights({}, 'origin={X}'), 'origin'),
  invalid('flights: unknown parameter', flights({}, 'foo=bar'), 'foo'),
  invalid('flights: bracketed parameter', flights({}, 'origin[]=LHR'), 'origin[]'),
  invalid('flights: missing origin', flights({ origin: null }), 'origin'),
  invalid('flights: missing destination', flights({ destination: null }), 'destination'),
  invalid('flights: missing departureDate', flights({ departureDate: null }), 'departureDate'),
  invalid('flights: no parameters at all', '/v1/flights/search', 'origin'),
];

const hotelCases: BadRequest[] = [
  invalid('hotels: both cityCode and lat/lon', hotels({ lat: '25.2', lon: '55.3' }), 'cityCode'),
  invalid('hotels: lat without lon', hotels({ cityCode: null, lat: '25.2' }), 'lon'),
  invalid('hotels: lon without lat', hotels({ cityCode: null, lon: '55.3' }), 'lat'),
  invalid('hotels: neither cityCode nor lat/lon', hotels({ cityCode: null }), 'cityCode'),
  invalid('hotels: lat out of range', hotels({ cityCode: null, lat: '91', lon: '0' }), 'lat'),
  invalid('hotels: lon out of range', hotels({ cityCode: null, lat: '0', lon: '-181' }), 'lon'),
  invalid('hotels: lat=Infinity', hotels({ cityCode: null, lat: 'Infinity', lon: '0' }), 'lat'),
  invalid('hotels: lon=-Infinity', hotels({ cityCode: null, lat: '0', lon: '-Infinity' }), 'lon'),
  invalid('hotels: lat not a number', hotels({ cityCode: null, lat: 'north', lon: '0' }), 'lat'),
  invalid('hotels: lat=NaN', hotels({ cityCode: null, lat: 'NaN', lon: '0' }), 'lat'),
  invalid(
    'hotels: radiusKm=0',
    hotels({ cityCode: null, lat: '25.2', lon: '55.3', radiusKm: '0' }),
    'radiusKm',
  ),
  invalid(
    'hotels: radiusKm too large',
    hotels({ cityCode: null, lat: '25.2', lon: '55.3', radiusKm: '101' }),
    'radiusKm',
  ),
  invalid('hotels: unknown city code', hotels({ cityCode: 'ZZZ' }), 'cityCode'),
  invalid('hotels: checkOut before checkIn', hotels({ checkIn: '{D3}', checkOut: '{D1}' }), 'checkOut'),
  invalid('hotels: checkOut equal to checkIn', hotels({ checkIn: '{D1}', checkOut: '{D1}' }), 'checkOut'),
  invalid('hotels: stay over 30 nights', hotels({ checkIn: '{D1}', checkOut: '{D32}' }), 'checkOut'),
  invalid('hotels: impossible checkIn 2026-02-30', hotels({ checkIn: '2026-02-30' }), 'checkIn'),
  invalid('hotels: past checkIn', hotels({ checkIn: '{D-5}', checkOut: '{D-3}' }), 'checkIn'),
  invalid('hotels: missing checkIn', hotels({ checkIn: null }), 'checkIn'),
  invalid('hotels: missing checkOut', hotels({ checkOut: null }), 'checkOut'),
  invalid('hotels: rooms more than adults', hotels({ adults: '2', rooms: '3' }), 'rooms'),
  invalid('hotels: rooms=10', hotels({ rooms: '10' }), 'rooms'),
  invalid('hotels: adults=10', hotels({ adults: '10' }), 'adults'),
  invalid('hotels: minStars=6', hotels({ minStars: '6' }), 'minStars'),
  invalid('hotels: minStars=0', hotels({ minStars: '0' }), 'minStars'),
  invalid('hotels: unknown sort', hotels({ sort: 'rating' }), 'sort'),
  invalid('hotels: unsupported currency', hotels({ currency: 'XXX' }), 'currency'),
  invalid('hotels: malformed maxPrice', hotels({ maxPrice: '12,50' }), 'maxPrice'),
  invalid('hotels: limit=1000000', hotels({ limit: '1000000' }), 'limit'),
  invalid('hotels: garbled cursor', hotels({ cursor: 'x.y' }), 'cursor'),
  invalid('hotels: duplicated checkIn', hotels({}, 'checkIn={D2}'), 'checkIn'),
  invalid('hotels: unknown parameter', hotels({}, 'stars=5'), 'stars'),
  invalid('hotels: null bytes in cityCode', hotels({ cityCode: '%00%00%00' }), 'cityCode'),
];

const locationCases: BadRequest[] = [
  invalid('locations: q empty', '/v1/locations?q=', 'q'),
  invalid('locations: q missing', '/v1/locations', 'q'),
  invalid('locations: q over 100 characters', `/v1/locations?q=${'a'.repeat(101)}`, 'q'),
  invalid('locations: 10 kB q', `/v1/locations?q=${'a'.repeat(TEN_KB)}`, 'q'),
  invalid('locations: q duplicated', '/v1/locations?q=lon&q=par', 'q'),
  invalid('locations: limit=0', '/v1/locations?q=lon&limit=0', 'limit'),
  invalid('locations: limit=1000000', '/v1/locations?q=lon&limit=1000000', 'limit'),
  invalid('locations: limit not a number', '/v1/locations?q=lon&limit=many', 'limit'),
  invalid('locations: unknown parameter', '/v1/locations?q=lon&country=FR', 'country'),
];

const offerCases: BadRequest[] = [
  { name: 'offers: random base64 id', path: '/v1/offers/{RANDOM_B64}', status: 404, type: 'offer-not-found' },
  {
    name: 'offers: random base64 token',
    path: '/v1/offers/{RANDOM_TOKEN}',
    status: 404,
    type: 'offer-not-found',
  },
  {
    name: 'offers: forged payload with a made-up signature',
    path: '/v1/offers/{OFFER_FORGED}',
    status: 404,
    type: 'offer-not-found',
  },
  {
    name: 'offers: real flight id with tampered signature',
    path: '/v1/offers/{OFFER_BADSIG}',
    status: 404,
    type: 'offer-not-found',
  },
  {
    name: 'offers: real flight id with tampered payload',
    path: '/v1/offers/{OFFER_BADBODY}',
    status: 404,
    type: 'offer-not-found',
  },
  {
    name: 'offers: truncated real flight id',
    path: '/v1/offers/{OFFER_TRUNC}',
    status: 404,
    type: 'offer-not-found',
  },
  {
    name: 'offers: real hotel id with tampered signature',
    path: '/v1/offers/{HOTEL_OFFER_BADSIG}',
    status: 404,
    type: 'offer-not-found',
  },
  {
    name: 'offers: real flight id without its signature',
    path: '/v1/offers/{OFFER_NOSIG}',
    status: 404,
    type: 'offer-not-found',
  },
  { name: 'offers: null byte id', path: '/v1/offers/%00', status: 404, type: 'offer-not-found' },
  { name: 'offers: unicode id', path: `/v1/offers/${enc('été✈️')}`, status: 404, type: 'offer-not-found' },
  {
    name: 'offers: 4000-char id',
    path: `/v1/offers/${'a'.repeat(4000)}`,
    status: 404,
    type: 'offer-not-found',
  },
  // Longer than the router's parameter limit: 404 or 414, but still a problem with a request id.
  { name: 'offers: 5000-char id', path: `/v1/offers/${'a'.repeat(5000)}`, status: [404, 414] },
  { name: 'offers: garbled percent-encoding in the id', path: '/v1/offers/%E0%A4%A', status: [400, 404] },
];

const routeCases: BadRequest[] = [
  { name: 'routes: unknown route', path: '/v1/nope', status: 404, type: 'route-not-found' },
  { name: 'routes: unknown version', path: '/v9/flights/search', status: 404, type: 'route-not-found' },
  { name: 'routes: path traversal', path: '/v1/%2e%2e/%2e%2e/etc/passwd', status: 404 },
  { name: 'routes: DELETE /v1/flights/search', method: 'DELETE', path: flights(), status: [404, 405] },
  {
    name: 'routes: POST /v1/flights/search with a JSON body',
    method: 'POST',
    path: '/v1/flights/search',
    headers: { 'content-type': 'application/json' },
    body: '{"origin":"LHR"}',
    status: [404, 405],
  },
  {
    name: 'routes: POST /v1/locations with malformed JSON',
    method: 'POST',
    path: '/v1/locations',
    headers: { 'content-type': 'application/json' },
    body: '{"q":',
    status: [400, 404, 405],
  },
  { name: 'routes: PUT /v1/hotels/search', method: 'PUT', path: hotels(), status: [404, 405] },
  { name: 'routes: PATCH /v1/offers/{id}', method: 'PATCH', path: '/v1/offers/{OFFER}', status: [404, 405] },
  { name: 'routes: DELETE /health/live', method: 'DELETE', path: '/health/live', status: [404, 405] },
];

const BAD_REQUESTS: BadRequest[] = [
  ...flightCases,
  ...hotelCases,
  ...locationCases,
  ...offerCases,
  ...routeCases,
  ...injections,
];

let tp: TestPlatform;
const vars: Record<string, string> = {};

function fill(path: string): string {
  return path
    .replace(/\{D(-?\d+)\}/g, (_, days: string) => tp.date(Number(days)))
    .replace(/\{([A-Z_0-9]+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** One character of `text` at `index` changed to another base64url character. */
function tamper(text: string, index: number): string {
  const current = text[index];
  const replacement = current === 'A' ? 'B' : 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/** The client API key when the platform's gateway asks for one. */
function apiKey(): string | undefined {
  return (tp as Partial<{ apiKey: string }>).apiKey;
}

async function send(
  request: Pick<BadRequest, 'path' | 'method' | 'headers' | 'body'>,
  options: { withKey?: boolean } = {},
): Promise<Answer> {
  const key = options.withKey === false ? undefined : apiKey();
  const response = await fetch(`${tp.baseUrl}${fill(request.path)}`, {
    method: request.method ?? 'GET',
    headers: { ...(key ? { 'x-api-key': key } : {}), ...request.headers },
    body: request.body,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The checks every malformed request must pass. */
function expectProblem(answer: Answer, expected: Pick<BadRequest, 'status' | 'type' | 'field'>): void {
  const statuses = Array.isArray(expected.status) ? expected.status : [expected.status];
  expect(statuses, `status ${answer.status}: ${answer.text.slice(0, 300)}`).toContain(answer.status);
  expect(answer.status).toBeGreaterThanOrEqual(400);
  expect(answer.status).toBeLessThan(500);
  expect(answer.headers.get('x-request-id') ?? '(missing)', 'x-request-id header').toMatch(SAFE_REQUEST_ID);
  expect(answer.headers.get('content-type') ?? '', answer.text.slice(0, 300)).toMatch(
    /^application\/problem\+json/,
  );

  // No stack traces or server file paths, however the input looked.
  expect(answer.text).not.toMatch(/\n\s+at /);
  expect(answer.text).not.toMatch(/\bat [\w$.<>]+ \(/);
  expect(answer.text).not.toMatch(/node_modules|file:\/\/|\/src\/|\.ts:\d+|\.js:\d+/);

  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(typeof body.type).toBe('string');
  expect(body.type as string).toMatch(/^https:\/\/travel-platform\.dev\/problems\/[a-z-]+$/);
  if (expected.type) expect(body.type).toBe(`${PROBLEM_BASE}${expected.type}`);
  expect(typeof body.title).toBe('string');
  expect((body.title as string).length).toBeGreaterThan(0);
  expect(body.status).toBe(answer.status);
  expect(typeof body.detail).toBe('string');
  expect((body.detail as string).length).toBeGreaterThan(0);
  expect(body.stack).toBeUndefined();

  if (expected.field) {
    const errors = body.errors as { field: unknown; message: unknown }[];
    expect(Array.isArray(errors), 'errors[] is present').toBe(true);
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(typeof error.field).toBe('string');
      expect(typeof error.message).toBe('string');
    }
    expect(
      errors.map((e) => e.field),
      `errors[] names ${expected.field}`,
    ).toContain(expected.field);
  }
}

/**
 * Amadeus's codes for a refused request: 477 INVALID FORMAT (schema), 32171 MANDATORY DATA MISSING,
 * 425 INVALID DATE (date rules) or 4926 INVALID DATA RECEIVED (other rules).
 */
const AMADEUS_BAD_REQUEST_CODES = [477, 32171, 425, 4926];

/**
 * The checks every malformed request to an Amadeus-compatible route must pass: a 400 in Amadeus's
 * error shape and exact media type (its SDK parses nothing else), no stack, and an entry whose
 * `source` names the field: `parameter` for a query, path or header parameter, `pointer` for the body.
 */
function expectAmadeusError(answer: Answer, source: { parameter: string } | { pointer: string }): void {
  expect(answer.status, `status ${answer.status}: ${answer.text.slice(0, 300)}`).toBe(400);
  expect(answer.headers.get('x-request-id') ?? '(missing)', 'x-request-id header').toMatch(SAFE_REQUEST_ID);
  expect(answer.headers.get('content-type'), answer.text.slice(0, 300)).toBe('application/vnd.amadeus+json');
  expect(answer.text).not.toMatch(/\n\s+at /);
  expect(answer.text).not.toMatch(/\bat [\w$.<>]+ \(/);
  expect(answer.text).not.toMatch(/node_modules|file:\/\/|\/src\/|\.ts:\d+|\.js:\d+/);

  const body = JSON.parse(answer.text) as { errors?: unknown; stack?: unknown };
  expect(body.stack).toBeUndefined();
  const errors = body.errors as {
    status: unknown;
    code: unknown;
    title: unknown;
    detail: unknown;
    source?: { parameter?: unknown; pointer?: unknown };
  }[];
  expect(Array.isArray(errors), 'errors[] is present').toBe(true);
  expect(errors.length).toBeGreaterThan(0);
  for (const error of errors) {
    expect(error.status).toBe(400);
    expect(AMADEUS_BAD_REQUEST_CODES, `code ${String(error.code)}`).toContain(error.code);
    expect(typeof error.title).toBe('string');
    expect(typeof error.detail).toBe('string');
  }
  const named = errors.map((e) => ('parameter' in source ? e.source?.parameter : e.source?.pointer));
  expect(named, `errors[] names ${JSON.stringify(source)}: ${answer.text.slice(0, 300)}`).toContain(
    'parameter' in source ? source.parameter : source.pointer,
  );
}

/** A refused token request: an OAuth 2.0 error (RFC 6749 §5.2) in plain JSON, naming the field. */
function expectOAuthError(answer: Answer, field: string): void {
  expect(answer.status, `status ${answer.status}: ${answer.text.slice(0, 300)}`).toBe(400);
  expect(answer.headers.get('content-type'), answer.text.slice(0, 300)).toBe('application/json');
  expect(answer.text).not.toMatch(/node_modules|file:\/\/|\/src\/|\.ts:\d+|\.js:\d+/);
  const body = JSON.parse(answer.text) as { error?: unknown; error_description?: unknown };
  expect(body.error).toBe('invalid_request');
  expect(String(body.error_description)).toContain(field);
}

interface SearchBody {
  data: { id: string }[];
  meta: { nextCursor: string | null };
}

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 5 });

  // A route with at least two offers on day 1, so limit=1 gives a real cursor.
  const routes = await tp.platform.store.listRoutes();
  let flightSearch: SearchBody | undefined;
  for (const route of routes) {
    const answer = await send({
      path: `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${tp.date(1)}&limit=1`,
    });
    const body = JSON.parse(answer.text) as SearchBody;
    if (answer.status === 200 && body.meta.nextCursor) {
      vars.O = route.origin;
      vars.X = route.destination;
      flightSearch = body;
      break;
    }
  }
  if (!flightSearch?.meta.nextCursor) throw new Error('no route of the demo network has two offers on day 1');

  let hotelSearch: SearchBody | undefined;
  for (const airport of [vars.X, vars.O, ...routes.map((r) => r.destination)]) {
    const located = JSON.parse((await send({ path: `/v1/locations?q=${airport}&limit=1` })).text) as {
      data: { cityCode: string }[];
    };
    const city = located.data[0]?.cityCode;
    if (!city) continue;
    const answer = await send({
      path: `/v1/hotels/search?cityCode=${city}&checkIn=${tp.date(1)}&checkOut=${tp.date(3)}`,
    });
    const body = JSON.parse(answer.text) as SearchBody;
    if (answer.status === 200 && body.data.length > 0) {
      vars.CITY = city;
      hotelSearch = body;
      break;
    }
  }
  if (!hotelSearch) throw new Error('no city of the demo network has hotel offers');

  const offer = flightSearch.data[0]?.id as string;
  const [offerBody = '', offerSig = ''] = offer.split('.');
  const cursor = flightSearch.meta.nextCursor;
  const [cursorBody = '', cursorSig = ''] = cursor.split('.');
  const hotelOffer = hotelSearch.data[0]?.id as string;
  const [hotelBody = '', hotelSig = ''] = hotelOffer.split('.');
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + 11) % 256));

  Object.assign(vars, {
    OFFER: offer,
    OFFER_BADSIG: `${offerBody}.${tamper(offerSig, 0)}`,
    OFFER_BADBODY: `${tamper(offerBody, Math.floor(offerBody.length / 2))}.${offerSig}`,
    OFFER_TRUNC: offer.slice(0, -5),
    OFFER_NOSIG: offerBody,
    OFFER_FORGED: `${Buffer.from(JSON.stringify({ kind: 'flight', legs: [['X']], expiresAt: 9e15 })).toString('base64url')}.${offerSig}`,
    HOTEL_OFFER_BADSIG: `${hotelBody}.${tamper(hotelSig, 0)}`,
    RANDOM_B64: randomBytes(48).toString('base64url'),
    RANDOM_TOKEN: `${randomBytes(60).toString('base64url')}.${randomBytes(16).toString('base64url')}`,
    CURSOR: cursor,
    CURSOR_BADSIG: `${cursorBody}.${tamper(cursorSig, 0)}`,
    CURSOR_BADBODY: `${tamper(cursorBody, 3)}.${cursorSig}`,
    CURSOR_FORGED: `${Buffer.from(JSON.stringify({ q: 'x', s: 'y', o: 0 })).toString('base64url')}.${cursorSig}`,
  });
});

afterAll(async () => {
  vi.useRealTimers();
  await tp?.close();
});

describe('malformed requests answer 4xx problem+json, never 5xx', () => {
  it('covers at least 50 malformed requests, each named once', () => {
    expect(BAD_REQUESTS.length).toBeGreaterThanOrEqual(50);
    expect(new Set(BAD_REQUESTS.map((c) => c.name)).size).toBe(BAD_REQUESTS.length);
  });

  it.each(BAD_REQUESTS)('$name', async (request) => {
    const answer = await send(request);
    expectProblem(answer, request);
  });
});

describe('free text is searched, not rejected or executed', () => {
  it.each([
    ['SQL injection', SQL],
    ['script injection', SCRIPT],
    ['a null byte', '\u0000'],
    ['an emoji', '😀'],
    ['accented letters', 'Zürich'],
  ])('GET /v1/locations with %s in q answers 200 JSON', async (_label, q) => {
    const answer = await send({ path: `/v1/locations?q=${enc(q)}` });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('x-request-id')).toMatch(SAFE_REQUEST_ID);
    const body = JSON.parse(answer.text) as { data: unknown[]; meta: { count: number } };
    expect(Array.isArray(body.data)).toBe(true);
    expect(body.meta.count).toBe(body.data.length);
  });

  it('GET /v1/locations with garbled percent-encoding in q never answers 5xx', async () => {
    const answer = await send({ path: '/v1/locations?q=%E0%A4%A' });
    expect(answer.status).toBeLessThan(500);
    expect(answer.headers.get('x-request-id')).toMatch(SAFE_REQUEST_ID);
  });
});

describe('expired ids', () => {
  it('an expired offer id answers 410 offer-expired', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2 * 60 * 60 * 1000);
      expectProblem(await send({ path: '/v1/offers/{OFFER}' }), { status: 410, type: 'offer-expired' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('the cursor of an expired search whose result has changed answers 410 search-expired', async () => {
    // A search of its own, so that no other test relies on its snapshot.
    const path = flights({ limit: '1', sort: 'duration' });
    const first = await send({ path });
    expect(first.status).toBe(200);
    const page = JSON.parse(first.text) as SearchBody & {
      data: { cabin: string; itineraries: { segments: { id: string; seatsLeft: number }[] }[] }[];
    };
    const cursor = page.meta.nextCursor;
    expect(cursor).toBeTruthy();
    // One seat fewer on a segment of the first offer: the same search now finds another result. (A
    // cursor whose search, run again, finds the same result is still served: snapshot ids are
    // derived from the content.)
    const offer = page.data[0] as (typeof page.data)[number];
    const segment = offer.itineraries[0]?.segments[0] as { id: string; seatsLeft: number };
    const changed = await fetch(`${tp.baseUrl}/v1/admin/availability`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        flights: [
          { flightId: segment.id, cabin: offer.cabin, seatsLeft: Math.max(0, segment.seatsLeft - 1) },
        ],
      }),
    });
    expect(changed.status).toBe(200);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2 * 60 * 60 * 1000);
      expectProblem(await send({ path: `${path}&cursor=${cursor}` }), {
        status: 410,
        type: 'search-expired',
      });
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('API keys (when the gateway asks for one)', () => {
  it.for<[string, string | undefined]>([
    ['no key', undefined],
    ['a garbled key', 'not-a-key'],
    ['a SQL injection key', SQL],
    ['a 2 kB key', 'k'.repeat(2048)],
  ])('a /v1 request with %s answers 401 problem+json', async ([, key], context) => {
    if (!apiKey()) context.skip();
    const answer = await send(
      { path: '/v1/locations?q=lon', headers: key === undefined ? {} : { 'x-api-key': key } },
      { withKey: false },
    );
    expectProblem(answer, { status: 401 });
  });

  it.for(['/%761/locations?q=lon', '/v%31/locations?q=lon', '/%76%31/flights/search?origin=LHR'])(
    'a percent-encoded /v1 path (%s) still needs a key',
    async (path, context) => {
      if (!apiKey()) context.skip();
      const answer = await send({ path }, { withKey: false });
      expectProblem(answer, { status: 401 });
    },
  );
});

describe('x-request-id', () => {
  it('is on successful, problem and unknown-route responses', async () => {
    for (const path of ['/health/live', '/v1/locations?q=lon', '/v1/locations', '/nope']) {
      const answer = await send({ path });
      expect(answer.headers.get('x-request-id'), path).toMatch(SAFE_REQUEST_ID);
    }
  });

  it('differs between requests without a client id', async () => {
    const a = await send({ path: '/health/live' });
    const b = await send({ path: '/health/live' });
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it.each([
    ['/v1/locations?q=lon', 'client-req.42:abc_DEF'],
    ['/v1/locations?q=', 'trace-0001'],
    ['/v1/offers/nope', '5f0c2a7e-93b1-4a55-8d43-1b7c0e6f9a10'],
  ])('echoes a safe client id on GET %s', async (path, id) => {
    const answer = await send({ path, headers: { 'x-request-id': id } });
    expect(answer.headers.get('x-request-id')).toBe(id);
  });

  it.each([
    ['with spaces', 'has spaces in it'],
    ['of 300 characters', 'a'.repeat(300)],
    ['with a header-injection attempt', 'abc%0d%0aSet-Cookie:x=1'],
    ['with quotes and angle brackets', '"><script>'],
  ])('replaces an unsafe client id %s', async (_label, id) => {
    const answer = await send({ path: '/v1/locations?q=lon', headers: { 'x-request-id': id } });
    const echoed = answer.headers.get('x-request-id');
    expect(echoed).toMatch(SAFE_REQUEST_ID);
    expect(echoed).not.toBe(id);
  });
});

/**
 * Families of numbers no route may take, applied to every numeric parameter and body field of every
 * route the OpenAPI document lists — so a route added later is covered without touching this file.
 */
const BAD_NUMBERS = [
  '1e309',
  '-1e309',
  'Infinity',
  '-Infinity',
  'NaN',
  '1e-400',
  '0x10',
  '1e1',
  '9007199254740993',
];
/** Bare JSON values in place of a string field (type confusion); none may become a string. */
const NOT_STRINGS = ['12', 'true', '1e309', '[]', '{}'];
const ADMIN_KEY = 'test-admin-key-that-is-long-enough-0000';

interface OpenApiSchema {
  type?: string | string[];
  properties?: Record<string, OpenApiSchema>;
  items?: OpenApiSchema;
  anyOf?: OpenApiSchema[];
}
interface OpenApiOperation {
  parameters?: { in: string; name: string; schema?: OpenApiSchema }[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
  security?: Record<string, unknown>[];
  tags?: string[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

/** An operation documenting its 400 as an OAuth 2.0 error body (the token route, as Amadeus served it). */
const refusesInOAuthShape = (operation: OpenApiOperation): boolean =>
  operation.responses?.['400']?.content?.['application/json'] !== undefined;

/** The Amadeus-compatible operations (the token route too) answer in Amadeus's error shape. */
const isAmadeusOperation = (operation: OpenApiOperation): boolean =>
  (operation.tags?.includes('amadeus-compatible') ?? false) ||
  (operation.security?.some((s) => 'amadeusOAuth2' in s) ?? false);

/** A token from the real token route, for an API key of its own (client_id = key id, client_secret = key). */
async function amadeusToken(): Promise<string> {
  const issued = await tp.platform.gateway.options.keys.issue({
    name: 'fuzzer (Amadeus)',
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
  });
  const answer = await send(
    {
      method: 'POST',
      path: '/v1/security/oauth2/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: issued.record.id,
        client_secret: issued.key,
      }).toString(),
    },
    { withKey: false },
  );
  expect(answer.status, answer.text.slice(0, 300)).toBe(200);
  return (JSON.parse(answer.text) as { access_token: string }).access_token;
}

/** The refusal `field` ("query.adults", "body.data.0.id") must get from `operation`, in its shape. */
function expectRefusal(answer: Answer, operation: OpenApiOperation, field: string): void {
  if (!isAmadeusOperation(operation)) {
    expectProblem(answer, { status: 400, type: 'validation-failed', field });
    return;
  }
  const [part, ...path] = field.split('.');
  if (refusesInOAuthShape(operation)) {
    expectOAuthError(answer, path.join('.'));
    return;
  }
  expectAmadeusError(
    answer,
    part === 'body' ? { pointer: `/${path.join('/')}` } : { parameter: path.join('.') },
  );
}

const typesOf = (schema: OpenApiSchema): string[] => [
  ...(Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []),
  ...(schema.anyOf ?? []).flatMap(typesOf),
];
const isNumeric = (schema: OpenApiSchema): boolean =>
  typesOf(schema).some((t) => t === 'integer' || t === 'number');
const isString = (schema: OpenApiSchema): boolean => typesOf(schema).includes('string');

/** Leaves of a body schema with their paths (array items at index 0). */
function bodyLeaves(schema: OpenApiSchema, path: string[] = []): { path: string[]; schema: OpenApiSchema }[] {
  if (schema.properties)
    return Object.entries(schema.properties).flatMap(([name, child]) => bodyLeaves(child, [...path, name]));
  if (schema.items) return bodyLeaves(schema.items, [...path, '0']);
  return path.length > 0 ? [{ path, schema }] : [];
}

/** A JSON text holding the bare `literal` at `path` and nothing else. */
function jsonWith(path: string[], literal: string): string {
  const [head, ...rest] = path;
  if (head === undefined) return literal;
  return /^\d+$/.test(head)
    ? `[${jsonWith(rest, literal)}]`
    : `{${JSON.stringify(head)}:${jsonWith(rest, literal)}}`;
}

describe('no non-finite, inexact or mistyped number gets past validation, on any route', () => {
  let operations: { method: string; path: string; operation: OpenApiOperation }[] = [];
  let bearer = '';
  let amadeusBearer = '';

  beforeAll(async () => {
    const document = JSON.parse((await send({ path: '/openapi.json' })).text) as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    );
    bearer = await tp.platform.gateway.options.issuer!.mint('fuzzer');
    amadeusBearer = await amadeusToken();
  });

  /** Credentials that get a request to `path` past authentication, so validation is what answers. */
  const credentials = (path: string, operation: OpenApiOperation): Record<string, string> =>
    isAmadeusOperation(operation)
      ? { authorization: `Bearer ${amadeusBearer}` }
      : {
          'x-api-key': path.startsWith('/v1/admin/') ? ADMIN_KEY : tp.apiKey,
          ...(operation.security?.some((s) => 'bearer' in s) ? { authorization: `Bearer ${bearer}` } : {}),
        };
  const concrete = (path: string): string => path.replace(/\{[^}]+\}/g, 'x');

  it('every numeric query, path and header parameter answers 400 naming it', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { method, path, operation } of operations) {
      for (const parameter of operation.parameters ?? []) {
        if (!parameter.schema || !isNumeric(parameter.schema)) continue;
        checked++;
        for (const value of BAD_NUMBERS) {
          const headers = credentials(path, operation);
          let url = concrete(path);
          if (parameter.in === 'query') url += `?${parameter.name}=${enc(value)}`;
          else if (parameter.in === 'header') headers[parameter.name] = value;
          else if (parameter.in === 'path') url = path.replace(`{${parameter.name}}`, enc(value));
          const prefix = { query: 'query', header: 'header', path: 'path' }[parameter.in] ?? parameter.in;
          const field = `${prefix}.${parameter.name}`;
          const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
          const answer = await send(
            {
              method,
              path: url,
              headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
              body,
            },
            { withKey: false },
          );
          try {
            expectRefusal(answer, operation, field);
          } catch (error) {
            failures.push(`${method} ${url}: ${(error as Error).message.split('\n')[0]}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The search routes alone have a dozen; fewer means the document was not read.
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it('every numeric body field refuses each family, and every string field refuses non-strings', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { method, path, operation } of operations) {
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      if (!schema) continue;
      for (const leaf of bodyLeaves(schema)) {
        const literals = isNumeric(leaf.schema) ? BAD_NUMBERS : isString(leaf.schema) ? NOT_STRINGS : [];
        if (literals.length > 0) checked++;
        for (const literal of literals) {
          const field = ['body', ...leaf.path].join('.');
          const answer = await send(
            {
              method,
              path: concrete(path),
              headers: { ...credentials(path, operation), 'content-type': 'application/json' },
              body: jsonWith(leaf.path, literal),
            },
            { withKey: false },
          );
          try {
            expectRefusal(answer, operation, field);
          } catch (error) {
            failures.push(
              `${method} ${path} ${field}=${literal}: ${(error as Error).message.split('\n')[0]}`,
            );
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // Bookings, fares, availability and API keys hold more than twenty such fields.
    expect(checked).toBeGreaterThanOrEqual(20);
  });

  it('every form-encoded body field is a string: numbers are not read from it, a repeated field is refused', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const { method, path, operation } of operations) {
      const schema = operation.requestBody?.content?.['application/x-www-form-urlencoded']?.schema;
      if (!schema) continue;
      for (const leaf of bodyLeaves(schema)) {
        const name = leaf.path.join('.');
        const forms = [
          ...(isNumeric(leaf.schema) ? BAD_NUMBERS.map((value) => `${name}=${enc(value)}`) : []),
          ...(isString(leaf.schema) ? [`${name}=a&${name}=b`] : []),
        ];
        if (forms.length > 0) checked++;
        for (const form of forms) {
          const answer = await send(
            {
              method,
              path: concrete(path),
              headers: {
                ...credentials(path, operation),
                'content-type': 'application/x-www-form-urlencoded',
              },
              body: form,
            },
            { withKey: false },
          );
          try {
            expectRefusal(answer, operation, `body.${name}`);
          } catch (error) {
            failures.push(`${method} ${path} ${form}: ${(error as Error).message.split('\n')[0]}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    // The token route's grant_type, client_id and client_secret.
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['maxStops=1e309', 'maxStops', '1e309'],
    ['maxStops=Infinity', 'maxStops', 'Infinity'],
    ['children=-1e309', 'children', '-1e309'],
    ['limit=1e309', 'limit', '1e309'],
    ['adults=0x2', 'adults', '0x2'],
    ['adults=2e0', 'adults', '2e0'],
  ])('a flight search with %s is a 400 naming the field (the reported hang)', async (_label, name, value) => {
    expectProblem(await send({ path: flights({ [name]: value }) }), {
      status: 400,
      type: 'validation-failed',
      field: `query.${name}`,
    });
  });

  it('valid plain numbers still work: adults=2, lat/lon decimals, limit=1', async () => {
    expect((await send({ path: flights({ adults: '2', maxStops: '0', limit: '1' }) })).status).toBe(200);
    const answer = await send({
      path: hotels({ cityCode: null, lat: '-33.8688', lon: '151.2093', radiusKm: '25' }),
    });
    expect(answer.status, answer.text.slice(0, 200)).toBe(200);
  });
});
