import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { describe, expect, it } from 'vitest';
import type { FlightOfferView, FlightSegmentView } from '../../src/core/flights/flight-offer-view.js';
import { OfferSeal } from '../../src/core/offers/offer-seal.js';
import { numberedTravelers, toAmadeusFlightOffer } from '../../src/http/amadeus/flight-offer-mapper.js';
import { Price } from '../../src/http/schemas/common.js';
import { FlightOffer } from '../../src/http/schemas/flights.js';

/*
 * The fare terms of filed fares, and the mark of estimated prices, as clients see them: in the v1
 * offer (serialised by the route's own response schema, which drops anything it does not declare)
 * and in the Amadeus shape.
 */
const price = { total: '190.00', base: '150.00', taxes: '40.00', currency: 'EUR' };

function segment(id: string, fare: FlightSegmentView['fare']): FlightSegmentView {
  const endpoint = (at: string) => ({ iataCode: 'LHR', cityCode: 'LON', at: `${at}+00:00`, atUtc: `${at}Z` });
  return {
    id,
    carrierCode: 'XA',
    carrierName: 'Example Air',
    flightNumber: `XA${id.slice(2)}`,
    aircraft: '320',
    departure: endpoint('2030-03-11T07:00:00'),
    arrival: endpoint('2030-03-11T08:15:00'),
    duration: 'PT1H15M',
    distanceKm: 340,
    cabin: 'economy',
    seatsLeft: 40,
    ...(fare === undefined ? {} : { fare }),
  };
}

function offer(segments: FlightSegmentView[], estimated = false): FlightOfferView {
  return {
    id: 'offer-id',
    type: 'flight-offer',
    source: 'inventory',
    cabin: 'economy',
    itineraries: [{ direction: 'outbound', duration: 'PT3H', stops: segments.length - 1, segments }],
    price,
    ...(estimated ? { priceEstimated: true as const } : {}),
    travelerPricings: [{ travelerType: 'adult', count: 1, price }],
    seatsLeft: 40,
    validatingCarrier: 'XA',
    lastTicketingDate: '2030-03-10',
    expiresAt: '2030-03-10T10:00:00.000Z',
  };
}

const filed = {
  source: 'filed' as const,
  fareBasis: 'VTHRU',
  bookingClass: 'V',
  refundable: true,
  checkedBags: 1,
};

describe('fare terms in offers', () => {
  it('v1: the response schema keeps each segment’s fare and the estimated mark', () => {
    // The serializer compiler Fastify itself uses for response schemas, with the shared Price schema.
    const stringify = SerializerSelector()({ Price })({
      method: 'GET',
      url: '/v1/flights/search',
      httpStatus: '200',
      schema: { ...FlightOffer, $id: undefined },
    });
    const filedOffer = JSON.parse(stringify(offer([segment('XA10', filed), segment('XA20', filed)])));
    expect(filedOffer.itineraries[0].segments.map((s: FlightSegmentView) => s.fare)).toEqual([filed, filed]);
    expect(filedOffer.priceEstimated).toBeUndefined();
    const estimated = JSON.parse(stringify(offer([segment('ZE50', { source: 'estimated' })], true)));
    expect(estimated.priceEstimated).toBe(true);
    expect(estimated.itineraries[0].segments[0].fare).toEqual({ source: 'estimated' });
    const inventory = JSON.parse(stringify(offer([segment('TP1', undefined)])));
    expect(inventory.itineraries[0].segments[0].fare).toBeUndefined();
  });

  it('Amadeus: fare basis, class and bags per segment; refundableFare when every fare is; ESTIMATED label', () => {
    const seal = new OfferSeal('offer-fare-fields-test-secret-000000000');
    const travelers = numberedTravelers({ adults: 1, children: 0, infants: 0 });
    const amadeus = toAmadeusFlightOffer(
      offer([segment('XA10', filed), segment('XA20', filed)]),
      travelers,
      seal,
    );
    expect(amadeus.pricingOptions).toEqual({
      fareType: ['PUBLISHED'],
      includedCheckedBagsOnly: false,
      refundableFare: true,
    });
    expect(amadeus.travelerPricings[0]?.fareDetailsBySegment).toEqual([
      {
        segmentId: '1',
        cabin: 'ECONOMY',
        fareBasis: 'VTHRU',
        class: 'V',
        includedCheckedBags: { quantity: 1 },
      },
      {
        segmentId: '2',
        cabin: 'ECONOMY',
        fareBasis: 'VTHRU',
        class: 'V',
        includedCheckedBags: { quantity: 1 },
      },
    ]);
    const mixed = toAmadeusFlightOffer(
      offer(
        [segment('XA10', { ...filed, refundable: false }), segment('ZE50', { source: 'estimated' })],
        true,
      ),
      travelers,
      seal,
    );
    expect(mixed.pricingOptions).toEqual({ fareType: ['PUBLISHED'], includedCheckedBagsOnly: false });
    expect(mixed.travelerPricings[0]?.fareDetailsBySegment[1]).toEqual({
      segmentId: '2',
      cabin: 'ECONOMY',
      fareBasis: 'YSTD',
      class: 'Y',
      brandedFareLabel: 'ESTIMATED',
    });
  });
});
