import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudEvent } from '../../src/ports/events.js';
import { type FlightOfferLike, firstFlightOffer } from '../helpers/bookings.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';
import { waitFor } from '../helpers/wait-for.js';

const ADMIN_KEY = 'test-admin-key-that-is-long-enough-0000';
let tp: TestPlatform;
const events: CloudEvent[] = [];

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 5 });
  await tp.platform.events.bus.subscribe('test-observer', async (event) => {
    events.push(event);
  });
});
afterAll(() => tp.close());

const post = (path: string, body: unknown, key = ADMIN_KEY) =>
  fetch(`${tp.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const search = (day: number) =>
  firstFlightOffer(
    tp.baseUrl,
    tp.apiKey,
    `origin=LHR&destination=JFK&departureDate=${tp.date(day)}&maxStops=0`,
  );

describe('POST /v1/admin/fares and /v1/admin/availability', () => {
  it('refuse client keys (403)', async () => {
    expect((await post('/v1/admin/fares', { flights: [] }, tp.apiKey)).status).toBe(403);
    expect((await post('/v1/admin/availability', { flights: [] }, tp.apiKey)).status).toBe(403);
  });

  it('a fare update is applied, announced with the route and UTC date, and the cached search shows it at once', async () => {
    const before: FlightOfferLike = await search(2);
    await search(2); // cached now
    const segment = before.itineraries[0]!.segments[0]!;
    const [flight] = await tp.platform.store.getFlights([segment.id]);
    const economy = flight!.cabins.find((c) => c.cabin === 'economy')!;
    const response = await post('/v1/admin/fares', {
      flights: [{ flightId: segment.id, cabin: 'economy', fare: ((economy.fare + 2500) / 100).toFixed(2) }],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { flights: unknown[] }; meta: { eventId: string } };
    expect(body.data.flights).toEqual([
      {
        flightId: segment.id,
        cabin: 'economy',
        origin: 'LHR',
        destination: 'JFK',
        departureDate: segment.departure.atUtc.slice(0, 10),
      },
    ]);
    const [updated] = await tp.platform.store.getFlights([segment.id]);
    expect(updated!.cabins.find((c) => c.cabin === 'economy')!.fare).toBe(economy.fare + 2500);
    await waitFor('the price.updated event', () => events.some((e) => e.id === body.meta.eventId));
    expect(events.find((e) => e.id === body.meta.eventId)?.type).toBe('price.updated');
    await waitFor('the search to show the new price', async () => {
      const after = (await tp
        .fetch(`/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(2)}&maxStops=0`)
        .then((r) => r.json())) as { data: FlightOfferLike[] };
      const same = after.data.find((o) => o.itineraries[0]!.segments[0]!.id === segment.id);
      return same !== undefined && same.price.total !== before.price.total;
    });
  });

  it('an availability update sets seats and rooms and emits availability.changed', async () => {
    const offer = await search(3);
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    const [hotel] = await tp.platform.store.findHotels({ cityCode: 'LON' });
    const roomType = hotel!.roomTypes[0]!.code;
    const response = await post('/v1/admin/availability', {
      flights: [{ flightId, cabin: 'economy', seatsLeft: 7 }],
      hotels: [{ hotelId: hotel!.id, roomType, date: tp.date(2), roomsLeft: 3 }],
    });
    expect(response.status).toBe(200);
    const { meta } = (await response.json()) as { meta: { eventId: string; count: number } };
    expect(meta.count).toBe(2);
    const [flight] = await tp.platform.store.getFlights([flightId]);
    expect(flight!.cabins.find((c) => c.cabin === 'economy')!.seatsLeft).toBe(7);
    const [night] = (await tp.platform.store.findRoomNights([hotel!.id], tp.date(2), tp.date(3))).filter(
      (n) => n.roomType === roomType,
    );
    expect(night!.roomsLeft).toBe(3);
    await waitFor('the event', () => events.some((e) => e.id === meta.eventId));
    expect(events.find((e) => e.id === meta.eventId)).toMatchObject({
      type: 'availability.changed',
      data: {
        reason: 'admin',
        hotelNights: [{ hotelId: hotel!.id, cityCode: hotel!.cityCode, date: tp.date(2) }],
      },
    });
  });

  it('rejects a batch naming unknown inventory or a bad amount, naming each field, and changes nothing', async () => {
    const offer = await search(2);
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    const [before] = await tp.platform.store.getFlights([flightId]);
    const cases: [string, unknown, string[]][] = [
      [
        '/v1/admin/fares',
        {
          flights: [
            { flightId, cabin: 'economy', fare: '1.00' },
            { flightId: 'no-such-flight', cabin: 'economy', fare: '1.00' },
          ],
        },
        ['body.flights.1.flightId'],
      ],
      ['/v1/admin/fares', { flights: [{ flightId, cabin: 'economy', fare: '-3' }] }, ['body.flights.0.fare']],
      ['/v1/admin/fares', { flights: [{ flightId, cabin: 'coach', fare: '3' }] }, ['body.flights.0.cabin']],
      [
        '/v1/admin/availability',
        { flights: [{ flightId, cabin: 'economy', seatsLeft: -1 }] },
        ['body.flights.0.seatsLeft'],
      ],
      [
        '/v1/admin/availability',
        { hotels: [{ hotelId: 'nope', roomType: 'x', date: tp.date(1), roomsLeft: 1 }] },
        ['body.hotels.0'],
      ],
      ['/v1/admin/availability', { flights: [] }, ['body']],
      ['/v1/admin/availability', {}, ['body']],
    ];
    for (const [path, body, fields] of cases) {
      const response = await post(path, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const problem = (await response.json()) as { errors: { field: string }[] };
      for (const field of fields) expect(problem.errors.map((e) => e.field)).toContain(field);
    }
    const [after] = await tp.platform.store.getFlights([flightId]);
    expect(after).toEqual(before);
  });
});
