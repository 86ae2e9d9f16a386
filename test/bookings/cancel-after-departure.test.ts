import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/ports/clock.js';
import { BookingClient, bookingBody, firstFlightOffer, passengersFor } from '../helpers/bookings.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/** A clock the test moves past the departure. */
class TestClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

const clock = new TestClock();
let tp: TestPlatform;
let alice: BookingClient;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 20, days: 4, clock });
  alice = new BookingClient(
    tp.baseUrl,
    tp.apiKey,
    await tp.platform.gateway.options.issuer!.mint('alice', 7 * 86_400),
  );
});
afterAll(() => tp.close());

describe('POST /v1/bookings/{id}/cancel after the trip started', () => {
  it('answers 409 booking-not-cancellable and keeps the booking and its seats', async () => {
    const offer = await firstFlightOffer(
      tp.baseUrl,
      tp.apiKey,
      `origin=LHR&destination=JFK&departureDate=${tp.date(1)}&maxStops=0`,
    );
    const departure = offer.itineraries[0]!.segments[0]!.departure;
    const created = await alice.book(
      bookingBody(offer.id, passengersFor({ adults: 1 }, departure.at.slice(0, 10))),
      'cancel-after-departure',
    );
    expect(created.status).toBe(201);
    const { data } = (await created.json()) as { data: { id: string } };

    clock.offsetMs = Date.parse(departure.atUtc) - Date.now() + 60_000;
    try {
      const refused = await alice.cancel(data.id);
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await refused.json()) as { type: string }).type).toBe(
        'https://travel-platform.dev/problems/booking-not-cancellable',
      );
      const kept = (await (await alice.get(data.id)).json()) as { data: { status: string } };
      expect(kept.data.status).toBe('confirmed');
    } finally {
      clock.offsetMs = 0;
    }
  });
});
