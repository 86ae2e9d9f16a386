import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Nothing a client sends to the Amadeus-compatible routes yields a 5xx or anything but an Amadeus
 * error body with the exact media type the SDK parses.
 */

let tp: TestPlatform;
let token: string;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 10, days: 3 });
  const issued = await tp.platform.gateway.options.keys.issue({
    name: 'fuzz app',
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000 },
  });
  const response = await fetch(`${tp.baseUrl}/v1/security/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: issued.record.id,
      client_secret: issued.key,
    }).toString(),
  });
  expect(response.headers.get('content-type')).toBe('application/json');
  token = ((await response.json()) as { access_token: string }).access_token;
});
afterAll(() => tp.close());

const offer = { id: 'eyJ4IjoxfQ.abc~def', type: 'flight-offer', price: { grandTotal: '1.00' } };

const cases: [string, string, string?][] = [
  ['GET', '/v2/shopping/flight-offers'],
  [
    'GET',
    '/v2/shopping/flight-offers?originLocationCode=LHR&destinationLocationCode=JFK&departureDate=2026-02-30&adults=1',
  ],
  [
    'GET',
    '/v2/shopping/flight-offers?originLocationCode=LHR&destinationLocationCode=LHR&departureDate=2099-01-01&adults=1',
  ],
  [
    'GET',
    '/v2/shopping/flight-offers?originLocationCode=LHR&destinationLocationCode=JFK&departureDate=2026-01-01&adults=2&infants=3',
  ],
  [
    'GET',
    '/v2/shopping/flight-offers?originLocationCode=LHR&destinationLocationCode=JFK&departureDate=2026-01-01&adults=1&currencyCode=XXX',
  ],
  ['GET', '/v2/shopping/flight-offers?originLocationCode[0]=LHR&adults=1e9'],
  ['POST', '/v2/shopping/flight-offers', '{'],
  ['POST', '/v2/shopping/flight-offers', '{"originDestinations":[],"travelers":[]}'],
  [
    'POST',
    '/v2/shopping/flight-offers',
    '{"originDestinations":[{"id":"1","originLocationCode":"LHR","destinationLocationCode":"JFK","departureDateTimeRange":{"date":"2026-01-01"}},{"id":"2","originLocationCode":"CDG","destinationLocationCode":"LHR","departureDateTimeRange":{"date":"2026-01-09"}}],"travelers":[{"id":"1","travelerType":"ADULT"}]}',
  ],
  [
    'POST',
    '/v2/shopping/flight-offers',
    '{"originDestinations":[{"id":"1","originLocationCode":"LHR","destinationLocationCode":"JFK","departureDateTimeRange":{"date":"2026-01-01"}}],"travelers":[{"id":"1","travelerType":"CHILD"}]}',
  ],
  ['POST', '/v1/shopping/flight-offers/pricing', ''],
  ['POST', '/v1/shopping/flight-offers/pricing', '{"data":{"flightOffers":[]}}'],
  ['POST', '/v1/shopping/flight-offers/pricing', JSON.stringify({ data: { flightOffers: [offer] } })],
  [
    'POST',
    '/v1/shopping/flight-offers/pricing',
    JSON.stringify({ data: { flightOffers: [{ ...offer, id: 'x'.repeat(5000) }] } }),
  ],
  [
    'POST',
    '/v1/shopping/flight-offers/pricing',
    '{"__proto__":{"x":1},"data":{"flightOffers":[{"id":"a"}]}}',
  ],
  ['POST', '/v1/booking/flight-orders', JSON.stringify({ data: { flightOffers: [offer], travelers: [] } })],
  [
    'POST',
    '/v1/booking/flight-orders',
    JSON.stringify({ flightOffers: [offer], travelers: [{ id: '1', dateOfBirth: 'x', name: {} }] }),
  ],
  ['GET', '/v1/booking/flight-orders/does-not-exist'],
  ['DELETE', '/v1/booking/flight-orders/does-not-exist'],
  ['GET', `/v1/booking/flight-orders/${'x'.repeat(300)}`],
  ['GET', '/v1/reference-data/locations?keyword=&subType=CITY'],
  ['GET', '/v1/reference-data/locations?keyword=LON&subType=PLANET'],
  ['GET', '/v1/reference-data/locations?keyword=LON&subType=CITY&page[offset]=-1'],
  ['GET', '/v1/reference-data/locations/%E0%A4%A'],
  ['GET', '/v1/reference-data/locations/hotels/by-city?cityCode=ZZZ'],
  ['GET', '/v1/reference-data/locations/hotels/by-city?cityCode=LON&ratings=9'],
  ['GET', '/v3/shopping/hotel-offers?hotelIds='],
  ['GET', `/v3/shopping/hotel-offers?hotelIds=${Array.from({ length: 21 }, (_, i) => `H${i}`).join(',')}`],
  ['GET', '/v3/shopping/hotel-offers?hotelIds=A&checkInDate=2026-01-05&checkOutDate=2026-01-01'],
  ['GET', '/v3/shopping/hotel-offers?hotelIds=A&priceRange=abc'],
  ['GET', '/v3/shopping/hotel-offers/forged.offer'],
  ['POST', '/v2/booking/hotel-orders', '{"data":{"guests":[]}}'],
  [
    'POST',
    '/v2/booking/hotel-orders',
    '{"data":{"guests":[{"tid":1,"firstName":"A","lastName":"B"}],"roomAssociations":[{"guestReferences":[{"guestReference":"2"}],"hotelOfferId":"x"}]}}',
  ],
  [
    'POST',
    '/v2/booking/hotel-orders',
    '{"data":{"guests":[{"tid":1,"firstName":"A","lastName":"B","email":"a@b.co","phone":"+33679278416"}],"roomAssociations":[{"guestReferences":[{"guestReference":"1"}],"hotelOfferId":"forged.offer"}]}}',
  ],
  ['PUT', '/v2/booking/hotel-orders', '{}'],
  ['GET', '/v1/shopping/seatmaps'],
];

describe('bad input to the Amadeus-compatible routes', () => {
  it.each(cases)('%s %s answers an Amadeus 4xx', async (method, path, body) => {
    const response = await fetch(`${tp.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.amadeus+json' },
      ...(body === undefined ? {} : { body }),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toBe('application/vnd.amadeus+json');
    const parsed = (await response.json()) as {
      errors: { status: number; code: number; title: string; detail: string }[];
    };
    expect(parsed.errors.length).toBeGreaterThan(0);
    for (const error of parsed.errors) {
      expect(error.status).toBe(response.status);
      expect(Number.isInteger(error.code)).toBe(true);
      expect(error.title).toBeTruthy();
      expect(error.detail).toBeTruthy();
    }
  });

  it('refuses the token request without client_credentials, or with a wrong client id, as OAuth errors', async () => {
    const post = (form: Record<string, string>) =>
      fetch(`${tp.baseUrl}/v1/security/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      });
    const grant = await post({ grant_type: 'password', client_id: 'a', client_secret: 'b' });
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type', code: 38187 });
    const issued = await tp.platform.gateway.options.keys.issue({ name: 'other' });
    const wrongId = await post({
      grant_type: 'client_credentials',
      client_id: '0000000000000000',
      client_secret: issued.key,
    });
    expect(wrongId.status).toBe(401);
    expect(await wrongId.json()).toMatchObject({ error: 'invalid_client' });
  });
});
