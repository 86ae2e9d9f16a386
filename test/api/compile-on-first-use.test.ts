import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * The Lambda app compiles route schemas on first use (compileSchemas: 'first-use'); it must answer
 * exactly as the app that compiles them at start: same statuses, headers of interest and bodies for
 * valid requests, invalid ones (validation problems naming the field) and response serialization.
 */
describe('schemas compiled on first use', () => {
  let test: TestPlatform;
  let onFirstUse: FastifyInstance;

  beforeAll(async () => {
    test = await startTestPlatform({ airports: 20, days: 4, env: { CACHE: 'none' } });
    onFirstUse = await buildApp({
      services: test.platform.services,
      gateway: test.platform.gateway.options,
      compileSchemas: 'first-use',
    });
    await onFirstUse.ready();
  });
  afterAll(async () => {
    await onFirstUse?.close();
    await test?.close();
  });

  const requests = (): { method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown> }[] => [
    { method: 'GET', url: `/v1/locations?q=lon` },
    { method: 'GET', url: `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${test.date(1)}` },
    { method: 'GET', url: `/v1/flights/search?origin=LHR&destination=JFK&departureDate=2026-02-30` },
    {
      method: 'GET',
      url: `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${test.date(1)}&adults=1e309`,
    },
    {
      method: 'GET',
      url: `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${test.date(1)}&nope=1`,
    },
    { method: 'GET', url: `/v1/hotels/search?cityCode=LON&checkIn=${test.date(1)}&checkOut=${test.date(2)}` },
    { method: 'POST', url: '/v1/offers/price', payload: { offerId: 42 } },
    { method: 'GET', url: '/openapi.json' },
  ];

  it('answers every request as the app compiled at start does', async () => {
    const statuses = new Set<number>();
    for (const request of requests()) {
      const inject = (app: FastifyInstance) =>
        app.inject({ ...request, headers: { 'x-api-key': test.apiKey } }).then((response) => ({
          url: request.url,
          status: response.statusCode,
          contentType: response.headers['content-type'],
          body: withoutVolatile(response.json()),
        }));
      const atStart = await inject(test.app);
      const firstUse = await inject(onFirstUse);
      expect(firstUse).toEqual(atStart);
      // The first-use compile is kept: a second request answers the same.
      expect(await inject(onFirstUse)).toEqual(atStart);
      statuses.add(atStart.status);
    }
    // Served answers and validation problems both went through the compiled functions.
    expect(statuses).toContain(200);
    expect(statuses).toContain(400);
  });
});

/** Request ids, signed offer ids and timestamps differ between two requests by design. */
function withoutVolatile(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutVolatile);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(
          ([key]) =>
            ![
              'instance',
              'requestId',
              'id',
              'offerId',
              'expiresAt',
              'nextCursor',
              'cachedAt',
              'searchId',
            ].includes(key),
        )
        .map(([key, inner]) => [key, withoutVolatile(inner)]),
    );
  return value;
}
