import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

const ADMIN = 'test-admin-key-that-is-long-enough-0000';

let tp: TestPlatform;
beforeAll(async () => {
  tp = await startTestPlatform({ airports: 40, days: 6, env: { ANALYTICS_FLUSH_MS: '100' } });
  // One miss then two hits on one route, one miss on another, and a bad request.
  for (const path of [
    `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(2)}`,
    `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(2)}`,
    `/v1/flights/search?origin=lhr&destination=jfk&departureDate=${tp.date(2)}`,
    `/v1/flights/search?origin=CDG&destination=FRA&departureDate=${tp.date(3)}`,
    '/v1/flights/search?origin=LHR',
  ])
    await tp.fetch(path);
  await tp.platform.analytics?.collector.flush();
  // The search events went over the bus; the next flush writes what the consumer counted.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await tp.platform.analytics?.collector.flush();
});
afterAll(() => tp.close());

const admin = (path: string) => fetch(`${tp.baseUrl}${path}`, { headers: { 'x-api-key': ADMIN } });

interface Summary {
  requests: number;
  searches: number;
  cacheHitRatio: number;
  cache: Record<string, { hit: number; miss: number }>;
  latencyMs: { count: number; p50: number; p99: number; byRouteGroup: Record<string, { count: number }> };
  clientErrors: number;
}

describe('GET /v1/analytics/*', () => {
  it('summary counts the searches, the cache outcomes by data type and the latency of each route group', async () => {
    const response = await admin('/v1/analytics/summary');
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: Summary };
    expect(data.searches).toBe(4);
    expect(data.cache.flights).toEqual({ hit: 2, miss: 2, stale: 0, hitRatio: 0.5 });
    expect(data.clientErrors).toBeGreaterThanOrEqual(1);
    expect(data.latencyMs.byRouteGroup['flights.search']?.count).toBe(5);
    expect(data.latencyMs.p99).toBeGreaterThanOrEqual(data.latencyMs.p50);
    expect(data.latencyMs.p50).toBeGreaterThan(0);
  });

  it('top-routes ranks routes by searches, upper-cased as IATA codes', async () => {
    const { data } = (await (await admin('/v1/analytics/top-routes?limit=5')).json()) as {
      data: { routes: { route: string; searches: number }[]; cities: { route: string; searches: number }[] };
    };
    expect(data.routes).toEqual([
      { route: 'flights:LHR-JFK', searches: 3 },
      { route: 'flights:CDG-FRA', searches: 1 },
    ]);
    expect(data.cities[0]).toEqual({ route: 'JFK', searches: 3 });
  });

  it('timeseries answers one point per minute of the window, empty minutes included', async () => {
    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 9 * 60_000).toISOString();
    const response = await admin(`/v1/analytics/timeseries?from=${from}&to=${to}&granularity=minute`);
    const body = (await response.json()) as { data: { requests: number }[]; meta: { count: number } };
    expect(response.status).toBe(200);
    expect(body.meta.count).toBeGreaterThanOrEqual(10);
    expect(body.data.reduce((sum, p) => sum + p.requests, 0)).toBeGreaterThanOrEqual(5);
  });

  it('a client key sees only its own usage; the admin key sees every key', async () => {
    const own = (await (await tp.fetch('/v1/analytics/keys')).json()) as {
      data: { keyId: string; requests: number }[];
    };
    expect(own.data).toHaveLength(1);
    expect(own.data[0]?.requests).toBeGreaterThanOrEqual(5);
    expect(own.data[0]?.keyId).not.toContain('admin');
    const all = (await (await admin('/v1/analytics/keys')).json()) as { data: unknown[] };
    expect(all.data.length).toBeGreaterThanOrEqual(own.data.length);
  });

  it('a client key is refused the summary with 403', async () => {
    const response = await tp.fetch('/v1/analytics/summary');
    expect(response.status).toBe(403);
    expect(((await response.json()) as { type: string }).type).toMatch(/admin-key-required$/);
  });

  it.for([
    ['from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'query.from'],
    ['from=2000-01-01T00:00:00Z', 'query.from'],
    [`from=${new Date(Date.now() - 3 * 86_400_000).toISOString()}&granularity=minute`, 'query.granularity'],
    [`from=${new Date(Date.now() - 80 * 86_400_000).toISOString()}&granularity=hour`, 'query.granularity'],
    ['granularity=week', 'granularity'],
    ['from=yesterday', 'from'],
  ])('a bad window (%s) is a problem+json 400 naming %s', async ([query, field]) => {
    const response = await admin(`/v1/analytics/timeseries?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const body = (await response.json()) as { errors: { field: string }[] };
    expect(body.errors.map((e) => e.field).join(' ')).toContain(field);
  });

  it('cost prices the window as a month, line by line, with the source of every price', async () => {
    const { data } = (await (await admin('/v1/analytics/cost')).json()) as {
      data: { requests: number; estimate: { perRequestUsd: number; lines: { price: { source: string } }[] } };
    };
    expect(data.requests).toBeGreaterThanOrEqual(5);
    expect(data.estimate.perRequestUsd).toBeGreaterThan(0);
    for (const line of data.estimate.lines) expect(line.price.source).toMatch(/^https:\/\//);
  });

  it('cache advice replays the recorded key stream and names its rule', async () => {
    const { data } = (await (await admin('/v1/analytics/cache-advice')).json()) as {
      data: { accesses: number; byType: { dataType: string; hitRatio: number }[] };
    };
    expect(data.accesses).toBe(4);
    expect(data.byType).toEqual([expect.objectContaining({ dataType: 'flights', hitRatio: 0.5 })]);
  });

  it('every analytics route is in the OpenAPI document with an operationId, a summary and a tag', async () => {
    const doc = (await (await fetch(`${tp.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, { get?: { operationId?: string; summary?: string; tags?: string[] } }>;
    };
    for (const path of ['summary', 'timeseries', 'top-routes', 'keys', 'cost', 'cache-advice']) {
      const operation = doc.paths[`/v1/analytics/${path}`]?.get;
      expect(operation?.operationId).toBeTruthy();
      expect(operation?.summary).toBeTruthy();
      expect(operation?.tags).toEqual(['analytics']);
    }
  });
});
