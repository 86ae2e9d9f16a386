import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmadeusSdk, type SdkJson, sdkFailure, signedInSdk } from '../helpers/amadeus-sdk.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * Search criteria and parameters as the official SDKs send them: the Node SDK's objects, Python's
 * `urlencode(doseq=True)` repeated keys, parameters Amadeus ignored, and Amadeus's error codes.
 */

let tp: TestPlatform;
let sdk: AmadeusSdk;
let token: string;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 30, days: 6 });
  ({ sdk, token } = await signedInSdk(tp, 'criteria app'));
});
afterAll(() => tp.close());

/** A GET as Python's SDK sends it: `urlencode(params, doseq=True)`, lists as repeated keys. */
async function pythonGet(
  path: string,
  params: [string, string][],
): Promise<{ status: number; json: SdkJson }> {
  const response = await fetch(`${tp.baseUrl}${path}?${new URLSearchParams(params).toString()}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json, application/vnd.amadeus+json' },
  });
  return { status: response.status, json: await response.json() };
}

const route = { originLocationCode: 'LHR', destinationLocationCode: 'JFK' };
const perTraveler = (offer: SdkJson) => offer.travelerPricings.map((p: SdkJson) => Number(p.price.total));
const departureTime = (offer: SdkJson) => String(offer.itineraries[0].segments[0].departure.at).slice(11, 16);

function postSearch(extra: Record<string, unknown>, date = tp.date(2)) {
  const { departureDateTimeRange, ...rest } = extra as { departureDateTimeRange?: Record<string, unknown> };
  return sdk.shopping.flightOffersSearch.post({
    originDestinations: [{ id: '1', ...route, departureDateTimeRange: { date, ...departureDateTimeRange } }],
    travelers: [{ id: '1', travelerType: 'ADULT' }],
    sources: ['GDS'],
    ...rest,
  });
}

describe('flight search criteria', () => {
  it('reads maxPrice per traveller (GET and POST searchCriteria.maxPrice), as Amadeus did', async () => {
    const all = await sdk.shopping.flightOffersSearch.get({
      ...route,
      departureDate: tp.date(2),
      adults: '2',
    });
    const cheapest = Math.ceil(Math.min(...all.data.map((o: SdkJson) => Math.max(...perTraveler(o)))));
    const capped = await sdk.shopping.flightOffersSearch.get({
      ...route,
      departureDate: tp.date(2),
      adults: '2',
      maxPrice: cheapest,
    });
    expect(capped.data.length).toBeGreaterThan(0);
    // The whole offer (two travellers) costs more than maxPrice: the cap is per traveller.
    expect(Number(capped.data[0].price.grandTotal)).toBeGreaterThan(cheapest);
    for (const offer of capped.data)
      for (const price of perTraveler(offer)) expect(price).toBeLessThanOrEqual(cheapest);

    const posted = await postSearch({ searchCriteria: { maxPrice: cheapest } });
    expect(posted.data.length).toBeGreaterThan(0);
    for (const offer of posted.data)
      for (const price of perTraveler(offer)) expect(price).toBeLessThanOrEqual(cheapest);
  });

  it('removes excluded carriers before the max cut, so the page is full', async () => {
    const all = await sdk.shopping.flightOffersSearch.get({
      ...route,
      departureDate: tp.date(2),
      adults: '1',
    });
    const carrier = all.data[0].validatingAirlineCodes[0];
    const others = all.data.filter((o: SdkJson) =>
      o.itineraries.every((it: SdkJson) => it.segments.every((s: SdkJson) => s.carrierCode !== carrier)),
    );
    const max = Math.max(1, Math.min(5, others.length));
    const page = await sdk.shopping.flightOffersSearch.get({
      ...route,
      departureDate: tp.date(2),
      adults: '1',
      excludedAirlineCodes: carrier,
      max,
    });
    expect(page.data).toHaveLength(Math.min(max, others.length));
  });

  it('applies departure time windows, date windows with oneFlightOfferPerDay, nonStopPreferred and maxFlightTime', async () => {
    const all = await postSearch({});
    const windowed = await postSearch({ departureDateTimeRange: { time: '12:00:00', timeWindow: '3H' } });
    expect(windowed.data.length).toBeGreaterThan(0);
    expect(windowed.data.length).toBeLessThan(all.data.length);
    for (const offer of windowed.data) {
      expect(departureTime(offer) >= '09:00' && departureTime(offer) <= '15:00').toBe(true);
    }

    const daily = await postSearch(
      { departureDateTimeRange: { dateWindow: 'I1D' }, searchCriteria: { oneFlightOfferPerDay: true } },
      tp.date(2),
    );
    const days = daily.data.map((o: SdkJson) =>
      String(o.itineraries[0].segments[0].departure.at).slice(0, 10),
    );
    expect(new Set(days).size).toBe(days.length);
    expect(days.length).toBeGreaterThan(1);

    const preferred = await postSearch({
      searchCriteria: { flightFilters: { connectionRestriction: { nonStopPreferred: true } } },
    });
    const stops = preferred.data.map((o: SdkJson) => o.itineraries[0].segments.length - 1);
    expect([...stops].sort((a, b) => a - b)).toEqual(stops);

    expect(stops.some((count: number) => count > 0)).toBe(true);
    const quick = await postSearch({ searchCriteria: { flightFilters: { maxFlightTime: 100 } } });
    expect(quick.data.length).toBeGreaterThan(0);
    const durations = new Set(quick.data.map((o: SdkJson) => o.itineraries[0].duration));
    expect(durations.size).toBe(1);
  });

  it('applies a cabin restriction to the whole journey, with a warning when it named some legs only', async () => {
    const response = await sdk.shopping.flightOffersSearch.post({
      originDestinations: [
        { id: 'out', ...route, departureDateTimeRange: { date: tp.date(1) } },
        {
          id: 'back',
          originLocationCode: 'JFK',
          destinationLocationCode: 'LHR',
          departureDateTimeRange: { date: tp.date(4) },
        },
      ],
      travelers: [{ id: '1', travelerType: 'ADULT' }],
      sources: ['GDS'],
      searchCriteria: {
        maxFlightOffers: 2,
        flightFilters: {
          cabinRestrictions: [
            { cabin: 'BUSINESS', coverage: 'MOST_SEGMENTS', originDestinationIds: ['out'] },
          ],
        },
      },
    });
    expect(response.result.warnings[0]).toMatchObject({ source: { parameter: 'cabinRestrictions' } });
    expect(response.data.length).toBeGreaterThan(0);
    for (const offer of response.data) {
      for (const fare of offer.travelerPricings[0].fareDetailsBySegment) expect(fare.cabin).toBe('BUSINESS');
    }
  });

  it('prices YOUNG and STUDENT travellers at the adult fare and keeps their type through pricing', async () => {
    const response = await sdk.shopping.flightOffersSearch.post({
      originDestinations: [{ id: '1', ...route, departureDateTimeRange: { date: tp.date(2) } }],
      travelers: [
        { id: '1', travelerType: 'ADULT' },
        { id: '2', travelerType: 'YOUNG' },
        { id: '3', travelerType: 'STUDENT' },
      ],
      sources: ['GDS'],
      searchCriteria: { maxFlightOffers: 1 },
    });
    const [offer] = response.data;
    expect(offer.travelerPricings.map((p: SdkJson) => p.travelerType)).toEqual(['ADULT', 'YOUNG', 'STUDENT']);
    expect(new Set(perTraveler(offer)).size).toBe(1);
    const priced = await sdk.shopping.flightOffers.pricing.post({
      data: { type: 'flight-offers-pricing', flightOffers: [offer] },
    });
    expect(priced.data.flightOffers[0].travelerPricings[1].travelerType).toBe('YOUNG');
  });

  it('carries tax lines, currency names and country codes', async () => {
    const response = await sdk.shopping.flightOffersSearch.get({
      ...route,
      departureDate: tp.date(2),
      adults: '1',
      currencyCode: 'EUR',
      max: 1,
    });
    const [offer] = response.data;
    const taxes = offer.travelerPricings[0].price.taxes;
    expect(taxes).toEqual([{ amount: expect.stringMatching(/^\d+\.\d{2}$/), code: 'XT' }]);
    expect(response.result.dictionaries.currencies).toEqual({ EUR: 'EURO' });
    expect(response.result.dictionaries.locations.LHR).toEqual({ cityCode: 'LON', countryCode: 'GB' });
    expect(response.result.dictionaries.locations.JFK).toMatchObject({ countryCode: 'US' });
  });
});

describe('parameters as the SDKs send them', () => {
  it('parses Python’s repeated keys as lists and filters locations by countryCode', async () => {
    const { status, json } = await pythonGet('/v1/reference-data/locations', [
      ['keyword', 'LON'],
      ['subType', 'CITY'],
      ['subType', 'AIRPORT'],
      ['countryCode', 'GB'],
    ]);
    expect(status).toBe(200);
    expect(new Set(json.data.map((l: SdkJson) => l.subType))).toEqual(new Set(['CITY', 'AIRPORT']));
    for (const location of json.data) expect(location.address.countryCode).toBe('GB');
    const elsewhere = await pythonGet('/v1/reference-data/locations', [
      ['keyword', 'LON'],
      ['subType', 'AIRPORT'],
      ['countryCode', 'FR'],
    ]);
    expect(elsewhere.json.data).toEqual([]);
  });

  it('accepts every Hotel Search parameter and ignores unknown ones; what it cannot apply is a warning', async () => {
    const hotels = await sdk.referenceData.locations.hotels.byCity.get({
      cityCode: 'LON',
      chainCodes: 'HL,MC',
      amenities: 'WIFI',
    });
    expect(hotels.result.warnings[0]).toMatchObject({ source: { parameter: 'chainCodes' } });
    expect(hotels.data[0].address.countryCode).toBe('GB');
    for (const hotel of hotels.data) expect(hotel.amenities).toContain('wifi');
    const hotelIds = hotels.data.slice(0, 3).map((h: SdkJson) => h.hotelId);
    const offers = await sdk.shopping.hotelOffersSearch.get({
      hotelIds: hotelIds.join(','),
      adults: '1',
      checkInDate: tp.date(1),
      checkOutDate: tp.date(2),
      lang: 'FR',
      boardType: 'BREAKFAST',
      paymentPolicy: 'NONE',
      countryOfResidence: 'FR',
      includeClosed: 'false',
      someFutureParameter: 'x',
    });
    expect(offers.data.length).toBeGreaterThan(0);
    expect(offers.result.warnings.map((w: SdkJson) => w.source.parameter).sort()).toEqual([
      'boardType',
      'lang',
    ]);
    const offer = offers.data[0].offers[0];
    expect(offer.policies).toMatchObject({
      paymentType: 'guarantee',
      cancellations: [{ deadline: `${tp.date(1)}T00:00:00+00:00` }],
      refundable: { cancellationRefund: 'REFUNDABLE_UP_TO_DEADLINE' },
    });
    expect(offer.room.typeEstimated).toBeTypeOf('object');

    const deposit = await sdk.shopping.hotelOffersSearch.get({
      hotelIds: hotelIds.join(','),
      paymentPolicy: 'DEPOSIT',
    });
    expect(deposit.data).toEqual([]);
  });

  it('answers include= on pricing in `included`, with a warning for what the fare records nothing of, and bookingRequirements', async () => {
    const [offer] = (
      await sdk.shopping.flightOffersSearch.get({ ...route, departureDate: tp.date(2), adults: '1', max: 1 })
    ).data;
    const priced = await sdk.shopping.flightOffers.pricing.post(
      { data: { type: 'flight-offers-pricing', flightOffers: [offer] } },
      { include: 'bags,credit-card-fees' },
    );
    // Inventory fares record no bag allowance: bags is a warning; card fees are zero for every brand.
    expect(priced.result.warnings.map((w: SdkJson) => w.detail)).toEqual([
      expect.stringMatching(/^include was not applied: bags: no checked-bag allowance is recorded/),
    ]);
    expect(priced.result.included.bags).toEqual({});
    expect(priced.result.included['credit-card-fees']['1']).toEqual({
      brand: 'VISA',
      amount: '0.00',
      currency: 'USD',
      flightOfferId: priced.data.flightOffers[0].id,
    });
    expect(priced.data.bookingRequirements.travelerRequirements).toEqual([
      { travelerId: '1', dateOfBirthRequired: true },
    ]);
  });
});

describe('Amadeus error codes', () => {
  it('is 32171 MANDATORY DATA MISSING for a missing parameter, 425 INVALID DATE for a date rule', async () => {
    const missing = await sdkFailure(sdk.shopping.flightOffersSearch.get({ ...route, adults: '1' }));
    expect(missing.description[0]).toMatchObject({
      status: 400,
      code: 32171,
      title: 'MANDATORY DATA MISSING',
      source: { parameter: 'departureDate' },
    });
    const backwards = await sdkFailure(
      sdk.shopping.flightOffersSearch.get({
        ...route,
        departureDate: tp.date(3),
        returnDate: tp.date(1),
        adults: '1',
      }),
    );
    expect(backwards.description[0]).toMatchObject({
      code: 425,
      title: 'INVALID DATE',
      source: { parameter: 'returnDate' },
    });
  });

  it('answers an unserved Amadeus API with the gateway’s 404 38196, token or not', async () => {
    for (const path of [
      '/v2/e-reputation/hotel-sentiments',
      '/v1/travel/analytics/air-traffic/booked',
      '/v1/airport/predictions/on-time',
    ]) {
      const response = await fetch(`${tp.baseUrl}${path}?x=1`);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/vnd.amadeus+json');
      expect(((await response.json()) as SdkJson).errors[0]).toMatchObject({
        code: 38196,
        title: 'Resource not found',
      });
    }
  });
});
