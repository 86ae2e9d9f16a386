import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/** The core's party rule (an adult on every search) reaches Amadeus clients in Amadeus's shape. */

let tp: TestPlatform;
let token: string;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 4, days: 2 });
  const issued = await tp.platform.gateway.options.keys.issue({ name: 'party app', plan: 'partner' });
  const response = await fetch(`${tp.baseUrl}/v1/security/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: issued.record.id,
      client_secret: issued.key,
    }).toString(),
  });
  token = ((await response.json()) as { access_token: string }).access_token;
});
afterAll(() => tp.close());

describe('POST /v2/shopping/flight-offers', () => {
  it('refuses travellers without an adult with a 400 pointing at /travelers', async () => {
    const response = await fetch(`${tp.baseUrl}/v2/shopping/flight-offers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/vnd.amadeus+json' },
      body: JSON.stringify({
        originDestinations: [
          {
            id: '1',
            originLocationCode: 'LHR',
            destinationLocationCode: 'JFK',
            departureDateTimeRange: { date: '2099-01-01' },
          },
        ],
        travelers: [{ id: '1', travelerType: 'CHILD' }],
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as {
      errors: { status: number; detail: string; source?: { pointer?: string } }[];
    };
    expect(body.errors[0]).toMatchObject({
      status: 400,
      detail: 'at least one adult traveller is required',
      source: { pointer: '/travelers' },
    });
  });
});
