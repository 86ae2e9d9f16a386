import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

let tp: TestPlatform;
beforeAll(async () => {
  tp = await startTestPlatform({ airports: 40, days: 6 });
});
afterAll(() => tp.close());

interface Segment {
  carrierCode: string;
  carrierName: string;
  flightNumber: string;
  departure: { iataCode: string; at: string; atUtc: string };
  arrival: { iataCode: string; at: string; atUtc: string };
  duration: string;
}
interface Offer {
  id: string;
  itineraries: { direction: string; stops: number; duration: string; segments: Segment[] }[];
  price: { total: string; base: string; taxes: string; currency: string };
}
interface Page<T> {
  data: T[];
  meta: {
    count: number;
    total: number;
    nextCursor: string | null;
    searchId: string;
    cachedAt: string;
    expiresAt: string;
  };
}

const get = async <T>(path: string): Promise<{ status: number; headers: Headers; body: T }> => {
  const response = await tp.fetch(`${path}`);
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
};

describe('GET /v1/flights/search', () => {
  it('when searching LHR to JFK, returns believable offers: real carriers, local times with offsets, ISO durations, decimal prices', async () => {
    const { status, headers, body } = await get<Page<Offer>>(
      `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(2)}&adults=1`,
    );
    expect(status).toBe(200);
    expect(headers.get('x-cache')).toBe('MISS');
    expect(headers.get('x-request-id')).toBeTruthy();
    expect(body.data.length).toBeGreaterThan(0);
    const direct = body.data.find((o) => o.itineraries[0]!.stops === 0)!;
    const segment = direct.itineraries[0]!.segments[0]!;
    expect(segment.carrierName).not.toBe(segment.carrierCode);
    expect(segment.flightNumber).toMatch(/^[A-Z0-9]{2}\d{1,4}$/);
    expect(segment.departure.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00[+-]\d{2}:\d{2}$/);
    expect(segment.arrival.at).toMatch(/-0[45]:00$/);
    expect(segment.duration).toMatch(/^PT\d+H(\d+M)?$/);
    expect(direct.price.total).toMatch(/^\d+\.\d{2}$/);
    expect(Number(direct.price.base) + Number(direct.price.taxes)).toBeCloseTo(Number(direct.price.total), 2);
    expect(body.meta.searchId).toBeTruthy();
    expect(Date.parse(body.meta.expiresAt)).toBeGreaterThan(Date.parse(body.meta.cachedAt));
  });

  it('when the same search repeats with other parameter order and case, it is served from the cache', async () => {
    const first = await get<Page<Offer>>(
      `/v1/flights/search?origin=CDG&destination=FRA&departureDate=${tp.date(3)}`,
    );
    const again = await get<Page<Offer>>(
      `/v1/flights/search?departureDate=${tp.date(3)}&destination=fra&origin=cdg&adults=1&cabin=economy`,
    );
    expect(again.headers.get('x-cache')).toBe('HIT');
    expect(again.body.meta.searchId).toBe(first.body.meta.searchId);
  });

  it('when 100 identical searches arrive at once, the origin search runs exactly once', async () => {
    const origin = vi.spyOn(tp.platform.services.flights, 'search');
    const path = `/v1/flights/search?origin=FRA&destination=LHR&departureDate=${tp.date(4)}`;
    const responses = await Promise.all(Array.from({ length: 100 }, () => tp.fetch(path)));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(origin).toHaveBeenCalledTimes(1);
    const outcomes = responses.map((r) => r.headers.get('x-cache'));
    expect(outcomes.filter((o) => o === 'MISS')).toHaveLength(1);
    origin.mockRestore();
  });

  it('when If-None-Match carries the ETag, answers 304', async () => {
    const path = `/v1/flights/search?origin=LHR&destination=CDG&departureDate=${tp.date(2)}`;
    const first = await tp.fetch(`${path}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toBeTruthy();
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const second = await tp.fetch(`${path}`, { headers: { 'if-none-match': etag } });
    expect(second.status).toBe(304);
  });

  it('when a return date is given, each offer has an outbound and a return leaving after the outbound lands', async () => {
    const { body } = await get<Page<Offer>>(
      `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(1)}&returnDate=${tp.date(4)}`,
    );
    expect(body.data.length).toBeGreaterThan(0);
    for (const offer of body.data) {
      expect(offer.itineraries.map((i) => i.direction)).toEqual(['outbound', 'return']);
      const out = offer.itineraries[0]!;
      const back = offer.itineraries[1]!;
      expect(back.segments[0]!.departure.iataCode).toBe(out.segments.at(-1)!.arrival.iataCode);
      expect(Date.parse(back.segments[0]!.departure.atUtc)).toBeGreaterThan(
        Date.parse(out.segments.at(-1)!.arrival.atUtc),
      );
    }
  });

  it('when origin is a city code, searches all of its airports', async () => {
    const { status, body } = await get<Page<Offer>>(
      `/v1/flights/search?origin=LON&destination=FRA&departureDate=${tp.date(2)}&maxStops=0`,
    );
    expect(status).toBe(200);
    const origins = new Set(body.data.map((o) => o.itineraries[0]!.segments[0]!.departure.iataCode));
    expect(origins.size).toBeGreaterThan(0);
    for (const origin of origins) expect(['LHR', 'LGW', 'STN', 'LTN', 'LCY', 'SEN']).toContain(origin);
  });

  it('when a currency is asked, prices are converted into it', async () => {
    const usd = await get<Page<Offer>>(
      `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(2)}`,
    );
    const eur = await get<Page<Offer>>(
      `/v1/flights/search?origin=LHR&destination=JFK&departureDate=${tp.date(2)}&currency=eur`,
    );
    expect(eur.body.data[0]!.price.currency).toBe('EUR');
    expect(Number(eur.body.data[0]!.price.total)).toBeCloseTo(
      Number(usd.body.data[0]!.price.total) * 0.92,
      -1,
    );
  });
});

interface HotelOffer {
  hotel: { id: string; stars: number; cityCode: string; distanceKm: number };
  room: { type: string };
  nights: number;
  price: { total: string; currency: string };
  nightlyPrice: { total: string };
  roomsLeft: number;
}

describe('GET /v1/hotels/search', () => {
  it('when searching a city, returns priced room offers for every night, sorted by price', async () => {
    const { status, body } = await get<Page<HotelOffer>>(
      `/v1/hotels/search?cityCode=LON&checkIn=${tp.date(1)}&checkOut=${tp.date(4)}&adults=2&limit=50`,
    );
    expect(status).toBe(200);
    expect(body.data.length).toBeGreaterThan(0);
    const totals = body.data.map((o) => Number(o.price.total));
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    for (const offer of body.data) {
      expect(offer.hotel.cityCode).toBe('LON');
      expect(offer.nights).toBe(3);
      expect(offer.roomsLeft).toBeGreaterThan(0);
    }
  });

  it('when filtering by stars and sorting by distance around a point, obeys both', async () => {
    const lhr = tp.platform.airports.byIata('LHR')!;
    const { body } = await get<Page<HotelOffer>>(
      `/v1/hotels/search?lat=${lhr.latitude}&lon=${lhr.longitude}&radiusKm=20&checkIn=${tp.date(1)}&checkOut=${tp.date(2)}&minStars=4&sort=distance&limit=50`,
    );
    expect(body.data.length).toBeGreaterThan(0);
    for (const offer of body.data) {
      expect(offer.hotel.stars).toBeGreaterThanOrEqual(4);
      expect(offer.hotel.distanceKm).toBeLessThanOrEqual(20);
    }
    const distances = body.data.map((o) => o.hotel.distanceKm);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
  });
});

describe('GET /v1/locations', () => {
  it('puts the exact IATA code first', async () => {
    const { body } = await get<Page<{ iataCode: string; type: string }>>('/v1/locations?q=jfk');
    expect(body.data[0]!.iataCode).toBe('JFK');
  });

  it('matches city names without accents and offers the city with its airports', async () => {
    const { body } = await get<Page<{ iataCode: string; type: string; airports?: string[] }>>(
      '/v1/locations?q=sao%20paulo&limit=5',
    );
    const city = body.data.find((l) => l.type === 'city');
    expect(city?.iataCode).toBe('SAO');
    expect(city?.airports).toContain('GRU');
    const zurich = await get<Page<{ iataCode: string }>>('/v1/locations?q=Z%C3%BCrich');
    expect(zurich.body.data[0]!.iataCode).toBe('ZRH');
  });

  it('ranks bigger airports before smaller ones for a name prefix', async () => {
    const { body } = await get<Page<{ iataCode: string }>>('/v1/locations?q=london&limit=3');
    expect(body.data.map((l) => l.iataCode)).toContain('LHR');
  });
});

describe('health', () => {
  it('reports liveness and readiness of the store and cache', async () => {
    expect((await get<{ status: string }>('/health/live')).body.status).toBe('ok');
    const ready = await get<{ status: string; checks: Record<string, string> }>('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks.store).toBe('ok');
  });
});
