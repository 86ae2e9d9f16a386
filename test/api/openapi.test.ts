import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * The OpenAPI document is valid OpenAPI 3.1, documents every route, and real responses of the
 * running server conform to the schemas it declares for their route and status.
 */

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (typeof addFormatsModule)['default'];

const DOC_ID = 'https://travel-platform.test/openapi.json';
const PROBLEM_BASE = 'https://travel-platform.dev/problems/';

interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, { schema?: unknown }>;
}
interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean }[];
  responses?: Record<string, OpenApiResponse>;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown> };
}

interface Answer {
  status: number;
  contentType: string;
  body: unknown;
  headers: Headers;
}

let tp: TestPlatform;
let doc: OpenApiDocument;
let ajv: Ajv2020;

/** JSON pointer escaping of one reference token. */
function pointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

async function call(path: string): Promise<Answer> {
  // The client API key, when the platform's gateway asks for one.
  const key = (tp as Partial<{ apiKey: string }>).apiKey;
  const response = await fetch(`${tp.baseUrl}${path}`, { headers: key ? { 'x-api-key': key } : {} });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    contentType,
    body: contentType.includes('json') && text ? JSON.parse(text) : text,
    headers: response.headers,
  };
}

/** The documented response of `route` for `status` (undefined when the document has none). */
function documentedResponse(route: string, status: number): OpenApiResponse | undefined {
  return doc.paths[route]?.get?.responses?.[String(status)];
}

/**
 * Validates a real answer against the schema the document declares for its route and status, under
 * the media type the document names for it (the served media type must be one of those documented).
 */
function expectConforms(route: string, answer: Answer): void {
  const documented = documentedResponse(route, answer.status);
  expect(
    documented,
    `GET ${route} answered ${answer.status}, which the document does not declare`,
  ).toBeDefined();
  const mediaTypes = Object.keys(documented?.content ?? {});
  expect(mediaTypes.length, `GET ${route} ${answer.status} declares no content`).toBeGreaterThan(0);
  const served = answer.contentType.split(';')[0]?.trim() ?? '';
  const mediaType = mediaTypes.includes(served) ? served : (mediaTypes[0] as string);
  const pointer = ['paths', route, 'get', 'responses', String(answer.status), 'content', mediaType, 'schema']
    .map(pointerToken)
    .join('/');
  const validate = ajv.getSchema(`${DOC_ID}#/${pointer}`);
  expect(validate, `no schema at #/${pointer}`).toBeDefined();
  const valid = validate?.(answer.body);
  expect(validate?.errors ?? [], `GET ${route} ${answer.status} body does not match its schema`).toEqual([]);
  expect(valid).toBe(true);
}

/** A route with direct flights on the first demo day, and a search answer with at least 2 offers. */
async function findFlightSearch(): Promise<{ path: string; answer: Answer }> {
  const routes = await tp.platform.store.listRoutes();
  expect(routes.length).toBeGreaterThan(0);
  for (const route of routes.slice(0, 40)) {
    for (const day of [1, 2]) {
      const path = `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${tp.date(day)}&limit=2`;
      const answer = await call(path);
      const body = answer.body as { data?: unknown[] };
      if (answer.status === 200 && (body.data?.length ?? 0) >= 2) return { path, answer };
    }
  }
  throw new Error('no route of the demo network has two offers on the first days');
}

/** A city code with hotel offers, found through the location search and the demo network. */
async function findHotelSearch(): Promise<{ path: string; answer: Answer }> {
  const routes = await tp.platform.store.listRoutes();
  const airports = [...new Set(routes.flatMap((r) => [r.origin, r.destination]))];
  const cities = new Set<string>();
  for (const iata of airports.slice(0, 10)) {
    const located = await call(`/v1/locations?q=${iata}&limit=1`);
    const first = (located.body as { data: { cityCode: string }[] }).data[0];
    if (first) cities.add(first.cityCode);
  }
  for (const city of cities) {
    const path = `/v1/hotels/search?cityCode=${city}&checkIn=${tp.date(1)}&checkOut=${tp.date(3)}&limit=3`;
    const answer = await call(path);
    if (answer.status === 200 && ((answer.body as { data: unknown[] }).data.length ?? 0) > 0)
      return { path, answer };
  }
  throw new Error('no city of the demo network has hotel offers');
}

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 5 });
  const response = await fetch(`${tp.baseUrl}/openapi.json`);
  expect(response.status).toBe(200);
  doc = (await response.json()) as OpenApiDocument;
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  // The whole document is one schema resource: refs such as "#/components/schemas/Price" resolve
  // against it, and each response schema is addressed as "<id>#/paths/...".
  ajv.addSchema({ ...doc, $id: DOC_ID });
});

afterAll(async () => {
  vi.useRealTimers();
  await tp?.close();
});

describe('the OpenAPI document', () => {
  it('is served as JSON and is a valid OpenAPI 3.1.0 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBeTruthy();
  });

  it.each([
    '/v1/locations',
    '/v1/flights/search',
    '/v1/hotels/search',
    '/v1/offers/{offerId}',
    '/health/live',
    '/health/ready',
  ])('documents GET %s with a 200 response', (route) => {
    expect(Object.keys(doc.paths)).toContain(route);
    expect(doc.paths[route]?.get?.responses?.['200']).toBeDefined();
  });

  it('declares the shared schemas as components, referenced by the routes', () => {
    const components = Object.keys(doc.components?.schemas ?? {});
    expect(components).toEqual(expect.arrayContaining(['Price', 'Problem', 'FlightOffer', 'HotelOffer']));
    const text = JSON.stringify(doc);
    for (const name of ['Price', 'Problem', 'FlightOffer', 'HotelOffer']) {
      expect(text).toContain(`"$ref":"#/components/schemas/${name}"`);
    }
    // Every ref resolves inside the document.
    for (const ref of new Set(text.match(/"\$ref":"[^"]+"/g) ?? [])) {
      const target = ref.slice('"$ref":"'.length, -1);
      expect(target.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(ajv.getSchema(`${DOC_ID}${target}`), ref).toBeDefined();
    }
  });

  it('says which credentials each route needs: an API key on /v1, a bearer token too on bookings, a client-credentials token on the Amadeus routes, none on probes', () => {
    const paths = doc.paths as Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    expect(paths['/v1/flights/search']?.get?.security).toEqual([{ apiKey: [] }]);
    expect(paths['/v1/bookings']?.post?.security).toEqual([{ apiKey: [], bearer: [] }]);
    // Explicitly none, so linters can tell a public route from a forgotten declaration.
    expect(paths['/health/live']?.get?.security).toEqual([]);
    expect(paths['/v2/shopping/flight-offers']?.get?.security).toEqual([{ amadeusOAuth2: [] }]);
    expect(paths['/v1/booking/flight-orders']?.post?.security).toEqual([{ amadeusOAuth2: [] }]);
    expect(paths['/v1/security/oauth2/token']?.post?.security).toEqual([]);
  });

  it('documents every flight search parameter of the contract', () => {
    const names = doc.paths['/v1/flights/search']?.get?.parameters?.map((p) => p.name) ?? [];
    expect(names).toEqual(
      expect.arrayContaining([
        'origin',
        'destination',
        'departureDate',
        'returnDate',
        'adults',
        'children',
        'infants',
        'cabin',
        'maxStops',
        'sort',
        'maxPrice',
        'carriers',
        'currency',
        'limit',
        'cursor',
      ]),
    );
  });

  // Parameters with a default (adults, cabin, limit, ...) are optional for clients; a client
  // generated from the document must not be forced to send them.
  it.each([
    ['/v1/locations', ['q']],
    ['/v1/flights/search', ['departureDate', 'destination', 'origin']],
    ['/v1/hotels/search', ['checkIn', 'checkOut']],
  ])('marks only the truly required query parameters of %s as required', (route, expected) => {
    const parameters = doc.paths[route]?.get?.parameters ?? [];
    const required = parameters.filter((p) => p.in === 'query' && p.required).map((p) => p.name);
    expect(required.sort()).toEqual(expected);
  });

  it('documents every hotel search parameter of the contract', () => {
    const names = doc.paths['/v1/hotels/search']?.get?.parameters?.map((p) => p.name) ?? [];
    expect(names).toEqual(
      expect.arrayContaining([
        'cityCode',
        'lat',
        'lon',
        'radiusKm',
        'checkIn',
        'checkOut',
        'adults',
        'rooms',
        'minStars',
        'maxPrice',
        'sort',
        'currency',
        'limit',
        'cursor',
      ]),
    );
  });

  it('documents problem responses under the media type they are served with (application/problem+json)', () => {
    const offenders: string[] = [];
    for (const [route, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          if (Number(status) < 400 || !response.content) continue;
          if (!JSON.stringify(response.content).includes('"#/components/schemas/Problem"')) continue;
          if (!Object.keys(response.content).includes('application/problem+json')) {
            offenders.push(
              `${method.toUpperCase()} ${route} ${status}: ${Object.keys(response.content).join(', ')}`,
            );
          }
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('real responses conform to the documented schemas', () => {
  it('GET /v1/locations 200', async () => {
    const answer = await call('/v1/locations?q=lon&limit=5');
    expect(answer.status).toBe(200);
    expect((answer.body as { data: unknown[] }).data.length).toBeGreaterThan(0);
    expectConforms('/v1/locations', answer);
  });

  it('GET /v1/locations 400 (problem)', async () => {
    const answer = await call('/v1/locations?q=');
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expectConforms('/v1/locations', answer);
  });

  it('GET /v1/flights/search 200, and page 2 through its cursor', async () => {
    const { path, answer } = await findFlightSearch();
    expect(answer.status).toBe(200);
    expectConforms('/v1/flights/search', answer);
    const meta = (answer.body as { meta: { nextCursor: string | null } }).meta;
    if (meta.nextCursor) {
      const page2 = await call(`${path}&cursor=${meta.nextCursor}`);
      expect(page2.status).toBe(200);
      expectConforms('/v1/flights/search', page2);
    }
  });

  it('GET /v1/flights/search round trip 200', async () => {
    const { path } = await findFlightSearch();
    const answer = await call(`${path}&returnDate=${tp.date(3)}&adults=2&children=1&infants=1`);
    expect(answer.status).toBe(200);
    expectConforms('/v1/flights/search', answer);
  });

  it('GET /v1/flights/search 400 (problem with field errors)', async () => {
    const answer = await call(
      `/v1/flights/search?origin=ZZZ&destination=LHR&departureDate=${tp.date(1)}&adults=10`,
    );
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/problem\+json/);
    expectConforms('/v1/flights/search', answer);
    expect((answer.body as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
  });

  it('GET /v1/hotels/search 200', async () => {
    const { answer } = await findHotelSearch();
    expect(answer.status).toBe(200);
    expectConforms('/v1/hotels/search', answer);
  });

  it('GET /v1/hotels/search 400 (problem)', async () => {
    const answer = await call(`/v1/hotels/search?cityCode=LON&checkIn=${tp.date(3)}&checkOut=${tp.date(1)}`);
    expect(answer.status).toBe(400);
    expectConforms('/v1/hotels/search', answer);
  });

  it('GET /v1/offers/{offerId} 200 for a flight offer', async () => {
    const { answer: search } = await findFlightSearch();
    const id = (search.body as { data: { id: string }[] }).data[0]?.id as string;
    const answer = await call(`/v1/offers/${id}`);
    expect(answer.status).toBe(200);
    expectConforms('/v1/offers/{offerId}', answer);
    expect((answer.body as { data: { id: string; type: string } }).data.type).toBe('flight-offer');
  });

  it('GET /v1/offers/{offerId} 200 for a hotel offer', async () => {
    const { answer: search } = await findHotelSearch();
    const id = (search.body as { data: { id: string }[] }).data[0]?.id as string;
    const answer = await call(`/v1/offers/${id}`);
    expect(answer.status).toBe(200);
    expectConforms('/v1/offers/{offerId}', answer);
    expect((answer.body as { data: { type: string } }).data.type).toBe('hotel-offer');
  });

  it('GET /v1/offers/{offerId} 404 (problem) for a forged id', async () => {
    const forged = `${Buffer.from('{"kind":"flight"}').toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`;
    const answer = await call(`/v1/offers/${forged}`);
    expect(answer.status).toBe(404);
    expect((answer.body as { type: string }).type).toBe(`${PROBLEM_BASE}offer-not-found`);
    expectConforms('/v1/offers/{offerId}', answer);
  });

  it('GET /v1/offers/{offerId} 410 (problem) once the offer has expired', async () => {
    const { answer: search } = await findFlightSearch();
    const id = (search.body as { data: { id: string }[] }).data[0]?.id as string;
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 2 * 60 * 60 * 1000);
      const answer = await call(`/v1/offers/${id}`);
      expect(answer.status).toBe(410);
      expect((answer.body as { type: string }).type).toBe(`${PROBLEM_BASE}offer-expired`);
      expectConforms('/v1/offers/{offerId}', answer);
    } finally {
      vi.useRealTimers();
    }
  });

  it('GET /v1/offers/{offerId} with an empty id answers a status the document declares', async () => {
    const answer = await call('/v1/offers/');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expectConforms('/v1/offers/{offerId}', answer);
  });

  it('GET /health/live 200', async () => {
    const answer = await call('/health/live');
    expect(answer.status).toBe(200);
    expectConforms('/health/live', answer);
  });

  it('GET /health/ready 200', async () => {
    const answer = await call('/health/ready');
    expect(answer.status).toBe(200);
    expectConforms('/health/ready', answer);
  });

  it('search responses carry the documented headers', async () => {
    const { answer } = await findFlightSearch();
    const headers = documentedResponse('/v1/flights/search', 200)?.headers ?? {};
    for (const name of Object.keys(headers)) {
      expect(answer.headers.get(name), name).toBeTruthy();
    }
    expect(['HIT', 'MISS', 'STALE']).toContain(answer.headers.get('x-cache'));
  });
});

describe('GET /docs', () => {
  it('answers 200 with the HTML reference UI', async () => {
    const response = await fetch(`${tp.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/<html/i);
  });
});
