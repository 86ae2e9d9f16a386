import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/ports/events.js';
import {
  BookingClient,
  bookingBody,
  contact,
  type FlightOfferLike,
  firstFlightOffer,
  passengersFor,
} from '../helpers/bookings.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

const PROBLEMS = 'https://travel-platform.dev/problems/';

let tp: TestPlatform;
let alice: BookingClient;
let bob: BookingClient;
let aliceOtherApp: BookingClient;
const events: CloudEvent[] = [];
let keySeq = 0;
const newKey = (): string => `test-key-${Date.now()}-${keySeq++}`;

interface BookingBodyView {
  data: {
    id: string;
    reference: string;
    status: string;
    type: string;
    offer: { id: string };
    price: { total: string; currency: string };
    passengers: unknown[];
    cancelledAt: string | null;
  };
}

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 6 });
  const issuer = tp.platform.gateway.options.issuer!;
  const { key: otherKey } = await tp.platform.gateway.options.keys.issue({
    name: 'other app',
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
  });
  alice = new BookingClient(tp.baseUrl, tp.apiKey, await issuer.mint('alice'));
  bob = new BookingClient(tp.baseUrl, tp.apiKey, await issuer.mint('bob'));
  aliceOtherApp = new BookingClient(tp.baseUrl, otherKey, await issuer.mint('alice'));
  await tp.platform.events.bus.subscribe('test-observer', async (event) => {
    events.push(event);
  });
});
afterAll(() => tp.close());

async function offer(query = '', day = 2): Promise<FlightOfferLike> {
  return firstFlightOffer(
    tp.baseUrl,
    tp.apiKey,
    `origin=LHR&destination=JFK&departureDate=${tp.date(day)}&maxStops=0${query}`,
  );
}

async function seatsLeft(flightId: string, cabin = 'economy'): Promise<number> {
  const [flight] = await tp.platform.store.getFlights([flightId]);
  return flight!.cabins.find((c) => c.cabin === cabin)!.seatsLeft;
}

const travelDate = (o: FlightOfferLike): string => o.itineraries[0]!.segments[0]!.departure.at.slice(0, 10);
const flightOf = (o: FlightOfferLike): string => o.itineraries[0]!.segments[0]!.id;

describe('POST /v1/bookings', () => {
  it('books a confirmed offer: 201 with reference, itinerary, price and passengers; takes the seats; emits events', async () => {
    const o = await offer('&adults=2&children=1&infants=1');
    const before = await seatsLeft(flightOf(o));
    const response = await alice.book(
      bookingBody(o.id, passengersFor({ adults: 2, children: 1, infants: 1 }, travelDate(o))),
      newKey(),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    const { data } = (await response.json()) as BookingBodyView;
    expect(response.headers.get('location')).toBe(`/v1/bookings/${data.id}`);
    expect(data.reference).toMatch(/^[A-Z2-9]{6}$/);
    expect(data.status).toBe('confirmed');
    expect(data.type).toBe('flight');
    expect(data.price).toEqual(o.price);
    expect(data.passengers).toHaveLength(4);
    // Infants sit on a lap: three seats.
    expect(await seatsLeft(flightOf(o))).toBe(before - 3);
    await waitFor('the booking events', () =>
      events.some(
        (e) => e.type === 'booking.created' && (e.data as { bookingId: string }).bookingId === data.id,
      ),
    );
    const availability = events.find(
      (e) => e.type === 'availability.changed' && (e.data as { bookingId?: string }).bookingId === data.id,
    );
    const segment = o.itineraries[0]!.segments[0]!;
    expect(availability?.data).toMatchObject({
      reason: 'booking',
      flights: [{ flightId: segment.id, origin: 'LHR', departureDate: segment.departure.atUtc.slice(0, 10) }],
    });
  });

  it('with the same key and body, returns the same booking again, marked as replayed, taking no more seats', async () => {
    const o = await offer();
    const key = newKey();
    const body = bookingBody(o.id, passengersFor({ adults: 1 }, travelDate(o)));
    const first = (await (await alice.book(body, key)).json()) as BookingBodyView;
    const after = await seatsLeft(flightOf(o));
    // Same body with keys in another order: the canonical fingerprint matches.
    const reordered = { contact: body.contact, passengers: body.passengers, offerId: body.offerId };
    const again = await alice.book(reordered, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as BookingBodyView).data).toEqual(first.data);
    expect(await seatsLeft(flightOf(o))).toBe(after);
  });

  it('with the same key and another body (or another user), answers 422 idempotency-key-reused', async () => {
    const o = await offer();
    const key = newKey();
    const passengers = passengersFor({ adults: 1 }, travelDate(o));
    expect((await alice.book(bookingBody(o.id, passengers), key)).status).toBe(201);
    const renamed = [{ ...passengers[0]!, givenName: 'Grace' }];
    const other = await alice.book(bookingBody(o.id, renamed), key);
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await other.json()) as { type: string }).type).toBe(`${PROBLEMS}idempotency-key-reused`);
    const otherUser = await bob.book(bookingBody(o.id, passengers), key);
    expect(otherUser.status).toBe(422);
  });

  it('scopes keys to the API key: another app using the same key books on its own', async () => {
    const o = await offer();
    const key = newKey();
    const body = bookingBody(o.id, passengersFor({ adults: 1 }, travelDate(o)));
    const a = (await (await alice.book(body, key)).json()) as BookingBodyView;
    const response = await aliceOtherApp.book(body, key);
    expect(response.status).toBe(201);
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect(((await response.json()) as BookingBodyView).data.id).not.toBe(a.data.id);
  });

  it('with the same key in flight many times at once, books once; the others replay it or answer 409 in-use', async () => {
    const o = await offer('&adults=2');
    const before = await seatsLeft(flightOf(o));
    const key = newKey();
    const body = bookingBody(o.id, passengersFor({ adults: 2 }, travelDate(o)));
    const responses = await Promise.all(Array.from({ length: 20 }, () => alice.book(body, key)));
    const ids = new Set<string>();
    let created = 0;
    for (const response of responses) {
      if (response.status === 201) {
        ids.add(((await response.json()) as BookingBodyView).data.id);
        if (response.headers.get('idempotent-replayed') === null) created++;
      } else {
        expect(response.status).toBe(409);
        expect(response.headers.get('retry-after')).toBe('1');
        expect(((await response.json()) as { type: string }).type).toBe(`${PROBLEMS}idempotency-key-in-use`);
      }
    }
    expect(created).toBe(1);
    expect(ids.size).toBe(1);
    expect(await seatsLeft(flightOf(o))).toBe(before - 2);
    // Once it finished, a retry replays it.
    const retry = await alice.book(body, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 400 naming the field for bad input, without using up the key', async () => {
    const o = await offer('&adults=1&infants=1');
    const key = newKey();
    const date = travelDate(o);
    const cases: [unknown, string][] = [
      [bookingBody(o.id, passengersFor({ adults: 1 }, date)), 'body.passengers'],
      [
        bookingBody(o.id, [
          ...passengersFor({ adults: 1 }, date),
          { type: 'infant', givenName: 'Old', familyName: 'Baby', dateOfBirth: '2015-01-01' },
        ]),
        'body.passengers.1.dateOfBirth',
      ],
      [
        {
          ...bookingBody(o.id, passengersFor({ adults: 1, infants: 1 }, date)),
          contact: { ...contact, email: 'nope' },
        },
        'body.contact.email',
      ],
      [{ ...bookingBody(o.id, passengersFor({ adults: 1, infants: 1 }, date)), extra: 1 }, 'body.extra'],
      [{ passengers: [], contact }, 'body.offerId'],
    ];
    for (const [body, field] of cases) {
      const response = await alice.book(body, key);
      expect(response.status, field).toBe(400);
      const problem = (await response.json()) as { errors: { field: string }[] };
      expect(problem.errors.map((e) => e.field)).toContain(field);
    }
    const missingKey = await fetch(`${tp.baseUrl}/v1/bookings`, {
      method: 'POST',
      headers: {
        'x-api-key': tp.apiKey,
        authorization: `Bearer ${alice.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(bookingBody(o.id, passengersFor({ adults: 1, infants: 1 }, date))),
    });
    expect(missingKey.status).toBe(400);
    expect(((await missingKey.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe(
      'header.idempotency-key',
    );
    const ok = await alice.book(bookingBody(o.id, passengersFor({ adults: 1, infants: 1 }, date)), key);
    expect(ok.status).toBe(201);
  });

  it('answers 401 without a bearer token, before looking at the body', async () => {
    const response = await fetch(`${tp.baseUrl}/v1/bookings`, {
      method: 'POST',
      headers: { 'x-api-key': tp.apiKey, 'content-type': 'application/json', 'idempotency-key': newKey() },
      body: '{}',
    });
    expect(response.status).toBe(401);
  });

  it('re-prices first: 409 price-changed with the new price, 409 sold-out, 404 for a forged offer', async () => {
    const o = await offer('&cabin=business', 3);
    const flightId = flightOf(o);
    const admin = {
      'x-api-key': 'test-admin-key-that-is-long-enough-0000',
      'content-type': 'application/json',
    };
    const [flight] = await tp.platform.store.getFlights([flightId]);
    const business = flight!.cabins.find((c) => c.cabin === 'business')!;
    const fare = ((business.fare + 10_000) / 100).toFixed(2);
    const update = await fetch(`${tp.baseUrl}/v1/admin/fares`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ flights: [{ flightId, cabin: 'business', fare }] }),
    });
    expect(update.status).toBe(200);
    const body = bookingBody(o.id, passengersFor({ adults: 1 }, travelDate(o)));
    const changed = await alice.book(body, newKey());
    expect(changed.status).toBe(409);
    const problem = (await changed.json()) as {
      type: string;
      price: { total: string };
      previousPrice: { total: string };
    };
    expect(problem.type).toBe(`${PROBLEMS}price-changed`);
    expect(problem.previousPrice.total).toBe(o.price.total);
    expect(Number(problem.price.total)).toBeCloseTo(Number(o.price.total) + 100, 2);

    // Several carriers fly LHR–JFK: search the same carrier again so the fresh offer is on the same flight.
    const fresh = await offer(`&cabin=business&carriers=${flight!.carrier}`, 3);
    expect(flightOf(fresh)).toBe(flightId);
    await tp.platform.store.putFlights([
      {
        ...flight!,
        cabins: flight!.cabins.map((c) =>
          c.cabin === 'business' ? { ...c, fare: business.fare + 10_000, seatsLeft: 0 } : c,
        ),
      },
    ]);
    const soldOut = await alice.book(bookingBody(fresh.id, body.passengers), newKey());
    expect(soldOut.status).toBe(409);
    expect(((await soldOut.json()) as { type: string }).type).toBe(`${PROBLEMS}sold-out`);

    const forged = await alice.book(bookingBody(`x${o.id}`, body.passengers), newKey());
    expect(forged.status).toBe(404);
  });

  it('books a hotel offer, taking a room for every night of the stay', async () => {
    const search = await tp.fetch(
      `/v1/hotels/search?cityCode=LON&checkIn=${tp.date(1)}&checkOut=${tp.date(3)}`,
    );
    const hotelOffer = (
      (await search.json()) as {
        data: { id: string; hotel: { id: string }; room: { type: string } }[];
      }
    ).data[0]!;
    const nights = async () =>
      (await tp.platform.store.findRoomNights([hotelOffer.hotel.id], tp.date(1), tp.date(3)))
        .filter((n) => n.roomType === hotelOffer.room.type)
        .map((n) => n.roomsLeft);
    const before = await nights();
    const response = await alice.book(
      bookingBody(hotelOffer.id, passengersFor({ adults: 1 }, tp.date(1))),
      newKey(),
    );
    expect(response.status).toBe(201);
    expect(((await response.json()) as BookingBodyView).data.type).toBe('hotel');
    expect(await nights()).toEqual(before.map((n) => n - 1));
  });
});

describe('GET /v1/bookings/{id}', () => {
  it('shows a booking to its owner only: another user or another API key gets 404', async () => {
    const o = await offer();
    const created = (await (
      await alice.book(bookingBody(o.id, passengersFor({ adults: 1 }, travelDate(o))), newKey())
    ).json()) as BookingBodyView;
    const own = await alice.get(created.data.id);
    expect(own.status).toBe(200);
    expect(((await own.json()) as BookingBodyView).data).toEqual(created.data);
    for (const stranger of [bob, aliceOtherApp]) {
      const response = await stranger.get(created.data.id);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { type: string }).type).toBe(`${PROBLEMS}booking-not-found`);
    }
    expect((await alice.get('no-such-booking')).status).toBe(404);
  });
});

describe('POST /v1/bookings/{id}/cancel', () => {
  it('cancels and restores the seats exactly once, however often and concurrently it is called', async () => {
    const o = await offer('&adults=3');
    const before = await seatsLeft(flightOf(o));
    const created = (await (
      await alice.book(bookingBody(o.id, passengersFor({ adults: 3 }, travelDate(o))), newKey())
    ).json()) as BookingBodyView;
    expect(await seatsLeft(flightOf(o))).toBe(before - 3);
    expect((await bob.cancel(created.data.id)).status).toBe(404);
    const responses = await Promise.all(Array.from({ length: 5 }, () => alice.cancel(created.data.id)));
    for (const response of responses) {
      expect(response.status).toBe(200);
      const { data } = (await response.json()) as BookingBodyView;
      expect(data.status).toBe('cancelled');
      expect(data.cancelledAt).not.toBeNull();
    }
    expect((await alice.cancel(created.data.id)).status).toBe(200);
    expect(await seatsLeft(flightOf(o))).toBe(before);
    await waitFor('the cancellation event', () =>
      events.some(
        (e) =>
          e.type === 'booking.cancelled' && (e.data as { bookingId: string }).bookingId === created.data.id,
      ),
    );
    expect(
      events.filter(
        (e) =>
          e.type === 'booking.cancelled' && (e.data as { bookingId: string }).bookingId === created.data.id,
      ),
    ).toHaveLength(1);
    expect(((await (await alice.get(created.data.id)).json()) as BookingBodyView).data.status).toBe(
      'cancelled',
    );
  });
});
