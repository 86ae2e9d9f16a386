import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

let tp: TestPlatform;
beforeAll(async () => {
  tp = await startTestPlatform({ airports: 12, days: 3 });
});
afterAll(() => tp.close());

describe('a store that goes away while serving', () => {
  it('answers 503 problem+json with retry-after, and readiness 503 naming the store', async () => {
    const before = await fetch(`${tp.baseUrl}/health/ready`);
    expect(before.status).toBe(200);

    // The backend's connection really goes away: every port now rejects with StoreUnavailableError.
    await tp.platform.backend.close();

    const search = await tp.fetch(
      `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${tp.date(1)}`,
    );
    expect(search.status).toBe(503);
    expect(search.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(search.headers.get('retry-after'))).toBeGreaterThan(0);
    const problem = (await search.json()) as { status: number; type: string; detail: string };
    expect(problem.status).toBe(503);
    expect(problem.type).toMatch(/service-unavailable$/);
    expect(JSON.stringify(problem)).not.toMatch(/\n\s+at |sqlite/i);

    const ready = await fetch(`${tp.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { store: string } }).checks.store).toBe('down');
  });
});
