import type { TestPlatform } from '../helpers/test-platform.js';
import { BookingClient, bookingBody, firstFlightOffer, passengersFor } from './bookings.js';

const ROUTES = [
  ['LHR', 'JFK'],
  ['CDG', 'FRA'],
  ['FRA', 'LHR'],
  ['JFK', 'LHR'],
];

/**
 * A little of everything analytics counts: searches on a few routes (each repeated, so misses then
 * hits), a bad request, a price confirmation and one booking. Resolves once it is all in the store.
 */
export async function generateTraffic(tp: TestPlatform): Promise<void> {
  for (const [index, [origin, destination]] of ROUTES.entries())
    for (let repeat = 0; repeat < 4 - index; repeat++)
      await tp.fetch(
        `/v1/flights/search?origin=${origin}&destination=${destination}&departureDate=${tp.date(2)}`,
      );
  await tp.fetch('/v1/flights/search?origin=LHR');
  const offer = await firstFlightOffer(
    tp.baseUrl,
    tp.apiKey,
    `origin=LHR&destination=JFK&departureDate=${tp.date(3)}&maxStops=0`,
  );
  await tp.fetch(`/v1/offers/${encodeURIComponent(offer.id)}`);
  const token = await tp.platform.gateway.options.issuer!.mint('analytics-traffic');
  const client = new BookingClient(tp.baseUrl, tp.apiKey, token);
  const date = offer.itineraries[0]!.segments[0]!.departure.at.slice(0, 10);
  await client.book(bookingBody(offer.id, passengersFor({ adults: 1 }, date)), `analytics-${Date.now()}`);
  // Search events go over the bus and the booking through the outbox relay: flush, let the
  // analytics consumer count them, flush again.
  const collector = tp.platform.analytics!.collector;
  await collector.flush();
  await new Promise((resolve) => setTimeout(resolve, 600));
  await collector.flush();
}
