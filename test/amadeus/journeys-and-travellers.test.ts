import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AmadeusSdk,
  amadeusPost,
  type SdkJson,
  sdkFailure,
  signedInSdk,
} from '../helpers/amadeus-sdk.js';
import { FLIGHT_OFFER_SEARCH, gsonRoundTrip } from '../helpers/gson-reserialise.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Multi-city and open-jaw journeys, seated infants and the traveller types an order keeps, driven
 * through the official Node SDK, and through requests shaped as the Python and Java SDKs send them.
 */

let tp: TestPlatform;
let sdk: AmadeusSdk;
let token: string;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 8 });
  ({ sdk, token } = await signedInSdk(tp, 'journeys app'));
});
afterAll(() => tp.close());

/** A POST as the Python SDK sends it (a dict as JSON) or the Java SDK (a Gson-written body). */
const post = (path: string, body: unknown) => amadeusPost(tp.baseUrl, token, path, body);

const leg = (id: string, from: string, to: string, days: number, extra: Record<string, unknown> = {}) => ({
  id,
  originLocationCode: from,
  destinationLocationCode: to,
  departureDateTimeRange: { date: tp.date(days) },
  ...extra,
});

const traveler = (id: string, dateOfBirth = '1982-01-16') => ({
  id,
  dateOfBirth,
  name: { firstName: 'ANA', lastName: 'LOPEZ' },
  contact: {
    emailAddress: 'ana.lopez@example.org',
    phones: [{ deviceType: 'MOBILE', countryCallingCode: '34', number: '480080076' }],
  },
});

/** A date of birth `years` before the first day of travel (the travellers' ages are judged on it). */
const bornYearsBefore = (years: number, days: number) =>
  `${Number(tp.date(days).slice(0, 4)) - years}${tp.date(days).slice(4)}`;

async function seatsLeft(flightId: string): Promise<number> {
  const [flight] = await tp.platform.store.getFlights([flightId]);
  return flight?.cabins.find((c) => c.cabin === 'economy')?.seatsLeft ?? -1;
}

/** The flight ids an Amadeus offer books, per itinerary (read from our offer id). */
function flightsOf(offer: SdkJson): string[][] {
  const reference = tp.platform.services.offers.decode(String(offer.id).split('~')[0] ?? '');
  return reference.kind === 'flight' ? reference.legs : [];
}

const grandTotal = (offer: SdkJson) => Number(offer.price.grandTotal);

describe('multi-city and open-jaw journeys', () => {
  it('answers a three-city journey with one itinerary per origin-destination, cheapest first, and books it', async () => {
    const response = await sdk.shopping.flightOffersSearch.post({
      originDestinations: [leg('1', 'LHR', 'JFK', 2), leg('2', 'JFK', 'CDG', 4), leg('3', 'CDG', 'LHR', 6)],
      travelers: [{ id: '1', travelerType: 'ADULT' }],
      sources: ['GDS'],
      searchCriteria: { maxFlightOffers: 10 },
    });
    expect(response.data.length).toBe(10);
    const totals = response.data.map(grandTotal);
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    for (const offer of response.data) {
      expect(offer.itineraries).toHaveLength(3);
      const ends = offer.itineraries.map((it: SdkJson) => [
        it.segments[0].departure.iataCode,
        it.segments.at(-1).arrival.iataCode,
        it.segments[0].departure.at.slice(0, 10),
      ]);
      expect(ends).toEqual([
        ['LHR', 'JFK', tp.date(2)],
        ['JFK', 'CDG', tp.date(4)],
        ['CDG', 'LHR', tp.date(6)],
      ]);
      const segmentIds = offer.itineraries.flatMap((it: SdkJson) => it.segments.map((s: SdkJson) => s.id));
      expect(offer.travelerPricings[0].fareDetailsBySegment.map((f: SdkJson) => f.segmentId)).toEqual(
        segmentIds,
      );
    }

    const offer = response.data[0];
    const priced = await sdk.shopping.flightOffers.pricing.post({
      data: { type: 'flight-offers-pricing', flightOffers: [offer] },
    });
    const pricedOffer = priced.data.flightOffers[0];
    expect(pricedOffer.itineraries).toHaveLength(3);
    expect(pricedOffer.price.grandTotal).toBe(offer.price.grandTotal);
    const flights = flightsOf(pricedOffer);
    expect(flights).toHaveLength(3);
    const last = flights[2]?.[0] ?? '';
    const before = await seatsLeft(last);

    const created = await sdk.booking.flightOrders.post({
      data: { type: 'flight-order', flightOffers: [pricedOffer], travelers: [traveler('1')] },
    });
    expect(created.statusCode).toBe(201);
    expect(await seatsLeft(last)).toBe(before - 1);
    const read = await sdk.booking.flightOrder(created.data.id).get();
    expect(read.data.flightOffers[0].itineraries).toHaveLength(3);
    expect(read.data.flightOffers[0].price.grandTotal).toBe(pricedOffer.price.grandTotal);
    await sdk.booking.flightOrder(created.data.id).delete();
    expect(await seatsLeft(last)).toBe(before);
  });

  it('prices an open jaw (out to one city, on from another) from its legs, and a Java re-serialised offer books', async () => {
    const body = {
      originDestinations: [leg('1', 'LHR', 'JFK', 2), leg('2', 'JFK', 'CDG', 5)],
      travelers: [{ id: '1', travelerType: 'ADULT' }],
      sources: ['GDS'],
      searchCriteria: { maxFlightOffers: 5 },
    };
    // The Python SDK posts the dict as it is.
    const { status, json } = await post('/v2/shopping/flight-offers', body);
    expect(status).toBe(200);
    expect(json.data.length).toBe(5);
    const cheapestOneWay = async (from: string, to: string, days: number) =>
      Math.min(
        ...(
          await sdk.shopping.flightOffersSearch.get({
            originLocationCode: from,
            destinationLocationCode: to,
            departureDate: tp.date(days),
            adults: '1',
          })
        ).data.map(grandTotal),
      );
    // Inventory fares are one-way components: the journey costs what its legs cost one way.
    const floor = (await cheapestOneWay('LHR', 'JFK', 2)) + (await cheapestOneWay('JFK', 'CDG', 5));
    expect(grandTotal(json.data[0])).toBeCloseTo(floor, 2);

    const java = gsonRoundTrip(json.data[0], FLIGHT_OFFER_SEARCH);
    const priced = await post('/v1/shopping/flight-offers/pricing', {
      data: { type: 'flight-offers-pricing', flightOffers: [java] },
    });
    expect(priced.status).toBe(200);
    const order = await post('/v1/booking/flight-orders', {
      data: {
        type: 'flight-order',
        flightOffers: [gsonRoundTrip(priced.json.data.flightOffers[0], FLIGHT_OFFER_SEARCH)],
        travelers: [traveler('1')],
      },
    });
    expect(order.status).toBe(201);
    expect(order.json.data.flightOffers[0].itineraries).toHaveLength(2);
  });

  it('applies each origin-destination’s time window before combining, so the page stays full', async () => {
    const response = await sdk.shopping.flightOffersSearch.post({
      originDestinations: [
        leg('1', 'LHR', 'JFK', 2, {
          departureDateTimeRange: { date: tp.date(2), time: '12:00:00', timeWindow: '6H' },
        }),
        leg('2', 'JFK', 'CDG', 5),
      ],
      travelers: [{ id: '1', travelerType: 'ADULT' }],
      sources: ['GDS'],
      searchCriteria: { maxFlightOffers: 4 },
    });
    expect(response.data.length).toBe(4);
    for (const offer of response.data) {
      const time = String(offer.itineraries[0].segments[0].departure.at).slice(11, 16);
      expect(time >= '06:00' && time <= '18:00').toBe(true);
    }
  });

  it('refuses a leg that leaves before the one it follows, naming it (425 INVALID DATE)', async () => {
    const error = await sdkFailure(
      sdk.shopping.flightOffersSearch.post({
        originDestinations: [leg('1', 'LHR', 'JFK', 4), leg('2', 'JFK', 'CDG', 2)],
        travelers: [{ id: '1', travelerType: 'ADULT' }],
        sources: ['GDS'],
      }),
    );
    expect(error.description[0]).toMatchObject({
      code: 425,
      source: { pointer: '/originDestinations/1/departureDateTimeRange/date' },
    });
    const unknown = await sdkFailure(
      sdk.shopping.flightOffersSearch.post({
        originDestinations: [leg('1', 'LHR', 'JFK', 2), leg('2', 'ZZZ', 'CDG', 4)],
        travelers: [{ id: '1', travelerType: 'ADULT' }],
        sources: ['GDS'],
      }),
    );
    expect(unknown.description[0]).toMatchObject({
      code: 4926,
      source: { pointer: '/originDestinations/1/originLocationCode' },
    });
  });
});

describe('traveller types through search, pricing and booking', () => {
  it('seats and prices a SEATED_INFANT as a child, books it and reads it back as SEATED_INFANT', async () => {
    const search = (travelers: { id: string; travelerType: string }[]) =>
      sdk.shopping.flightOffersSearch.post({
        originDestinations: [leg('1', 'LHR', 'JFK', 3)],
        travelers,
        sources: ['GDS'],
        searchCriteria: { maxFlightOffers: 1 },
      });
    const withChild = (
      await search([
        { id: '1', travelerType: 'ADULT' },
        { id: '2', travelerType: 'CHILD' },
      ])
    ).data[0];
    const [offer] = (
      await search([
        { id: '1', travelerType: 'ADULT' },
        { id: '2', travelerType: 'SEATED_INFANT' },
        { id: '3', travelerType: 'HELD_INFANT' },
      ])
    ).data;
    expect(offer.travelerPricings.map((p: SdkJson) => p.travelerType)).toEqual([
      'ADULT',
      'SEATED_INFANT',
      'HELD_INFANT',
    ]);
    expect(offer.travelerPricings[1].price).toEqual(withChild.travelerPricings[1].price);

    const priced = (
      await sdk.shopping.flightOffers.pricing.post({
        data: { type: 'flight-offers-pricing', flightOffers: [offer] },
      })
    ).data.flightOffers[0];
    expect(priced.travelerPricings[1].travelerType).toBe('SEATED_INFANT');
    const flight = flightsOf(priced)[0]?.[0] ?? '';
    const before = await seatsLeft(flight);
    const created = await sdk.booking.flightOrders.post({
      data: {
        type: 'flight-order',
        flightOffers: [priced],
        travelers: [
          traveler('1'),
          traveler('2', bornYearsBefore(1, 1)),
          { ...traveler('3', bornYearsBefore(1, 1)), contact: undefined },
        ],
      },
    });
    expect(created.statusCode).toBe(201);
    // The adult and the seated infant take a seat each; the held infant sits on a lap.
    expect(await seatsLeft(flight)).toBe(before - 2);
    const read = await sdk.booking.flightOrder(created.data.id).get();
    expect(read.data.flightOffers[0].travelerPricings.map((p: SdkJson) => p.travelerType)).toEqual([
      'ADULT',
      'SEATED_INFANT',
      'HELD_INFANT',
    ]);
  });

  it('refuses a SEATED_INFANT of 2 or more (book a CHILD), naming the traveller', async () => {
    const [offer] = (
      await sdk.shopping.flightOffersSearch.post({
        originDestinations: [leg('1', 'LHR', 'JFK', 3)],
        travelers: [
          { id: '1', travelerType: 'ADULT' },
          { id: '2', travelerType: 'SEATED_INFANT' },
        ],
        sources: ['GDS'],
        searchCriteria: { maxFlightOffers: 1 },
      })
    ).data;
    const error = await sdkFailure(
      sdk.booking.flightOrders.post({
        data: {
          type: 'flight-order',
          flightOffers: [offer],
          travelers: [traveler('1'), traveler('2', bornYearsBefore(5, 1))],
        },
      }),
    );
    expect(error.description[0]).toMatchObject({ source: { pointer: '/data/travelers/1/dateOfBirth' } });
  });

  it('keeps YOUNG and STUDENT through the booking: the order read back shows them', async () => {
    const [offer] = (
      await sdk.shopping.flightOffersSearch.post({
        originDestinations: [leg('1', 'LHR', 'JFK', 3)],
        travelers: [
          { id: '1', travelerType: 'YOUNG' },
          { id: '2', travelerType: 'STUDENT' },
          { id: '3', travelerType: 'SENIOR' },
        ],
        sources: ['GDS'],
        searchCriteria: { maxFlightOffers: 1 },
      })
    ).data;
    const created = await sdk.booking.flightOrders.post({
      data: {
        type: 'flight-order',
        flightOffers: [offer],
        travelers: [traveler('1', '2006-03-01'), traveler('2', '2003-03-01'), traveler('3', '1950-03-01')],
      },
    });
    const types = (order: SdkJson) =>
      order.flightOffers[0].travelerPricings.map((p: SdkJson) => p.travelerType);
    expect(types(created.data)).toEqual(['YOUNG', 'STUDENT', 'SENIOR']);
    const read = await sdk.booking.flightOrder(created.data.id).get();
    expect(types(read.data)).toEqual(['YOUNG', 'STUDENT', 'SENIOR']);
  });
});

describe('include= on Flight Offers Price', () => {
  it('answers bags, detailed-fare-rules and credit-card-fees from the filed fare, in the spec’s shape', async () => {
    const [offer] = (
      await sdk.shopping.flightOffersSearch.get({
        originLocationCode: 'LHR',
        destinationLocationCode: 'JFK',
        departureDate: tp.date(7),
        adults: '1',
        nonStop: true,
        max: 1,
      })
    ).data;
    // The flight is now sold under a filed fare: refundable, two checked bags.
    const flightId = flightsOf(offer)[0]?.[0] ?? '';
    const [flight] = await tp.platform.store.getFlights([flightId]);
    if (!flight) throw new Error('no flight');
    await tp.platform.store.putFlights([{ ...flight, fareSource: 'filed' }]);
    await tp.platform.backend.fares.stage('include-test', [
      {
        line: 1,
        filing: {
          carrier: flight.carrier,
          origin: 'LHR',
          destination: 'JFK',
          cabin: 'economy',
          fareBasis: 'YFLEX',
          bookingClass: 'Y',
          amount: 45_000,
          currency: flight.currency,
          firstTravelDate: tp.date(0),
          lastTravelDate: tp.date(30),
          refundable: true,
          checkedBags: 2,
          tripType: 'any',
        },
      },
    ]);
    await tp.platform.backend.fares.publish('include-test', [flight.carrier], []);

    // As the Python SDK writes the list: repeated keys.
    const query = new URLSearchParams([
      ['include', 'bags'],
      ['include', 'detailed-fare-rules'],
      ['include', 'credit-card-fees'],
      ['include', 'other-services'],
    ]);
    const { status, json } = await post(`/v1/shopping/flight-offers/pricing?${query}`, {
      data: { type: 'flight-offers-pricing', flightOffers: [offer] },
    });
    expect(status).toBe(200);
    const priced = json.data.flightOffers[0];
    expect(priced.travelerPricings[0].fareDetailsBySegment[0]).toMatchObject({
      fareBasis: 'YFLEX',
      includedCheckedBags: { quantity: 2 },
    });
    expect(json.included.bags).toEqual({
      '1': {
        quantity: 2,
        name: 'CHECKED_BAG',
        price: { amount: '0.00', currencyCode: 'USD' },
        bookableByItinerary: true,
        segmentIds: ['1'],
        travelerIds: ['1'],
      },
    });
    expect(json.included['detailed-fare-rules']).toEqual({
      '1': {
        fareBasis: 'YFLEX',
        name: 'YFLEX',
        segmentId: '1',
        fareNotes: {
          category: 'REFUND',
          notApplicable: false,
          descriptions: [{ descriptionType: 'PENALTIES', text: expect.stringMatching(/^REFUNDABLE/) }],
        },
      },
    });
    const fees = Object.values(json.included['credit-card-fees']) as SdkJson[];
    expect(fees.map((f) => f.brand)).toContain('MASTERCARD');
    for (const fee of fees)
      expect(fee).toMatchObject({ amount: '0.00', currency: 'USD', flightOfferId: priced.id });
    expect(json.warnings.map((w: SdkJson) => w.title)).toContain('PricingOrFareBasisDiscrepancyWarning');
    expect(json.warnings.map((w: SdkJson) => w.detail)).toContain(
      'include was not applied: other-services: the inventory sells no ancillary services',
    );

    // The Node SDK's comma list reads the same.
    const node = await sdk.shopping.flightOffers.pricing.post(
      { data: { type: 'flight-offers-pricing', flightOffers: [priced] } },
      { include: 'bags,detailed-fare-rules' },
    );
    expect(Object.keys(node.result.included)).toEqual(['bags', 'detailed-fare-rules']);
  });
});
