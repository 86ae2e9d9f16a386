import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { StoreUnavailableError } from '../../src/ports/store.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

let tp: TestPlatform;
beforeAll(async () => {
  tp = await startTestPlatform({
    airports: 20,
    days: 4,
    env: { CACHE_TTL_FLIGHT_SEARCH_SECONDS: '1', CACHE_GRACE_SECONDS: '600' },
  });
});
afterAll(() => tp.close());

describe('serving stale results when the origin fails', () => {
  it('when the search fails after the entry expired, the last result is served as STALE', async () => {
    const path = `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${tp.date(2)}`;
    const fresh = await tp.fetch(path);
    expect(fresh.headers.get('x-cache')).toBe('MISS');
    const freshBody = (await fresh.json()) as { meta: { searchId: string } };

    await new Promise((resolve) => setTimeout(resolve, 1500));
    const failing = vi
      .spyOn(tp.platform.services.flights, 'search')
      .mockRejectedValue(new StoreUnavailableError('store down for the test'));
    const stale = await tp.fetch(path);
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-cache')).toBe('STALE');
    expect(((await stale.json()) as { meta: { searchId: string } }).meta.searchId).toBe(
      freshBody.meta.searchId,
    );
    failing.mockRestore();
  });

  it('when the search fails and nothing was cached, answers 503 problem+json', async () => {
    const failing = vi
      .spyOn(tp.platform.services.flights, 'search')
      .mockRejectedValue(new StoreUnavailableError('store down for the test'));
    const response = await tp.fetch(
      `/v1/flights/search?origin=CDG&destination=FRA&departureDate=${tp.date(3)}`,
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    failing.mockRestore();
  });
});
