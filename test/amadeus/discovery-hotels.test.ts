import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amadeusDiscoverySdk, type DiscoverySdk } from '../helpers/amadeus-discovery-sdk.js';
import { type AmadeusSdk, type SdkJson, sdkFailure } from '../helpers/amadeus-sdk.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

let tp: TestPlatform;
let sdk: AmadeusSdk & DiscoverySdk;
let london: SdkJson[];

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 40, days: 6 });
  const issued = await tp.platform.gateway.options.keys.issue({
    name: 'discovery app',
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
  });
  sdk = amadeusDiscoverySdk(tp.baseUrl, issued.record.id, issued.key);
  london = (await sdk.referenceData.locations.hotels.byCity.get({ cityCode: 'LON' })).data;
});
afterAll(() => tp.close());

describe('Hotel List by geocode and by hotel ids through the official SDK', () => {
  it('answers the hotels around a point, nearest first, within the radius', async () => {
    const centre = london[0];
    const response = await sdk.referenceData.locations.hotels.byGeocode.get({
      latitude: centre.geoCode.latitude,
      longitude: centre.geoCode.longitude,
      radius: 20,
    });
    expect(response.data[0]).toMatchObject({
      hotelId: centre.hotelId,
      iataCode: 'LON',
      address: { countryCode: 'GB' },
      distance: { value: 0, unit: 'KM' },
    });
    const distances = response.data.map((h: SdkJson) => h.distance.value);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances.every((d: number) => d <= 20)).toBe(true);
    const miles = await sdk.referenceData.locations.hotels.byGeocode.get({
      latitude: centre.geoCode.latitude,
      longitude: centre.geoCode.longitude,
      radius: 20,
      radiusUnit: 'MILE',
      ratings: '4,5',
    });
    expect(miles.data.every((h: SdkJson) => h.distance.unit === 'MILE' && h.rating >= 4)).toBe(true);
    const pools = await sdk.referenceData.locations.hotels.byGeocode.get({
      latitude: centre.geoCode.latitude,
      longitude: centre.geoCode.longitude,
      radius: 20,
      amenities: 'SWIMMING_POOL',
    });
    expect(pools.data.length).toBeGreaterThan(0);
    expect(pools.data.length).toBeLessThan(response.data.length);
    expect(pools.data.every((h: SdkJson) => h.amenities.includes('SWIMMING_POOL'))).toBe(true);
  });

  it('answers hotels by id in the order asked, leaving unknown ids out', async () => {
    const ids = [london[2].hotelId, 'NOPE0000', london[0].hotelId];
    const response = await sdk.referenceData.locations.hotels.byHotels.get({ hotelIds: ids.join(',') });
    expect(response.data.map((h: SdkJson) => h.hotelId)).toEqual([london[2].hotelId, london[0].hotelId]);
    expect(response.data[0]).toMatchObject({ name: london[2].name, geoCode: london[2].geoCode });
  });

  it('refuses a longitude out of range and a missing hotelIds, naming them', async () => {
    const geo = await sdkFailure(
      sdk.referenceData.locations.hotels.byGeocode.get({ latitude: 51.5, longitude: 200 }),
    );
    expect(geo.description[0]).toMatchObject({ status: 400, source: { parameter: 'longitude' } });
    const ids = await sdkFailure(sdk.referenceData.locations.hotels.byHotels.get({}));
    expect(ids.description[0].source).toEqual({ parameter: 'hotelIds' });
  });
});

describe('Hotel Name Autocomplete through the official SDK', () => {
  it('finds hotels by a word of their name, best matches first, in the spec shape', async () => {
    const hotel = london[0];
    const word = (hotel.name as string).split(' ').find((w) => w.length >= 4) ?? hotel.name;
    const response = await sdk.referenceData.locations.hotel.get({
      keyword: `${word} london`,
      subType: 'HOTEL_GDS',
    });
    const match = response.data.find((h: SdkJson) => h.hotelIds[0] === hotel.hotelId);
    expect(match).toMatchObject({
      type: 'location',
      subType: 'HOTEL_GDS',
      iataCode: 'LON',
      name: hotel.name.toUpperCase(),
      address: { countryCode: 'GB' },
    });
    expect(response.data.map((h: SdkJson) => h.id)).toEqual(
      response.data.map((_: SdkJson, i: number) => i + 1),
    );
    const relevances = response.data.map((h: SdkJson) => h.relevance);
    expect(relevances).toEqual([...relevances].sort((a, b) => b - a));
    const capped = await sdk.referenceData.locations.hotel.get({
      keyword: 'hotel',
      subType: ['HOTEL_LEISURE', 'HOTEL_GDS'],
      max: 2,
    });
    expect(capped.data.length).toBeLessThanOrEqual(2);
    const france = await sdk.referenceData.locations.hotel.get({
      keyword: `${word} london`,
      subType: 'HOTEL_GDS',
      countryCode: 'FR',
    });
    expect(france.data).toEqual([]);
  });

  it('refuses a keyword shorter than four characters', async () => {
    const failure = await sdkFailure(
      sdk.referenceData.locations.hotel.get({ keyword: 'ab', subType: 'HOTEL_GDS' }),
    );
    expect(failure.description[0]).toMatchObject({ code: 477, source: { parameter: 'keyword' } });
  });
});

describe('Hotel Booking v1 through the official SDK', () => {
  async function roomOffer(): Promise<SdkJson> {
    const offers = await sdk.shopping.hotelOffersSearch.get({
      hotelIds: london
        .slice(0, 3)
        .map((h) => h.hotelId)
        .join(','),
      adults: 1,
      checkInDate: tp.date(1),
      checkOutDate: tp.date(2),
    });
    return offers.data[0].offers[0];
  }

  it('books a room offer in the v1 shape and takes the room', async () => {
    const offer = await roomOffer();
    const response = await sdk.booking.hotelBookings.post(
      JSON.stringify({
        data: {
          offerId: offer.id,
          guests: [
            {
              id: 1,
              name: { title: 'MR', firstName: 'BOB', lastName: 'SMITH' },
              contact: { phone: '+33679278416', email: 'bob.smith@email.com' },
            },
          ],
          payments: [
            {
              id: 1,
              method: 'creditCard',
              card: { vendorCode: 'VI', cardNumber: '4151289722471370', expiryDate: '2027-08' },
            },
          ],
          rooms: [{ guestIds: [1], paymentId: 1, specialRequest: 'I will arrive at midnight' }],
        },
      }),
    );
    expect(response.statusCode).toBe(201);
    const [booking] = response.data;
    expect(booking).toMatchObject({
      type: 'hotel-booking',
      id: expect.stringMatching(/^[A-Z0-9]{5,19}$/),
      providerConfirmationId: booking.id,
      associatedRecords: [{ reference: booking.id, originSystemCode: 'GDS' }],
    });
    expect(response.body).not.toContain('4151289722471370');
  });

  it('refuses a lead guest without an E.164 phone, pointing at it, and an unknown guest id', async () => {
    const offer = await roomOffer();
    const guest = {
      id: 1,
      name: { firstName: 'BOB', lastName: 'SMITH' },
      contact: { phone: '0679278416', email: 'bob@example.com' },
    };
    const phone = await sdkFailure(
      sdk.booking.hotelBookings.post(JSON.stringify({ data: { offerId: offer.id, guests: [guest] } })),
    );
    expect(phone.response.statusCode).toBe(400);
    expect(phone.description[0].source).toEqual({ pointer: '/data/guests/0/contact/phone' });
    const unknown = await sdkFailure(
      sdk.booking.hotelBookings.post(
        JSON.stringify({
          data: {
            offerId: offer.id,
            guests: [{ ...guest, contact: { ...guest.contact, phone: '+33679278416' } }],
            rooms: [{ guestIds: [7] }],
          },
        }),
      ),
    );
    expect(unknown.description[0].source).toEqual({ pointer: '/data/rooms/0/guestIds/0' });
  });
});
