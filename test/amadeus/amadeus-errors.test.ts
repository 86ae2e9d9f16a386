import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amadeusErrors } from '../../src/http/amadeus/errors.js';
import { problem } from '../../src/http/problems.js';
import { amadeusSdk, sdkFailure } from '../helpers/amadeus-sdk.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

describe('Amadeus errors from problems', () => {
  it('maps each class of failure to the code Amadeus used', () => {
    const first = (code: Parameters<typeof problem>[0]) => amadeusErrors(problem(code, 'x')).errors[0];
    expect(first('overloaded')).toMatchObject({ status: 503, code: 141, title: 'SYSTEM ERROR' });
    expect(first('internal-error')).toMatchObject({ status: 500, code: 141 });
    expect(first('rate-limited')).toMatchObject({ status: 429, code: 38194 });
    expect(first('quota-exceeded')).toMatchObject({ status: 429, code: 38195 });
    expect(first('invalid-token')).toMatchObject({ status: 401, code: 38190 });
    expect(first('route-not-found')).toMatchObject({ status: 404, code: 38196, title: 'Resource not found' });
    expect(first('booking-not-found')).toMatchObject({ status: 404, code: 1797, title: 'NOT FOUND' });
    expect(first('validation-failed')).toMatchObject({ status: 400, code: 4926 });
  });

  it('names query parameters and body pointers, renamed as the route spells them', () => {
    const body = problem('validation-failed', 'x', {
      errors: [
        { field: 'query.origin', message: 'unknown' },
        { field: 'body.data.travelers.1.dateOfBirth', message: 'too young' },
        { field: 'query.adults', message: 'too many' },
      ],
    });
    const { errors } = amadeusErrors(body, {
      fieldNames: { 'query.origin': 'originLocationCode' },
      schemaViolation: true,
    });
    expect(errors.map((e) => [e.code, e.source, e.detail])).toEqual([
      [477, { parameter: 'originLocationCode' }, 'unknown'],
      [477, { pointer: '/data/travelers/1/dateOfBirth' }, 'too young'],
      [477, { parameter: 'adults' }, 'too many'],
    ]);
  });
});

describe('an overloaded server, through the SDK', () => {
  let tp: TestPlatform;
  beforeAll(async () => {
    // A heap bound of one byte: once load is first sampled, every request is shed.
    tp = await startTestPlatform({ airports: 5, days: 1, env: { MAX_HEAP_USED_BYTES: '1' } });
  });
  afterAll(() => tp.close());

  it('is a ServerError whose description is Amadeus’s 141 SYSTEM ERROR, with retry-after', async () => {
    await waitFor('load shedding', async () => (await fetch(`${tp.baseUrl}/health/ready`)).status === 503);
    const issued = await tp.platform.gateway.options.keys.issue({ name: 'shed app' });
    const sdk = amadeusSdk(tp.baseUrl, issued.record.id, issued.key);
    const error = await sdkFailure(sdk.referenceData.location('ALHR').get());
    expect(error.code).toBe('ServerError');
    expect(error.response.statusCode).toBe(503);
    expect(error.response.headers['retry-after']).toBeTruthy();
    expect(error.response.headers['content-type']).toBe('application/vnd.amadeus+json');
    expect(error.description[0]).toMatchObject({ status: 503, code: 141, title: 'SYSTEM ERROR' });
  });
});
