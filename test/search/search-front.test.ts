import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import type { RequestSample } from '../../src/core/analytics/request-sample.js';
import { parseApiKeyId } from '../../src/core/gateway/api-key-format.js';
import { buildApp } from '../../src/http/app.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The cached-search front answers a search URL the routes answered before from the page's prepared
 * bytes, before Fastify. The differential property, for every route the front learns, with the
 * gateway and without it: what it sends is what the app sends for the same hit (compared with
 * `inject`, which never passes through the front), what the hooks record of it (metrics, usage,
 * analytics) is what they record of the app's answer, and every request it cannot decide at once
 * falls through to the app.
 */

let tp: TestPlatform;
/** The same platform served without the gateway (GATEWAY=off: hardening only, no key, no metering). */
let open: { app: FastifyInstance; baseUrl: string };

/** Headers that differ between any two answers. */
const PER_ANSWER = new Set([
  'date',
  'x-request-id',
  'ratelimit-remaining',
  'ratelimit-reset',
  'connection',
  'keep-alive',
]);

beforeAll(async () => {
  // No background recomputation: after an inventory change the next answer must come from the app.
  tp = await startTestPlatform({ airports: 25, days: 4, env: { CACHE_WARM_MIN_REQUESTS: '0' } });
  const app = await buildApp({
    services: tp.platform.services,
    hardening: tp.platform.gateway.options.hardening,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  open = { app, baseUrl: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
});

afterAll(async () => {
  vi.restoreAllMocks();
  await open?.app.close();
  await tp?.close();
});

/** One way of serving the platform: its app, how to fetch from its listener, and whether keys are checked. */
interface Mode {
  name: string;
  gateway: boolean;
  app(): FastifyInstance;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The headers `inject` sends to ask the app the same question. */
  injectHeaders(): Record<string, string>;
}

const MODES: Mode[] = [
  {
    name: 'with the gateway',
    gateway: true,
    app: () => tp.app,
    fetch: (path, init) => tp.fetch(path, init),
    injectHeaders: () => ({ 'x-api-key': tp.apiKey }),
  },
  {
    name: 'without the gateway',
    gateway: false,
    app: () => open.app,
    fetch: (path, init = {}) => fetch(`${open.baseUrl}${path}`, init),
    injectHeaders: () => ({}),
  },
];

/** A route the front learns: a URL of it with a fresh answer, and the use case the app's route calls. */
interface LearnableRoute {
  route: '/v1/locations' | '/v1/flights/search' | '/v1/hotels/search';
  /** Search pages carry an ETag and answer If-None-Match; location lists do not. */
  page: boolean;
  /** A URL of the route whose answer has offers (found once, then the same for every mode). */
  path(mode: Mode): Promise<string>;
  useCase(): MockInstance;
}

type Page = { data: unknown[]; meta: { nextCursor?: string | null } };

/**
 * A flight search URL with more offers than its first page, answered by the app once more so its
 * page is held in process and its bytes prepared.
 */
async function flightPath(mode: Mode, day: number): Promise<string> {
  for (const route of await tp.platform.store.listRoutes()) {
    const path = `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${tp.date(day)}&limit=2`;
    const answer = (await (await mode.fetch(path)).json()) as Page;
    if (answer.meta.nextCursor && (await mode.fetch(path)).headers.get('x-cache') === 'HIT') return path;
  }
  throw new Error('no route with offers');
}

/** Fetches `path` twice: the second answer is a hit held in process, with its bytes prepared. */
async function warmed(mode: Mode, path: string): Promise<string> {
  await mode.fetch(path);
  expect((await mode.fetch(path)).headers.get('x-cache')).toBe('HIT');
  return path;
}

const ROUTES: LearnableRoute[] = [
  {
    route: '/v1/locations',
    page: false,
    path: (mode) => warmed(mode, '/v1/locations?q=lon&limit=5'),
    useCase: () => vi.spyOn(tp.platform.services.locations, 'search'),
  },
  {
    route: '/v1/flights/search',
    page: true,
    path: (mode) => flightPath(mode, 1),
    useCase: () => vi.spyOn(tp.platform.services.flights, 'page'),
  },
  {
    route: '/v1/hotels/search',
    page: true,
    path: (mode) =>
      warmed(
        mode,
        `/v1/hotels/search?cityCode=LON&checkIn=${tp.date(1)}&checkOut=${tp.date(3)}&adults=2&limit=3`,
      ),
    useCase: () => vi.spyOn(tp.platform.services.hotels, 'page'),
  },
];

/**
 * Fetches `path` until the front answers it (the app's use case, spied by `useCase`, not called):
 * the front needs the key verified within the last half second, so on a slow machine the app may
 * answer a request first (which verifies the key again). Returns the answer and the requests sent.
 */
async function answeredByFront(
  mode: Mode,
  path: string,
  useCase: () => MockInstance,
  init: RequestInit = {},
): Promise<{ response: Response; body: Buffer; requests: number }> {
  for (let requests = 1; requests <= 50; requests++) {
    const spy = useCase();
    const response = await mode.fetch(path, init);
    const body = Buffer.from(await response.arrayBuffer());
    const byApp = spy.mock.calls.length > 0;
    spy.mockRestore();
    if (!byApp) return { response, body, requests };
  }
  throw new Error(`the front never answered ${path}`);
}

function comparable(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_ANSWER.has(name)));
}

/**
 * The front's headers are the app's, but for those of any two answers, and `max-age`, which counts
 * down whole seconds: the two answers may straddle a second.
 */
function expectSameHeaders(front: Record<string, string>, app: Record<string, string>): void {
  const maxAge = (headers: Record<string, string>) =>
    Number(/max-age=(\d+)/.exec(headers['cache-control'] ?? '')?.[1]);
  const withoutAge = (headers: Record<string, string>) => {
    const { 'cache-control': control, ...rest } = comparable(headers);
    return { ...rest, 'cache-control': control?.replace(/max-age=\d+/, 'max-age=N') };
  };
  expect(withoutAge(front)).toEqual(withoutAge(app));
  if (front['cache-control'] !== undefined)
    expect(Math.abs(maxAge(front) - maxAge(app))).toBeLessThanOrEqual(1);
}

const headersOf = (response: Response): Record<string, string> =>
  Object.fromEntries([...response.headers.entries()]);

const injectedHeaders = (headers: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, String(value)]));

async function metric(mode: Mode, name: string, ...labels: string[]): Promise<number> {
  const text = (await mode.app().inject({ method: 'GET', url: '/metrics' })).body;
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** Everything a sample says but its time, which differs between any two answers. */
const timeless = ({ durationMs: _durationMs, ...rest }: RequestSample) => rest;

describe.each(MODES)('the cached-search front $name', (mode) => {
  describe.each(ROUTES)('on $route', (route) => {
    it('answers a known URL without the app, with the bytes and headers the app sends for that hit', async () => {
      const path = await route.path(mode);
      const { response, body } = await answeredByFront(mode, path, route.useCase);
      const useCase = route.useCase();
      const fromApp = await mode.app().inject({ method: 'GET', url: path, headers: mode.injectHeaders() });
      expect(useCase).toHaveBeenCalledTimes(1);
      useCase.mockRestore();

      expect(response.status).toBe(200);
      expect(response.headers.get('x-cache')).toBe('HIT');
      expect(body.equals(fromApp.rawPayload)).toBe(true);
      expectSameHeaders(headersOf(response), injectedHeaders(fromApp.headers));
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      if (mode.gateway) expect(Number(response.headers.get('ratelimit-remaining'))).toBeGreaterThan(0);
      else expect(response.headers.get('ratelimit-remaining')).toBeNull();
      if (!route.page) expect(response.headers.get('etag')).toBeNull();
    });

    it.runIf(route.page)(
      'answers If-None-Match with the same 304 as the app, and echoes a safe client request id',
      async () => {
        const path = await route.path(mode);
        const etag = (await mode.fetch(path)).headers.get('etag') ?? '';
        const { response, body } = await answeredByFront(mode, path, route.useCase, {
          headers: { 'if-none-match': etag, 'x-request-id': 'client-id-1' },
        });
        const fromApp = await mode.app().inject({
          method: 'GET',
          url: path,
          headers: { ...mode.injectHeaders(), 'if-none-match': etag },
        });
        expect(response.status).toBe(304);
        expect(fromApp.statusCode).toBe(304);
        expect(body.length).toBe(0);
        expect(response.headers.get('x-request-id')).toBe('client-id-1');
        expectSameHeaders(headersOf(response), injectedHeaders(fromApp.headers));
      },
    );

    it('records what the hooks record of the same hit: metrics, the key usage and the analytics sample', async () => {
      const path = await route.path(mode);
      const label = [`route="${route.route}"`, 'status_code="200"'];
      const timedBefore = await metric(mode, 'http_request_duration_seconds_count', ...label);
      const analytics = tp.platform.services.analytics;
      if (analytics === undefined) throw new Error('analytics is on by default');
      const meter = tp.platform.gateway.options.meter;

      // The app's hooks, through inject (never through the front).
      const appSamples = vi.spyOn(analytics, 'record');
      const appUsage = vi.spyOn(meter, 'record');
      await mode.app().inject({ method: 'GET', url: path, headers: mode.injectHeaders() });
      const fromHooks = { samples: appSamples.mock.calls.map(([s]) => s), usage: appUsage.mock.calls };
      appSamples.mockRestore();
      appUsage.mockRestore();
      const type = route.route === '/v1/locations' ? 'locations' : route.route.split('/')[2];
      const hits = [`type="${type}"`, 'outcome="hit"'];
      const hitsBefore = await metric(mode, 'cache_requests_total', ...hits);

      // The front's records of one answer it sent.
      let requests = 0;
      let fromFront: typeof fromHooks | undefined;
      while (fromFront === undefined) {
        const samples = vi.spyOn(analytics, 'record');
        const usage = vi.spyOn(meter, 'record');
        const answer = await answeredByFront(mode, path, route.useCase);
        requests += answer.requests;
        // Only an answer the first request got is the front's alone (see answeredByFront).
        if (answer.requests === 1)
          fromFront = { samples: samples.mock.calls.map(([s]) => s), usage: usage.mock.calls };
        samples.mockRestore();
        usage.mockRestore();
      }

      expect(fromHooks.samples).toHaveLength(1);
      expect(fromFront.samples.map(timeless)).toEqual(fromHooks.samples.map(timeless));
      expect(fromFront.samples[0]).toMatchObject({ cache: { outcome: 'hit', key: path } });
      if (mode.gateway) {
        expect(fromFront.usage).toEqual(fromHooks.usage);
        expect(fromFront.usage[0]?.[0]).toBe(parseApiKeyId(tp.apiKey));
      } else {
        expect(fromHooks.usage).toEqual([]);
        expect(fromFront.usage).toEqual([]);
      }
      // Every answer since was a hit, whichever path sent it.
      expect((await metric(mode, 'cache_requests_total', ...hits)) - hitsBefore).toBe(requests);
      // inject and every front answer are timed under the route pattern.
      expect((await metric(mode, 'http_request_duration_seconds_count', ...label)) - timedBefore).toBe(
        requests + 1,
      );
    });
  });

  /**
   * Each request the front must leave to the app, for a URL it knows: the app answers it (its use
   * case is called, or it refuses with a problem), exactly as it would without the front.
   */
  const FALL_THROUGH: {
    name: string;
    gatewayOnly?: boolean;
    /** Sends the request for the known flight search URL `path`; undoes any stubbing when done. */
    send(path: string): Promise<{ status: number; problem: boolean }>;
  }[] = [
    {
      name: 'a URL not answered before (another spelling of the query)',
      send: (path) => asked(mode, path.replace('limit=2', 'limit=3')),
    },
    {
      name: 'a further page (a cursor)',
      async send(path) {
        const first = (await (await mode.fetch(path)).json()) as Page;
        return asked(mode, `${path}&cursor=${encodeURIComponent(first.meta.nextCursor ?? '')}`);
      },
    },
    { name: 'a HEAD request', send: (path) => asked(mode, path, { method: 'HEAD' }) },
    {
      name: 'a CORS request (Origin)',
      send: (path) => asked(mode, path, { headers: { origin: 'https://a.example' } }),
    },
    {
      name: 'a request with a body (content-length)',
      send: (path) => raw(mode, path, { 'content-length': '2' }, '{}'),
    },
    {
      name: 'a request with a body (transfer-encoding)',
      send: (path) => raw(mode, path, { 'transfer-encoding': 'chunked' }, '{}'),
    },
    {
      name: 'a page no longer held in process',
      async send(path) {
        tp.platform.services.searchResults.release();
        return asked(mode, path);
      },
    },
    {
      name: 'a server shedding load',
      async send(path) {
        const app = mode.app() as FastifyInstance & { isUnderPressure(): boolean };
        const pressure = vi.spyOn(app, 'isUnderPressure').mockReturnValue(true);
        try {
          return await asked(mode, path);
        } finally {
          pressure.mockRestore();
        }
      },
    },
    {
      name: 'no API key',
      gatewayOnly: true,
      send: (path) => asked(mode, path, { headers: { 'x-api-key': '' } }),
    },
    {
      name: 'an unknown API key',
      gatewayOnly: true,
      send: (path) => asked(mode, path, { headers: { 'x-api-key': 'tp_nobody.secret' } }),
    },
    {
      name: 'a key not authenticated lately',
      gatewayOnly: true,
      async send(path) {
        const { key } = await tp.platform.gateway.options.keys.issue({ name: 'fresh key', plan: 'partner' });
        return asked(mode, path, { headers: { 'x-api-key': key } });
      },
    },
    {
      name: 'a client waiting after failed credentials',
      gatewayOnly: true,
      async send(path) {
        const app = mode.app() as FastifyInstance & { credentialWait(address?: string): number };
        const wait = vi.spyOn(app, 'credentialWait').mockReturnValue(1);
        try {
          return await asked(mode, path);
        } finally {
          wait.mockRestore();
        }
      },
    },
    {
      name: 'a rate limit not decided in process',
      gatewayOnly: true,
      async send(path) {
        const limiter = tp.platform.gateway.options.limiter as { consumeNow?: (...args: never[]) => unknown };
        const undecided = vi.spyOn(limiter, 'consumeNow').mockReturnValue(undefined);
        try {
          return await asked(mode, path);
        } finally {
          undecided.mockRestore();
        }
      },
    },
    {
      name: 'a key over its plan (the front spends the token, the app answers 429)',
      gatewayOnly: true,
      async send(path) {
        const { key } = await tp.platform.gateway.options.keys.issue({
          name: 'tight plan',
          plan: 'partner',
          overrides: { rateLimit: 0.01, burstLimit: 1, dailyQuota: 1000 },
        });
        // Its one token goes on another route, which also authenticates the key for the front.
        await asked(mode, '/v1/locations?q=par', { headers: { 'x-api-key': key } });
        const refused = await asked(mode, path, { headers: { 'x-api-key': key } });
        expect(refused.status).toBe(429);
        return refused;
      },
    },
  ];

  it.each(FALL_THROUGH.filter((c) => mode.gateway || !c.gatewayOnly))(
    'leaves $name to the app',
    async (fallThrough) => {
      const path = await flightPath(mode, 2);
      // The front knows the URL: it answers it alone.
      await answeredByFront(mode, path, ROUTES[1]?.useCase ?? (() => vi.fn() as MockInstance));
      const useCase = vi.spyOn(tp.platform.services.flights, 'page');
      const sent = await fallThrough.send(path);
      const byApp = useCase.mock.calls.length > 0;
      useCase.mockRestore();
      expect(byApp || sent.problem, `status ${sent.status}`).toBe(true);
    },
  );
});

/** Asks `mode`'s listener; a problem answer (401, 429, 503) is the app's refusal. */
async function asked(
  mode: Mode,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; problem: boolean }> {
  const response = await mode.fetch(path, init);
  await response.arrayBuffer();
  return { status: response.status, problem: isProblem(response.headers.get('content-type')) };
}

const isProblem = (type: string | null | undefined): boolean =>
  type?.includes('application/problem+json') === true;

/** A GET with a body, which fetch will not send: over a raw socket, with the mode's key. */
function raw(
  mode: Mode,
  path: string,
  headers: Record<string, string>,
  body: string,
): Promise<{ status: number; problem: boolean }> {
  const base = new URL(mode.gateway ? tp.baseUrl : open.baseUrl);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: 'GET',
        headers: {
          ...headers,
          'content-type': 'application/json',
          ...(mode.gateway ? { 'x-api-key': tp.apiKey } : {}),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, problem: isProblem(response.headers['content-type']) }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('the cached-search front and inventory changes', () => {
  it('never answers from a page an inventory change made stale: the app answers the fresh search', async () => {
    const mode = MODES[0] as Mode;
    const path = await flightPath(mode, 3);
    const first = (await (await mode.fetch(path)).json()) as {
      data: { itineraries: { segments: { id: string }[] }[] }[];
    };
    const segment = first.data[0]?.itineraries[0]?.segments[0]?.id ?? '';
    expect((await mode.fetch(path)).headers.get('x-cache')).toBe('HIT');
    await tp.platform.services.inventoryAdmin.changeAvailability(
      [{ flightId: segment, cabin: 'economy', seatsLeft: 0 }],
      [],
    );
    // Once the change's event is delivered, the next answer is the app's fresh search (a MISS,
    // with background recomputation off), not the page the front held.
    let fresh: { cache: string | null; segments: string[] } | undefined;
    await waitFor('an answer without the sold-out flight', async () => {
      const answer = await mode.fetch(path);
      const body = (await answer.json()) as typeof first;
      const segments = body.data.flatMap((o) => o.itineraries.flatMap((i) => i.segments.map((s) => s.id)));
      if (segments.includes(segment)) return false;
      fresh = { cache: answer.headers.get('x-cache'), segments };
      return true;
    });
    expect(fresh?.cache).toBe('MISS');
  });

  it('takes each rate-limit token once whichever path answered, and leaves the refusal to the app (429 problem)', async () => {
    const mode = MODES[0] as Mode;
    const path = await flightPath(mode, 2);
    const { key } = await tp.platform.gateway.options.keys.issue({
      name: 'tight plan',
      plan: 'partner',
      overrides: { rateLimit: 0.01, burstLimit: 3, dailyQuota: 1000 },
    });
    const statuses: number[] = [];
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const answer = await fetch(`${tp.baseUrl}${path}`, { headers: { 'x-api-key': key } });
      statuses.push(answer.status);
      remaining.push(answer.headers.get('ratelimit-remaining'));
      if (answer.status === 429) {
        expect(answer.headers.get('content-type')).toContain('application/problem+json');
        expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
    }
    // Three tokens, each taken once whichever path answered: 2, 1, 0 left, then refused.
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(remaining).toEqual(['2', '1', '0', '0']);
  });
});
