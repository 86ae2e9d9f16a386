import { type Static, Type } from '@sinclair/typebox';
import {
  CalendarDate,
  CurrencyCode,
  Cursor,
  DecimalAmount,
  IataCode,
  PageLimit,
  searchResponse,
} from './common.js';

export const HotelSearchQuery = Type.Object(
  {
    cityCode: Type.Optional(IataCode),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    radiusKm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100 })),
    checkIn: CalendarDate,
    checkOut: CalendarDate,
    adults: Type.Integer({ minimum: 1, maximum: 9, default: 1 }),
    rooms: Type.Integer({ minimum: 1, maximum: 9, default: 1 }),
    minStars: Type.Optional(Type.Integer({ minimum: 1, maximum: 5 })),
    maxPrice: Type.Optional(DecimalAmount),
    sort: Type.Union([Type.Literal('price'), Type.Literal('stars'), Type.Literal('distance')], {
      default: 'price',
    }),
    currency: Type.Optional(CurrencyCode),
    limit: PageLimit,
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type HotelSearchQuery = Static<typeof HotelSearchQuery>;

export const HotelOffer = Type.Object(
  {
    id: Type.String(),
    type: Type.Literal('hotel-offer'),
    hotel: Type.Object({
      id: Type.String(),
      name: Type.String(),
      cityCode: Type.String(),
      stars: Type.Integer(),
      latitude: Type.Number(),
      longitude: Type.Number(),
      address: Type.String(),
      amenities: Type.Array(Type.String()),
      distanceKm: Type.Number(),
    }),
    room: Type.Object({ type: Type.String(), name: Type.String(), maxOccupancy: Type.Integer() }),
    checkIn: Type.String(),
    checkOut: Type.String(),
    nights: Type.Integer(),
    rooms: Type.Integer(),
    adults: Type.Integer(),
    nightlyPrice: Type.Ref('Price'),
    price: Type.Ref('Price'),
    roomsLeft: Type.Integer(),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'HotelOffer' },
);

export const HotelSearchResponse = searchResponse('HotelOffer');
