import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform } from '../../src/composition/platform.js';
import { buildApp } from '../../src/http/app.js';
import { type AmadeusSdk, amadeusSdk, type SdkJson, sdkFailure } from '../helpers/amadeus-sdk.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

let tp: TestPlatform;
let sdk: AmadeusSdk;
let clientId: string;
let clientSecret: string;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 40, days: 6 });
  const issued = await tp.platform.gateway.options.keys.issue({
    name: 'amadeus app',
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
  });
  clientId = issued.record.id;
  clientSecret = issued.key;
  sdk = amadeusSdk(tp.baseUrl, clientId, clientSecret);
});
afterAll(() => tp.close());

const traveler = (id: string) => ({
  id,
  dateOfBirth: '1982-01-16',
  name: { firstName: 'JORGE', lastName: 'GONZALES' },
  gender: 'MALE',
  contact: {
    emailAddress: 'jorge.gonzales833@telefonica.es',
    phones: [{ deviceType: 'MOBILE', countryCallingCode: '34', number: '480080076' }],
  },
});

async function searchLhrJfk(max = 5): Promise<SdkJson[]> {
  const response = await sdk.shopping.flightOffersSearch.get({
    originLocationCode: 'LHR',
    destinationLocationCode: 'JFK',
    departureDate: tp.date(2),
    adults: '1',
    max,
  });
  return response.data;
}

async function seatsLeft(flightId: string): Promise<number> {
  const [flight] = await tp.platform.store.getFlights([flightId]);
  return flight?.cabins.find((c) => c.cabin === 'economy')?.seatsLeft ?? -1;
}

describe('the official amadeus SDK against the compatibility routes', () => {
  it('gets a token from client credentials and answers with the exact media type (no charset)', async () => {
    const response = await sdk.referenceData.locations.get({ keyword: 'LON', subType: 'CITY,AIRPORT' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/vnd.amadeus+json');
    expect(sdk.client.accessToken.accessToken).toBeTruthy();
    const city = response.data.find((l: SdkJson) => l.subType === 'CITY');
    expect(city).toMatchObject({
      type: 'location',
      id: 'CLON',
      iataCode: 'LON',
      address: { cityCode: 'LON' },
    });
    expect(response.data.some((l: SdkJson) => l.id === 'ALHR')).toBe(true);
  });

  it('pages locations with array-style subType and page[limit], and amadeus.next follows meta.links', async () => {
    const first = await sdk.referenceData.locations.get({
      keyword: 'LON',
      subType: ['AIRPORT', 'CITY'],
      page: { limit: 2 },
    });
    expect(first.data).toHaveLength(2);
    expect(first.result.meta.links.next).toContain('page%5Boffset%5D=2');
    const second = await sdk.next(first);
    expect(second?.data).toHaveLength(2);
    const ids = new Set([...first.data, ...(second?.data ?? [])].map((l: SdkJson) => l.id));
    expect(ids.size).toBe(4);
  });

  it('reads one location by id and raises NotFoundError (404, code 1797) for an unknown one', async () => {
    const found = await sdk.referenceData.location('ALHR').get();
    expect(found.data).toMatchObject({ subType: 'AIRPORT', iataCode: 'LHR' });
    const error = await sdkFailure(sdk.referenceData.location('AZZZ').get());
    expect(error.code).toBe('NotFoundError');
    expect(error.response.statusCode).toBe(404);
    expect(error.description[0]).toMatchObject({ status: 404, code: 1797, title: 'NOT FOUND' });
  });

  it('searches flight offers by GET in Amadeus shape, with dictionaries', async () => {
    const response = await sdk.shopping.flightOffersSearch.get({
      originLocationCode: 'LHR',
      destinationLocationCode: 'JFK',
      departureDate: tp.date(2),
      adults: '1',
      max: 5,
    });
    expect(response.result.meta.count).toBe(response.data.length);
    expect(response.data.length).toBeGreaterThan(0);
    expect(response.data.length).toBeLessThanOrEqual(5);
    const offer = response.data[0];
    expect(offer).toMatchObject({
      type: 'flight-offer',
      source: 'GDS',
      validatingAirlineCodes: [expect.any(String)],
    });
    const segment = offer.itineraries[0].segments[0];
    expect(segment.number).toMatch(/^\d{1,4}$/);
    expect(segment.departure.at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(segment.aircraft.code).toBeTruthy();
    expect(offer.price.grandTotal).toMatch(/^\d+\.\d{2}$/);
    expect(offer.numberOfBookableSeats).toBeLessThanOrEqual(9);
    expect(offer.lastTicketingDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(offer.travelerPricings[0]).toMatchObject({ travelerId: '1', travelerType: 'ADULT' });
    expect(offer.travelerPricings[0].fareDetailsBySegment[0]).toMatchObject({
      segmentId: segment.id,
      cabin: 'ECONOMY',
    });
    expect(response.result.dictionaries.carriers[segment.carrierCode]).toBeTruthy();
    expect(response.result.dictionaries.aircraft[segment.aircraft.code]).toBeTruthy();
  });

  it('searches flight offers by POST with the travellers’ own ids', async () => {
    const response = await sdk.shopping.flightOffersSearch.post({
      currencyCode: 'EUR',
      originDestinations: [
        {
          id: '1',
          originLocationCode: 'LHR',
          destinationLocationCode: 'JFK',
          departureDateTimeRange: { date: tp.date(2) },
        },
      ],
      travelers: [
        { id: 'a', travelerType: 'ADULT' },
        { id: 'b', travelerType: 'CHILD' },
      ],
      sources: ['GDS'],
      searchCriteria: { maxFlightOffers: 3 },
    });
    expect(response.data.length).toBeGreaterThan(0);
    expect(response.data.length).toBeLessThanOrEqual(3);
    const offer = response.data[0];
    expect(offer.price.currency).toBe('EUR');
    expect(offer.travelerPricings.map((p: SdkJson) => [p.travelerId, p.travelerType])).toEqual([
      ['a', 'ADULT'],
      ['b', 'CHILD'],
    ]);
  });

  it('searches round trips with a held infant: two itineraries, one pricing per traveller, segments numbered across both', async () => {
    const response = await sdk.shopping.flightOffersSearch.get({
      originLocationCode: 'LHR',
      destinationLocationCode: 'JFK',
      departureDate: tp.date(1),
      returnDate: tp.date(4),
      adults: '1',
      infants: '1',
      max: 2,
    });
    expect(response.data.length).toBeGreaterThan(0);
    const offer = response.data[0];
    expect(offer.itineraries).toHaveLength(2);
    const segmentIds = offer.itineraries.flatMap((it: SdkJson) => it.segments.map((s: SdkJson) => s.id));
    expect(new Set(segmentIds).size).toBe(segmentIds.length);
    expect(offer.travelerPricings.map((p: SdkJson) => p.travelerType)).toEqual(['ADULT', 'HELD_INFANT']);
    expect(offer.travelerPricings[1].associatedAdultId).toBe('1');
    for (const pricing of offer.travelerPricings) {
      expect(pricing.fareDetailsBySegment.map((f: SdkJson) => f.segmentId)).toEqual(segmentIds);
    }
    const adult = Number(offer.travelerPricings[0].price.total);
    const infant = Number(offer.travelerPricings[1].price.total);
    expect(adult + infant).toBeCloseTo(Number(offer.price.grandTotal), 2);

    const priced = await sdk.shopping.flightOffers.pricing.post({
      data: { type: 'flight-offers-pricing', flightOffers: [offer] },
    });
    expect(priced.data.flightOffers[0].itineraries).toHaveLength(2);
  });

  it('prices an offer sent back whole; a tampered price or seat count is a ClientError 400 (4926)', async () => {
    const [offer] = await searchLhrJfk();
    const priced = await sdk.shopping.flightOffers.pricing.post({
      data: { type: 'flight-offers-pricing', flightOffers: [offer] },
    });
    expect(priced.data.type).toBe('flight-offers-pricing');
    expect(priced.data.flightOffers[0].price.grandTotal).toBe(offer.price.grandTotal);

    for (const tampered of [
      { ...offer, price: { ...offer.price, grandTotal: '1.00', total: '1.00' } },
      { ...offer, numberOfBookableSeats: 9 === offer.numberOfBookableSeats ? 8 : 9 },
    ]) {
      const error = await sdkFailure(
        sdk.shopping.flightOffers.pricing.post({
          data: { type: 'flight-offers-pricing', flightOffers: [tampered] },
        }),
      );
      expect(error.code).toBe('ClientError');
      expect(error.response.statusCode).toBe(400);
      expect(error.description[0]).toMatchObject({
        code: 4926,
        title: 'INVALID DATA RECEIVED',
        source: { pointer: '/data/flightOffers/0' },
      });
    }
  });

  it('creates, reads and deletes a flight order; a tampered offer is never booked', async () => {
    const [offer] = await searchLhrJfk();
    const priced = (
      await sdk.shopping.flightOffers.pricing.post({
        data: { type: 'flight-offers-pricing', flightOffers: [offer] },
      })
    ).data.flightOffers[0];
    const flightId = tp.platform.services.offers.decode(priced.id.split('~')[0]);
    const firstFlight = flightId.kind === 'flight' ? (flightId.legs[0]?.[0] ?? '') : '';
    const before = await seatsLeft(firstFlight);

    const cheap = { ...priced, price: { ...priced.price, total: '0.01', grandTotal: '0.01' } };
    const refused = await sdkFailure(
      sdk.booking.flightOrders.post({
        data: { type: 'flight-order', flightOffers: [cheap], travelers: [traveler('1')] },
      }),
    );
    expect(refused.response.statusCode).toBe(400);
    expect(await seatsLeft(firstFlight)).toBe(before);

    const created = await sdk.booking.flightOrders.post({
      data: { type: 'flight-order', flightOffers: [priced], travelers: [traveler('1')] },
    });
    expect(created.statusCode).toBe(201);
    expect(created.data).toMatchObject({
      type: 'flight-order',
      associatedRecords: [{ reference: expect.stringMatching(/^[A-Z0-9]{6}$/), originSystemCode: 'GDS' }],
      travelers: [{ id: '1', gender: 'MALE', name: { firstName: 'JORGE', lastName: 'GONZALES' } }],
    });
    expect(await seatsLeft(firstFlight)).toBe(before - 1);

    const read = await sdk.booking.flightOrder(created.data.id).get();
    expect(read.data.id).toBe(created.data.id);
    expect(read.data.flightOffers[0].price.grandTotal).toBe(priced.price.grandTotal);

    const deleted = await sdk.booking.flightOrder(created.data.id).delete();
    expect(deleted.statusCode).toBe(204);
    expect(await seatsLeft(firstFlight)).toBe(before);
    const gone = await sdkFailure(sdk.booking.flightOrder(created.data.id).get());
    expect(gone.code).toBe('NotFoundError');
  });

  it('lists hotels by city, searches their offers, confirms one and books it', async () => {
    const hotels = await sdk.referenceData.locations.hotels.byCity.get({ cityCode: 'LON' });
    expect(hotels.data.length).toBeGreaterThan(0);
    const hotelIds = hotels.data.slice(0, 3).map((h: SdkJson) => h.hotelId);
    const offers = await sdk.shopping.hotelOffersSearch.get({
      hotelIds: hotelIds.join(','),
      adults: '1',
      checkInDate: tp.date(1),
      checkOutDate: tp.date(3),
    });
    expect(offers.data.length).toBeGreaterThan(0);
    const hotel = offers.data[0];
    expect(hotel).toMatchObject({ type: 'hotel-offers', available: true, hotel: { type: 'hotel' } });
    expect(hotelIds).toContain(hotel.hotel.hotelId);
    const offer = hotel.offers[0];
    expect(offer).toMatchObject({ checkInDate: tp.date(1), checkOutDate: tp.date(3), guests: { adults: 1 } });

    const confirmed = await sdk.shopping.hotelOfferSearch(offer.id).get();
    expect(confirmed.data.offers[0].price.total).toBe(offer.price.total);

    const order = await sdk.booking.hotelOrders.post({
      data: {
        type: 'hotel-order',
        guests: [
          {
            tid: 1,
            title: 'MR',
            firstName: 'BOB',
            lastName: 'SMITH',
            phone: '+33679278416',
            email: 'bob.smith@email.com',
          },
        ],
        travelAgent: { contact: { email: 'bob.smith@email.com' } },
        roomAssociations: [{ guestReferences: [{ guestReference: '1' }], hotelOfferId: offer.id }],
        payment: {
          method: 'CREDIT_CARD',
          paymentCard: {
            paymentCardInfo: {
              vendorCode: 'VI',
              cardNumber: '4151289722471370',
              expiryDate: '2030-08',
              holderName: 'BOB SMITH',
            },
          },
        },
      },
    });
    expect(order.statusCode).toBe(201);
    expect(order.data.hotelBookings[0]).toMatchObject({
      type: 'hotel-booking',
      bookingStatus: 'CONFIRMED',
      hotel: { hotelId: hotel.hotel.hotelId },
    });
  });

  it('raises ClientError with Amadeus codes for schema (477) and domain (4926) errors, naming the parameter', async () => {
    const format = await sdkFailure(
      sdk.shopping.flightOffersSearch.get({
        originLocationCode: 'LHR',
        destinationLocationCode: 'JFK',
        departureDate: tp.date(2),
        adults: '0',
      }),
    );
    expect(format.code).toBe('ClientError');
    expect(format.description[0]).toMatchObject({ status: 400, code: 477, source: { parameter: 'adults' } });

    const data = await sdkFailure(
      sdk.shopping.flightOffersSearch.get({
        originLocationCode: 'LHR',
        destinationLocationCode: 'ZZZ',
        departureDate: tp.date(2),
        adults: '1',
      }),
    );
    expect(data.description[0]).toMatchObject({
      code: 4926,
      source: { parameter: 'destinationLocationCode' },
    });
  });

  it('raises AuthenticationError for bad client credentials and for a forged token', async () => {
    const wrong = amadeusSdk(tp.baseUrl, clientId, `${clientSecret}x`);
    const error = await sdkFailure(wrong.referenceData.locations.get({ keyword: 'LON', subType: 'CITY' }));
    expect(error.code).toBe('AuthenticationError');
    expect(error.description).toMatchObject({ error: 'invalid_client', code: 38187 });

    const forged = await fetch(`${tp.baseUrl}/v2/shopping/flight-offers?originLocationCode=LHR`, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-type')).toBe('application/vnd.amadeus+json');
    expect(((await forged.json()) as SdkJson).errors[0]).toMatchObject({ status: 401, code: 38190 });
  });

  it('answers unknown routes under the Amadeus paths with the gateway 404 (38196)', async () => {
    const response = await fetch(`${tp.baseUrl}/v2/shopping/nothing-here`, {
      headers: { authorization: `Bearer ${sdk.client.accessToken.accessToken}` },
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as SdkJson).errors[0]).toMatchObject({
      code: 38196,
      title: 'Resource not found',
    });
  });

  it('applies the key’s rate limit: a 429 ClientError (38194) with Retry-After', async () => {
    const limited = await tp.platform.gateway.options.keys.issue({
      name: 'tight app',
      plan: 'free',
      overrides: { rateLimit: 1, burstLimit: 2 },
    });
    const tight = amadeusSdk(tp.baseUrl, limited.record.id, limited.key);
    const call = () => tight.referenceData.locations.get({ keyword: 'PAR', subType: 'CITY' });
    await call();
    await call();
    const error = await sdkFailure(call());
    expect(error.code).toBe('ClientError');
    expect(error.response.statusCode).toBe(429);
    expect(Number(error.response.headers['retry-after'])).toBeGreaterThan(0);
    expect(error.description[0]).toMatchObject({ status: 429, code: 38194 });
  });

  it('meters the key behind the token: its requests and searches are counted as for x-api-key', async () => {
    await tp.platform.gateway.options.meter.flush();
    const today = new Date().toISOString().slice(0, 10);
    const [usage] = await tp.platform.gateway.options.keys.usage(clientId, today, today);
    expect(usage?.requests).toBeGreaterThan(10);
    expect(usage?.searches).toBeGreaterThanOrEqual(4);
    expect(usage?.clientErrors).toBeGreaterThan(0);
  });

  it('stops honouring a token once its API key is revoked (AuthenticationError, 38190)', async () => {
    const issued = await tp.platform.gateway.options.keys.issue({ name: 'short-lived app' });
    const app = amadeusSdk(tp.baseUrl, issued.record.id, issued.key);
    await app.referenceData.location('ALHR').get();
    await tp.platform.gateway.options.keys.revoke(issued.record.id);
    const error = await sdkFailure(app.referenceData.location('ALHR').get());
    expect(error.code).toBe('AuthenticationError');
    expect(error.description[0]).toMatchObject({ status: 401, code: 38190 });
  });

  it('keeps a token valid across a restart: another process over the same store accepts it', async () => {
    const token = sdk.client.accessToken.accessToken;
    const restarted = await createPlatform(tp.platform.config);
    const app = await buildApp({ services: restarted.services, gateway: restarted.gateway.options });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const response = await fetch(
        `http://127.0.0.1:${port}/v1/reference-data/locations?keyword=PAR&subType=CITY`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      expect(response.status).toBe(200);
    } finally {
      await app.close();
      await restarted.close();
    }
  });
});
