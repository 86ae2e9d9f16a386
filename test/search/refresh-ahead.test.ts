import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { waitFor } from '../helpers/redis-server.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Popular searches stay warm: after an inventory change invalidates one, it is recomputed in the
 * background, so the next request is a hit showing the change; and one close to expiry is
 * refreshed ahead of it, so a request after the old entry's expiry is still a hit.
 */

type Answer = { data: { itineraries: { segments: { id: string }[] }[] }[] };
let tp: TestPlatform;

async function searchWithOffers(day: number): Promise<{ path: string; segment: string }> {
  for (const route of await tp.platform.store.listRoutes()) {
    const path = `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${tp.date(day)}&maxStops=0`;
    const answer = (await (await tp.fetch(path)).json()) as Answer;
    const segment = answer.data[0]?.itineraries[0]?.segments[0]?.id;
    if (segment !== undefined) return { path, segment };
  }
  throw new Error('no route with offers');
}

const segmentsOf = (answer: Answer) =>
  answer.data.flatMap((offer) => offer.itineraries.flatMap((it) => it.segments.map((s) => s.id)));

beforeAll(async () => {
  tp = await startTestPlatform({
    airports: 25,
    days: 4,
    env: { CACHE_WARM_MIN_REQUESTS: '3', CACHE_TTL_FLIGHT_SEARCH_SECONDS: '5' },
  });
});

afterAll(async () => {
  vi.restoreAllMocks();
  await tp?.close();
});

describe('keeping popular searches warm', () => {
  it('recomputes a popular search invalidated by an inventory change, so the next request is a fresh hit', async () => {
    const { path, segment } = await searchWithOffers(1);
    const origin = vi.spyOn(tp.platform.services.flights, 'search');
    await tp.fetch(path);
    await tp.fetch(path);
    expect(origin).not.toHaveBeenCalled();

    await tp.platform.services.inventoryAdmin.changeAvailability(
      [{ flightId: segment, cabin: 'economy', seatsLeft: 0 }],
      [],
    );
    await waitFor(async () => origin.mock.calls.length === 1, 10_000, 'the background recomputation');
    await tp.platform.services.searchResults.settled();

    const next = await tp.fetch(path);
    expect(next.headers.get('x-cache')).toBe('HIT');
    expect(segmentsOf((await next.json()) as Answer)).not.toContain(segment);
    expect(origin).toHaveBeenCalledTimes(1);
    origin.mockRestore();
  });

  it('refreshes a popular search before it expires, so a request after the old expiry is still a hit', async () => {
    const { path } = await searchWithOffers(2);
    await tp.fetch(path);
    await tp.fetch(path);
    const origin = vi.spyOn(tp.platform.services.flights, 'search');
    // Within the last fifth of its 5 s freshness, a hit triggers the refresh.
    await new Promise((resolve) => setTimeout(resolve, 4_200));
    expect((await tp.fetch(path)).headers.get('x-cache')).toBe('HIT');
    await waitFor(async () => origin.mock.calls.length === 1, 10_000, 'the refresh ahead of expiry');
    await tp.platform.services.searchResults.settled();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await tp.fetch(path)).headers.get('x-cache')).toBe('HIT');
    expect(origin).toHaveBeenCalledTimes(1);
    origin.mockRestore();
  });
});
