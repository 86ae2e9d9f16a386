import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AmadeusSdk,
  amadeusPost,
  type SdkJson,
  sdkFailure,
  signedInSdk,
} from '../helpers/amadeus-sdk.js';
import { FLIGHT_OFFER_SEARCH, FLIGHT_ORDER_TRAVELER, gsonRoundTrip } from '../helpers/gson-reserialise.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Offers as the official Java SDK sends them back (Gson re-serialisation of its typed classes), and
 * the price-change flow: pricing answers the new price with Amadeus's warning, booking refuses it.
 */

let tp: TestPlatform;
let sdk: AmadeusSdk;
let token: string;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 20, days: 4 });
  ({ sdk, token } = await signedInSdk(tp, 'java app'));
});
afterAll(() => tp.close());

/** A POST as the Java SDK's client sends it: a JSON body under the Amadeus media type, with its token. */
const javaPost = (path: string, body: unknown) => amadeusPost(tp.baseUrl, token, path, body);

async function searchOffers(adults = '1', children?: string): Promise<SdkJson[]> {
  const response = await sdk.shopping.flightOffersSearch.get({
    originLocationCode: 'LHR',
    destinationLocationCode: 'JFK',
    departureDate: tp.date(2),
    adults,
    ...(children ? { children } : {}),
    max: 3,
  });
  expect(response.data.length).toBeGreaterThan(0);
  return response.data;
}

/** FlightPricing.post(FlightOfferSearch[]): `{data: {type, flightOffers}}` of Gson-written offers. */
const javaPricing = (offers: SdkJson[]) =>
  javaPost('/v1/shopping/flight-offers/pricing', {
    data: {
      type: 'flight-offers-pricing',
      flightOffers: offers.map((offer) => gsonRoundTrip(offer, FLIGHT_OFFER_SEARCH)),
    },
  });

const javaTraveler = (id: string, dateOfBirth = '1980-04-02') =>
  gsonRoundTrip(
    {
      id,
      dateOfBirth,
      gender: 'FEMALE',
      name: { firstName: 'ADA', lastName: 'LOVELACE' },
      contact: { phones: [{ deviceType: 'MOBILE', countryCallingCode: '44', number: '7700900123' }] },
      documents: [{ documentType: 'PASSPORT', number: '00000000', issuanceCountry: 'GB', nationality: 'GB' }],
    },
    FLIGHT_ORDER_TRAVELER,
  );

const REMARKS = { general: [{ subType: 'GENERAL_MISCELLANEOUS', text: 'ONLINE BOOKING FROM A JAVA APP' }] };

async function economyFare(flightId: string): Promise<number> {
  const [flight] = await tp.platform.store.getFlights([flightId]);
  return flight?.cabins.find((c) => c.cabin === 'economy')?.fare ?? 0;
}

async function setEconomyFare(flightId: string, fare: number): Promise<void> {
  const [flight] = await tp.platform.store.getFlights([flightId]);
  if (!flight) throw new Error(`no flight ${flightId}`);
  await tp.platform.store.putFlights([
    { ...flight, cabins: flight.cabins.map((c) => (c.cabin === 'economy' ? { ...c, fare } : c)) },
  ]);
}

/** The inventory flight ids of an offer's segments. */
function flightIdsOf(offer: SdkJson): string[] {
  const reference = tp.platform.services.offers.decode(String(offer.id).split('~')[0] ?? '');
  return reference.kind === 'flight' ? reference.legs.flat() : [];
}

describe('offers re-serialised by the Java SDK (Gson)', () => {
  it('differ from what was issued only by defaults and order, and are priced and booked as issued', async () => {
    const [offer] = await searchOffers('2', '1');
    const java = gsonRoundTrip(offer, FLIGHT_OFFER_SEARCH) as SdkJson;
    // What Gson adds: primitives the server never sent, written as false / 0.
    expect(java.pricingOptions).toMatchObject({ refundableFare: false, noPenaltyFare: false });
    expect(java.paymentCardRequired).toBe(false);
    expect(java.travelerPricings[0].fareDetailsBySegment[0].isAllotment).toBe(false);
    expect(java).not.toEqual(offer);

    const priced = await javaPricing([offer]);
    expect(priced.status).toBe(200);
    expect(priced.json.warnings).toBeUndefined();
    const pricedOffer = priced.json.data.flightOffers[0];
    expect(pricedOffer.price.grandTotal).toBe(offer.price.grandTotal);
    expect(priced.json.data.bookingRequirements).toMatchObject({ emailAddressRequired: true });

    // FlightOrders.post(FlightPrice, Traveler[]) writes the priced offers through Gson again. Its
    // typed traveller contact has no email member, so the email travels in data.contacts.
    const order = await javaPost('/v1/booking/flight-orders', {
      data: {
        type: 'flight-order',
        flightOffers: [gsonRoundTrip(pricedOffer, FLIGHT_OFFER_SEARCH)],
        travelers: [javaTraveler('1'), javaTraveler('2'), javaTraveler('3', '2018-05-05')],
        remarks: REMARKS,
        ticketingAgreement: { option: 'DELAY_TO_CANCEL', delay: '6D' },
        contacts: [
          {
            emailAddress: 'ada@example.org',
            phones: [{ deviceType: 'MOBILE', countryCallingCode: '44', number: '7700900123' }],
          },
        ],
      },
    });
    expect(order.status).toBe(201);
    expect(order.json.data.flightOffers[0].price.grandTotal).toBe(offer.price.grandTotal);

    // What the order carried beside the travellers is kept and shown when it is read back.
    const read = await sdk.booking.flightOrder(order.json.data.id).get();
    expect(read.data.travelers[0].documents).toEqual([
      {
        documentType: 'PASSPORT',
        number: '00000000',
        issuanceCountry: 'GB',
        nationality: 'GB',
        holder: false,
      },
    ]);
    expect(read.data.contacts[0]).toMatchObject({ emailAddress: 'ada@example.org' });
    expect(read.data.remarks).toEqual(REMARKS);
    expect(read.data.ticketingAgreement).toEqual({ option: 'DELAY_TO_CANCEL', delay: '6D' });
  });

  it('still refuses a tampered price, segment or seat count (400, 4926), Gson-written or not', async () => {
    const [offer] = await searchOffers();
    const java = gsonRoundTrip(offer, FLIGHT_OFFER_SEARCH) as SdkJson;
    const segment = java.itineraries[0].segments[0];
    const tampered = [
      { ...java, price: { ...java.price, grandTotal: '1.00', total: '1.00' } },
      {
        ...java,
        itineraries: [
          {
            ...java.itineraries[0],
            segments: [{ ...segment, departure: { ...segment.departure, at: '2030-01-01T00:00:00' } }],
          },
          ...java.itineraries.slice(1),
        ],
      },
      {
        ...java,
        itineraries: java.itineraries.map((it: SdkJson) => ({
          ...it,
          segments: it.segments.map((s: SdkJson) => ({ ...s, carrierCode: 'ZZ' })),
        })),
      },
      { ...java, numberOfBookableSeats: java.numberOfBookableSeats === 9 ? 8 : 9 },
      {
        ...java,
        travelerPricings: [
          { ...java.travelerPricings[0], price: { ...java.travelerPricings[0].price, total: '0.50' } },
        ],
      },
    ];
    for (const changed of tampered) {
      const { status, json } = await javaPost('/v1/shopping/flight-offers/pricing', {
        data: { type: 'flight-offers-pricing', flightOffers: [changed] },
      });
      expect(status).toBe(400);
      expect(json.errors[0]).toMatchObject({ code: 4926, source: { pointer: '/data/flightOffers/0' } });
    }
  });

  it('accepts what Python and Node pass through: nulls, reordered members, unknown extras', async () => {
    const [offer] = await searchOffers();
    const reordered = Object.fromEntries(Object.entries(offer).reverse());
    const priced = await javaPost('/v1/shopping/flight-offers/pricing', {
      data: {
        type: 'flight-offers-pricing',
        flightOffers: [{ ...reordered, choiceProbability: null, disablePricing: false, myAppTag: 'x' }],
      },
    });
    expect(priced.status).toBe(200);
  });
});

describe('a price that changed since the search', () => {
  it('is answered by pricing with the new price and Amadeus’s PricingOrFareBasisDiscrepancyWarning', async () => {
    const [offer] = await searchOffers();
    const [flightId] = flightIdsOf(offer);
    const fare = await economyFare(flightId ?? '');
    await setEconomyFare(flightId ?? '', fare + 2500);
    try {
      const priced = await sdk.shopping.flightOffers.pricing.post({
        data: { type: 'flight-offers-pricing', flightOffers: [offer] },
      });
      expect(priced.statusCode).toBe(200);
      const current = priced.data.flightOffers[0];
      expect(Number(current.price.grandTotal)).toBeGreaterThan(Number(offer.price.grandTotal));
      expect(priced.result.warnings[0]).toMatchObject({
        code: 0,
        title: 'PricingOrFareBasisDiscrepancyWarning',
        source: { pointer: '/data/flightOffers/0/price/grandTotal' },
      });

      // The offer at its old price cannot be booked; the re-priced one can.
      const order = (flightOffers: SdkJson[]) =>
        sdk.booking.flightOrders.post({
          data: {
            type: 'flight-order',
            flightOffers,
            travelers: [
              {
                id: '1',
                dateOfBirth: '1980-04-02',
                name: { firstName: 'ADA', lastName: 'LOVELACE' },
                contact: {
                  emailAddress: 'ada@example.org',
                  phones: [{ deviceType: 'MOBILE', countryCallingCode: '44', number: '7700900123' }],
                },
              },
            ],
          },
        });
      const refused = await sdkFailure(order([offer]));
      expect(refused.response.statusCode).toBe(400);
      expect(refused.description[0]).toMatchObject({ code: 37200, title: 'PRICE DISCREPANCY' });
      expect((await order([current])).statusCode).toBe(201);
    } finally {
      await setEconomyFare(flightId ?? '', fare);
    }
  });
});

describe('a hotel rate that changed since the search', () => {
  it('is answered by the offer lookup with the new price under a new id and the warning; the old id is not booked', async () => {
    const hotels = await sdk.referenceData.locations.hotels.byCity.get({ cityCode: 'LON' });
    const hotelId = hotels.data[0].hotelId;
    const search = await sdk.shopping.hotelOffersSearch.get({
      hotelIds: hotelId,
      checkInDate: tp.date(1),
      checkOutDate: tp.date(2),
    });
    const offer = search.data[0].offers[0];
    const roomNight = (await tp.platform.store.findRoomNights([hotelId], tp.date(1), tp.date(2))).find(
      (n) => n.roomType === offer.room.type,
    );
    if (!roomNight) throw new Error('no room night for the offer');
    await tp.platform.store.putRoomNights([{ ...roomNight, rate: roomNight.rate + 1000 }]);
    try {
      const confirmed = await sdk.shopping.hotelOfferSearch(offer.id).get();
      const current = confirmed.data.offers[0];
      expect(Number(current.price.total)).toBeGreaterThan(Number(offer.price.total));
      expect(current.id).not.toBe(offer.id);
      expect(confirmed.result.warnings[0]).toMatchObject({
        title: 'PricingOrFareBasisDiscrepancyWarning',
        source: { pointer: '/data/offers/0/price/total' },
      });
      const order = (hotelOfferId: string) =>
        sdk.booking.hotelOrders.post({
          data: {
            type: 'hotel-order',
            guests: [
              {
                tid: 1,
                firstName: 'ADA',
                lastName: 'LOVELACE',
                phone: '+447700900123',
                email: 'ada@example.org',
              },
            ],
            roomAssociations: [{ guestReferences: [{ guestReference: '1' }], hotelOfferId }],
          },
        });
      const refused = await sdkFailure(order(offer.id));
      expect(refused.description[0]).toMatchObject({ code: 37200 });
      expect((await order(current.id)).statusCode).toBe(201);
    } finally {
      await tp.platform.store.putRoomNights([roomNight]);
    }
  });
});
