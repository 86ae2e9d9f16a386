import { type Static, Type } from '@sinclair/typebox';
import { FLIGHT_SEARCH_DEFAULTS as DEFAULTS } from '../../core/search/request-rules.js';
import {
  CalendarDate,
  CurrencyCode,
  Cursor,
  DecimalAmount,
  IataCode,
  PageLimit,
  searchResponse,
} from './common.js';

export const CabinSchema = Type.Union(
  [Type.Literal('economy'), Type.Literal('premium_economy'), Type.Literal('business'), Type.Literal('first')],
  { default: DEFAULTS.cabin },
);

export const FlightSearchQuery = Type.Object(
  {
    origin: IataCode,
    destination: IataCode,
    departureDate: CalendarDate,
    returnDate: Type.Optional(CalendarDate),
    adults: Type.Integer({ minimum: 1, maximum: 9, default: DEFAULTS.adults }),
    children: Type.Integer({ minimum: 0, maximum: 8, default: DEFAULTS.children }),
    infants: Type.Integer({ minimum: 0, maximum: 9, default: DEFAULTS.infants }),
    cabin: CabinSchema,
    maxStops: Type.Integer({ minimum: 0, maximum: 2, default: DEFAULTS.maxStops }),
    sort: Type.Union([Type.Literal('price'), Type.Literal('duration'), Type.Literal('departure')], {
      default: DEFAULTS.sort,
    }),
    maxPrice: Type.Optional(DecimalAmount),
    carriers: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9]{2}(,[A-Za-z0-9]{2}){0,19}$',
        description: 'Comma-separated IATA carrier codes',
      }),
    ),
    currency: Type.Optional(CurrencyCode),
    limit: PageLimit,
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type FlightSearchQuery = Static<typeof FlightSearchQuery>;

const Endpoint = Type.Object({
  iataCode: Type.String(),
  cityCode: Type.String(),
  at: Type.String({ description: 'Local time with offset' }),
  atUtc: Type.String({ description: 'UTC time' }),
});

const Segment = Type.Object({
  id: Type.String(),
  carrierCode: Type.String(),
  carrierName: Type.String(),
  flightNumber: Type.String(),
  aircraft: Type.String(),
  departure: Endpoint,
  arrival: Endpoint,
  duration: Type.String({ description: 'ISO 8601 duration' }),
  distanceKm: Type.Integer(),
  cabin: Type.String(),
  seatsLeft: Type.Integer(),
  fare: Type.Optional(
    Type.Union(
      [
        Type.Object({
          source: Type.Literal('filed'),
          fareBasis: Type.String(),
          bookingClass: Type.String(),
          refundable: Type.Boolean(),
          checkedBags: Type.Integer(),
        }),
        Type.Object({ source: Type.Literal('estimated') }),
      ],
      {
        description:
          'The filed fare the segment is sold under (imported fares), or `estimated` when its price comes from the demo fare model; absent for inventory fares',
      },
    ),
  ),
  stops: Type.Optional(
    Type.Array(
      Type.Object({
        iataCode: Type.String(),
        arrivalAt: Type.String({ description: 'Local time with offset' }),
        departureAt: Type.String({ description: 'Local time with offset' }),
        duration: Type.String({ description: 'ISO 8601 duration on the ground' }),
      }),
      { description: 'Intermediate stops of a through flight (one flight number over several legs)' },
    ),
  ),
  codeshares: Type.Optional(
    Type.Array(Type.String(), { description: 'Marketing flight numbers of codeshare partners, e.g. QR5911' }),
  ),
});

const Itinerary = Type.Object({
  direction: Type.Union([Type.Literal('outbound'), Type.Literal('return')]),
  duration: Type.String(),
  stops: Type.Integer(),
  segments: Type.Array(Segment),
});

export const FlightOffer = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('flight-offer'),
    source: Type.String(),
    cabin: Type.String(),
    itineraries: Type.Array(Itinerary),
    price: Type.Ref('Price'),
    priceEstimated: Type.Optional(
      Type.Literal(true, {
        description:
          'Present when a segment is priced by the demo fare model (a schedule imported without fares)',
      }),
    ),
    travelerPricings: Type.Array(
      Type.Object({
        travelerType: Type.Union([Type.Literal('adult'), Type.Literal('child'), Type.Literal('infant')]),
        count: Type.Integer(),
        price: Type.Ref('Price'),
      }),
    ),
    seatsLeft: Type.Integer(),
    validatingCarrier: Type.String(),
    lastTicketingDate: Type.String(),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'FlightOffer' },
);

export const FlightSearchResponse = searchResponse('FlightOffer');
