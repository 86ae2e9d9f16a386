import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/ports/clock.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/** A clock the test moves forward to expire offers without waiting. */
class TestClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
}

const clock = new TestClock();
let tp: TestPlatform;
beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 5, clock });
});
afterAll(() => tp.close());

interface Offer {
  id: string;
  itineraries: { segments: { id: string }[] }[];
  price: { total: string; currency: string };
}

async function firstFlightOffer(query = ''): Promise<Offer> {
  const response = await tp.fetch(
    `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(2)}&maxStops=0${query}`,
  );
  const body = (await response.json()) as { data: Offer[] };
  expect(body.data.length).toBeGreaterThan(0);
  return body.data[0]!;
}

const confirm = async (id: string) => {
  const response = await tp.fetch(`/v1/offers/${encodeURIComponent(id)}`);
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, never>,
  };
};

async function changeFlight(flightId: string, change: { fare?: number; seatsLeft?: number }): Promise<void> {
  const [flight] = await tp.platform.store.getFlights([flightId]);
  await tp.platform.store.putFlights([
    {
      ...flight!,
      cabins: flight!.cabins.map((c) =>
        c.cabin === 'economy'
          ? { ...c, fare: change.fare ?? c.fare, seatsLeft: change.seatsLeft ?? c.seatsLeft }
          : c,
      ),
    },
  ]);
}

describe('GET /v1/offers/{offerId}', () => {
  it('when nothing changed, confirms the offer at the same price, never cached', async () => {
    const offer = await firstFlightOffer();
    const response = await tp.fetch(`/v1/offers/${offer.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { data: Offer };
    expect(body.data.price).toEqual(offer.price);
  });

  it('when the fare changed since the search, answers 409 price-changed with the previous and the new price', async () => {
    const offer = await firstFlightOffer('&adults=2');
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    const [flight] = await tp.platform.store.getFlights([flightId]);
    const economy = flight!.cabins.find((c) => c.cabin === 'economy')!;
    await changeFlight(flightId, { fare: economy.fare + 5000 });
    const { status, type, body } = await confirm(offer.id);
    expect(status).toBe(409);
    expect(type).toMatch(/^application\/problem\+json/);
    expect(body.type).toBe('https://travel-platform.dev/problems/price-changed');
    expect(body.previousPrice).toEqual({ total: offer.price.total, currency: 'USD' });
    expect(Number((body.price as unknown as { total: string }).total)).toBeCloseTo(
      Number(offer.price.total) + 100,
      2,
    );
    await changeFlight(flightId, { fare: economy.fare });
  });

  it('when the seats sold out since the search, answers 409 sold-out', async () => {
    const offer = await firstFlightOffer('&adults=3');
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    const [flight] = await tp.platform.store.getFlights([flightId]);
    const before = flight!.cabins.find((c) => c.cabin === 'economy')!.seatsLeft;
    await changeFlight(flightId, { seatsLeft: 2 });
    const { status, body } = await confirm(offer.id);
    expect(status).toBe(409);
    expect(body.type).toBe('https://travel-platform.dev/problems/sold-out');
    await changeFlight(flightId, { seatsLeft: before });
  });

  it('when the offer is past its expiry, answers 410 offer-expired', async () => {
    const offer = await firstFlightOffer('&cabin=business');
    clock.offsetMs = 3 * 3600_000;
    try {
      const { status, body } = await confirm(offer.id);
      expect(status).toBe(410);
      expect(body.type).toBe('https://travel-platform.dev/problems/offer-expired');
    } finally {
      clock.offsetMs = 0;
    }
  });

  it('when the id is forged, answers 404 offer-not-found', async () => {
    const offer = await firstFlightOffer();
    const [payload, mac] = offer.id.split('.');
    const tampered = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as { total: number };
    tampered.total = 1;
    const forged = `${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${mac}`;
    const { status, body } = await confirm(forged);
    expect(status).toBe(404);
    expect(body.type).toBe('https://travel-platform.dev/problems/offer-not-found');
  });

  it('confirms a hotel offer against live room availability', async () => {
    const search = await tp.fetch(
      `/v1/hotels/search?cityCode=LON&checkIn=${tp.date(1)}&checkOut=${tp.date(3)}`,
    );
    const offer = ((await search.json()) as { data: { id: string; price: { total: string } }[] }).data[0]!;
    const { status, body } = await confirm(offer.id);
    expect(status).toBe(200);
    expect((body.data as unknown as { price: { total: string } }).price.total).toBe(offer.price.total);
  });
});
