/**
 * What the "Deploy to AWS" steps (docs/aws.md) send through API Gateway, as the REST proxy events the
 * stack's single `/{proxy+}` route delivers (ADR 21: the gateway checks no key, the app does): the
 * admin key from the stack's secret issues a client key, and every route family answers it — v1,
 * the Amadeus paths with their own token flow, analytics and the dashboard — CORS preflights
 * included, and the pre-traffic hook's readiness probe. On dynalite and the local Redis.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler as apiHandler } from '../../src/lambda/api.js';
import { readinessProbeEvent } from '../../src/lambda/pre-traffic-hook.js';
import { startApiSandbox } from '../helpers/lambda-api-sandbox.js';
import { lambdaContext, restProxyEvent } from '../helpers/lambda-events.js';
import { uniquePrefix } from '../helpers/redis.js';

/** As the stack's AdminApiKey secret generates it: 48 letters and digits, not a `tp_live_` key. */
const ADMIN_KEY = randomUUID().replace(/-/g, '').padEnd(48, 'A');
const startDate = new Date().toISOString().slice(0, 10);
const date = (days: number): string =>
  new Date(Date.parse(`${startDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

let sandbox: Awaited<ReturnType<typeof startApiSandbox>> | undefined;
let client: { id: string; key: string };

const invoke = (request: Parameters<typeof restProxyEvent>[0]): Promise<APIGatewayProxyResult> =>
  apiHandler(restProxyEvent(request), lambdaContext('travel-platform-api'));

beforeAll(async () => {
  sandbox = await startApiSandbox({
    adminKey: ADMIN_KEY,
    startDate,
    cachePrefix: uniquePrefix('lambda-routes'),
    env: {
      CORS_ORIGINS: '*',
      LAMBDA_FLUSH_INTERVAL_MS: '0',
    },
  });
}, 180_000);

afterAll(() => sandbox?.close());

describe('the API through API Gateway’s proxy route, authenticated by the app alone', () => {
  it('issues a client key with the admin key from the secret (docs/aws.md, step 3), and no development key exists', async () => {
    const issued = await invoke({
      method: 'POST',
      path: '/v1/admin/api-keys',
      headers: { 'x-api-key': ADMIN_KEY },
      body: { name: 'deploy readme', plan: 'partner' },
    });
    expect(issued.statusCode).toBe(201);
    client = JSON.parse(issued.body) as { id: string; key: string };
    expect(client.key).toMatch(/^tp_live_/);
    const listed = await invoke({
      method: 'GET',
      path: '/v1/admin/api-keys',
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(listed.statusCode).toBe(200);
    const names = (JSON.parse(listed.body) as { data: { name: string }[] }).data.map((key) => key.name);
    expect(names).toEqual(['deploy readme']);
  });

  it('serves v1 search with the client key, and refuses a revoked key at once (no gateway copy outlives it)', async () => {
    const search = await invoke({
      method: 'GET',
      path: '/v1/locations',
      query: { q: 'lon', limit: '3' },
      headers: { 'x-api-key': client.key },
    });
    expect(search.statusCode).toBe(200);
    const spare = JSON.parse(
      (
        await invoke({
          method: 'POST',
          path: '/v1/admin/api-keys',
          headers: { 'x-api-key': ADMIN_KEY },
          body: { name: 'to revoke' },
        })
      ).body,
    ) as { id: string; key: string };
    const revoked = await invoke({
      method: 'DELETE',
      path: `/v1/admin/api-keys/${spare.id}`,
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(revoked.statusCode).toBe(204);
    // The key service caches a verified key for at most a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const refused = await invoke({
      method: 'GET',
      path: '/v1/locations',
      query: { q: 'lon' },
      headers: { 'x-api-key': spare.key },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers?.['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('runs the Amadeus token flow and searches /v2/shopping/flight-offers with the bearer token, no x-api-key', async () => {
    const token = await invoke({
      method: 'POST',
      path: '/v1/security/oauth2/token',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.id,
        client_secret: client.key,
      }).toString(),
    });
    expect(token.statusCode).toBe(200);
    const accessToken = (JSON.parse(token.body) as { access_token: string }).access_token;
    const offers = await invoke({
      method: 'GET',
      path: '/v2/shopping/flight-offers',
      query: {
        originLocationCode: 'LHR',
        destinationLocationCode: 'JFK',
        departureDate: date(2),
        adults: '1',
      },
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    expect(offers.statusCode).toBe(200);
    expect(JSON.parse(offers.body)).toHaveProperty('data');
    const unauthorised = await invoke({
      method: 'GET',
      path: '/v3/shopping/hotel-offers',
      query: { cityCode: 'LON' },
    });
    expect(unauthorised.statusCode).toBe(401);
    expect(JSON.parse(unauthorised.body)).toHaveProperty('errors');
  });

  it('answers analytics to the admin key and opens a dashboard session with it', async () => {
    const summary = await invoke({
      method: 'GET',
      path: '/v1/analytics/summary',
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(summary.statusCode).toBe(200);
    const page = await invoke({ method: 'GET', path: '/dashboard' });
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['content-type']).toMatch(/^text\/html/);
    const session = await invoke({ method: 'POST', path: '/dashboard/session', body: { key: ADMIN_KEY } });
    expect(session.statusCode).toBe(204);
    expect(String(session.headers?.['set-cookie'] ?? session.multiValueHeaders?.['set-cookie'])).toContain(
      'HttpOnly',
    );
  });

  it('passes CORS preflights under /v1 and the Amadeus paths without a key', async () => {
    for (const path of ['/v1/flights/search', '/v2/shopping/flight-offers']) {
      const preflight = await invoke({
        method: 'OPTIONS',
        path,
        headers: {
          Origin: 'https://app.example.org',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'x-api-key',
        },
      });
      expect(preflight.statusCode, path).toBe(204);
      expect(preflight.headers?.['access-control-allow-origin'], path).toBe('*');
      expect(String(preflight.headers?.['access-control-allow-headers']), path).toContain('x-api-key');
    }
  });

  it('answers the pre-traffic hook’s readiness probe 200 without a key', async () => {
    const ready = await apiHandler(readinessProbeEvent('d-TEST12345'), lambdaContext('travel-platform-api'));
    expect(ready.statusCode, ready.body).toBe(200);
  });
});
