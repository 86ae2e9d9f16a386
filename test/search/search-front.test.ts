import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseApiKeyId } from '../../src/core/gateway/api-key-format.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The cached-search front answers a search URL the routes answered before from the page's prepared
 * bytes, before Fastify. What it sends must be what the app sends for the same hit (compared with
 * `inject`, which never passes through the front), and everything the app's hooks count must be
 * counted; anything it cannot decide at once goes to the app.
 */

let tp: TestPlatform;
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
});

afterAll(async () => {
  vi.restoreAllMocks();
  await tp?.close();
});

type Answer = { data: { itineraries: { segments: { id: string }[] }[] }[] };

async function routeWithOffers(day: number): Promise<{ path: string; segment: string }> {
  for (const route of await tp.platform.store.listRoutes()) {
    const path = `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${tp.date(day)}&maxStops=0&limit=5`;
    const answer = (await (await tp.fetch(path)).json()) as Answer;
    const segment = answer.data[0]?.itineraries[0]?.segments[0]?.id;
    // Answered once more by the app, the page is held in process and its bytes prepared.
    if (segment !== undefined && (await tp.fetch(path)).headers.get('x-cache') === 'HIT')
      return { path, segment };
  }
  throw new Error('no route with offers');
}

/**
 * Fetches `path` until the front answers it (the app's use case, spied by `appCall`, not called):
 * the front needs the key verified within the last half second, so on a slow machine the app may
 * answer a request first (which verifies the key again). Returns the answer and the requests sent.
 */
async function answeredByFront(
  path: string,
  appCall: () => { mock: { calls: unknown[] }; mockRestore(): void },
  init: RequestInit = {},
): Promise<{ response: Response; body: Buffer; requests: number }> {
  for (let requests = 1; requests <= 50; requests++) {
    const spy = appCall();
    const response = await tp.fetch(path, init);
    const body = Buffer.from(await response.arrayBuffer());
    const byApp = spy.mock.calls.length > 0;
    spy.mockRestore();
    if (!byApp) return { response, body, requests };
  }
  throw new Error(`the front never answered ${path}`);
}

const flightPages = () => vi.spyOn(tp.platform.services.flights, 'page');

function comparable(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !PER_ANSWER.has(name)));
}

function headersOf(response: Response): Record<string, string> {
  return Object.fromEntries([...response.headers.entries()]);
}

async function metric(name: string, ...labels: string[]): Promise<number> {
  const text = await (await fetch(`${tp.baseUrl}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('the cached-search front', () => {
  it('answers a known URL without the app, with the same bytes and headers the app sends for that hit', async () => {
    const { path } = await routeWithOffers(1);
    const { response: fromFront, body: frontBody } = await answeredByFront(path, flightPages);
    const page = flightPages();
    const fromApp = await tp.app.inject({ method: 'GET', url: path, headers: { 'x-api-key': tp.apiKey } });
    expect(page).toHaveBeenCalledTimes(1);
    page.mockRestore();

    expect(fromFront.status).toBe(200);
    expect(fromFront.headers.get('x-cache')).toBe('HIT');
    expect(frontBody.equals(fromApp.rawPayload)).toBe(true);
    const appHeaders = Object.fromEntries(
      Object.entries(fromApp.headers).map(([name, value]) => [name, String(value)]),
    );
    expect(comparable(headersOf(fromFront))).toEqual(comparable(appHeaders));
    expect(fromFront.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(fromFront.headers.get('ratelimit-remaining'))).toBeGreaterThan(0);
  });

  it('answers a known location lookup with the bytes and headers the app sends for it', async () => {
    const path = '/v1/locations?q=lon&limit=5';
    await tp.fetch(path);
    const { response: fromFront, body: frontBody } = await answeredByFront(path, () =>
      vi.spyOn(tp.platform.services.locations, 'search'),
    );
    const fromApp = await tp.app.inject({ method: 'GET', url: path, headers: { 'x-api-key': tp.apiKey } });
    expect(fromFront.headers.get('x-cache')).toBe('HIT');
    expect(frontBody.equals(fromApp.rawPayload)).toBe(true);
    const appHeaders = Object.fromEntries(
      Object.entries(fromApp.headers).map(([name, value]) => [name, String(value)]),
    );
    expect(comparable(headersOf(fromFront))).toEqual(comparable(appHeaders));
    expect(fromFront.headers.get('etag')).toBeNull();
  });

  it('answers If-None-Match with the same 304 as the app, and echoes a safe client request id', async () => {
    const { path } = await routeWithOffers(2);
    const etag = (await tp.fetch(path)).headers.get('etag') ?? '';
    const { response: fromFront, body } = await answeredByFront(path, flightPages, {
      headers: { 'if-none-match': etag, 'x-request-id': 'client-id-1' },
    });
    const fromApp = await tp.app.inject({
      method: 'GET',
      url: path,
      headers: { 'x-api-key': tp.apiKey, 'if-none-match': etag },
    });
    expect(fromFront.status).toBe(304);
    expect(fromApp.statusCode).toBe(304);
    expect(body.length).toBe(0);
    expect(fromFront.headers.get('x-request-id')).toBe('client-id-1');
    const appHeaders = Object.fromEntries(
      Object.entries(fromApp.headers).map(([name, value]) => [name, String(value)]),
    );
    expect(comparable(headersOf(fromFront))).toEqual(comparable(appHeaders));
  });

  it('counts what the hooks count: metrics, hit ratio, the key usage and analytics', async () => {
    const { path } = await routeWithOffers(3);
    const label = ['route="/v1/flights/search"', 'status_code="200"'];
    const hitsBefore = await metric('cache_requests_total', 'outcome="hit"', 'type="flights"');
    const timedBefore = await metric('http_request_duration_seconds_count', ...label);
    const meter = tp.platform.gateway.options.meter;
    await meter.flush();
    const keyId = parseApiKeyId(tp.apiKey) ?? '';
    const store = tp.platform.backend.apiKeys;
    const day = new Date().toISOString().slice(0, 10);
    const usageBefore = (await store.usage(keyId, day, day))[0]?.searches ?? 0;
    const analytics = tp.platform.services.analytics;
    if (analytics === undefined) throw new Error('analytics is on by default');
    const recorded = vi.spyOn(analytics, 'record');
    // Five answers from the front; the app may answer some requests between them (see answeredByFront).
    let requests = 0;
    for (let i = 0; i < 5; i++) {
      const answer = await answeredByFront(path, flightPages);
      expect(answer.response.status).toBe(200);
      requests += answer.requests;
    }
    const samples = recorded.mock.calls.map(([sample]) => sample);
    recorded.mockRestore();
    expect(samples).toHaveLength(requests);
    const query = new URLSearchParams(path.slice(path.indexOf('?') + 1));
    expect(samples[0]).toMatchObject({
      routeGroup: 'flights.search',
      status: 200,
      apiKey: { id: parseApiKeyId(tp.apiKey), plan: 'partner' },
      cache: { type: 'flights', outcome: 'hit', key: path },
      search: { kind: 'flights', route: `${query.get('origin')}-${query.get('destination')}` },
    });

    expect((await metric('cache_requests_total', 'outcome="hit"', 'type="flights"')) - hitsBefore).toBe(
      requests,
    );
    expect((await metric('http_request_duration_seconds_count', ...label)) - timedBefore).toBe(requests);
    await meter.flush();
    expect(((await store.usage(keyId, day, day))[0]?.searches ?? 0) - usageBefore).toBe(requests);
  });

  it('never answers from a page an inventory change made stale: the app answers the fresh search', async () => {
    const { path, segment } = await routeWithOffers(1);
    expect((await tp.fetch(path)).headers.get('x-cache')).toBe('HIT');
    await tp.platform.services.inventoryAdmin.changeAvailability(
      [{ flightId: segment, cabin: 'economy', seatsLeft: 0 }],
      [],
    );
    // Once the change's event is delivered, the next answer is the app's fresh search (a MISS,
    // with background recomputation off), not the page the front held.
    let first: { cache: string | null; segments: string[] } | undefined;
    await waitFor('an answer without the sold-out flight', async () => {
      const answer = await tp.fetch(path);
      const body = (await answer.json()) as Answer;
      const segments = body.data.flatMap((o) => o.itineraries.flatMap((i) => i.segments.map((s) => s.id)));
      if (segments.includes(segment)) return false;
      first = { cache: answer.headers.get('x-cache'), segments };
      return true;
    });
    expect(first?.cache).toBe('MISS');
  });

  it('leaves a missing or unknown key, and a key over its plan, to the app: 401 and 429 problems', async () => {
    const { path } = await routeWithOffers(2);
    const missing = await fetch(`${tp.baseUrl}${path}`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const unknown = await fetch(`${tp.baseUrl}${path}`, { headers: { 'x-api-key': 'tp_nobody.secret' } });
    expect(unknown.status).toBe(401);

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
