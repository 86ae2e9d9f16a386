import { Type } from '@sinclair/typebox';
import { CalendarDate } from './common.js';

const Cabin = Type.Union([
  Type.Literal('economy'),
  Type.Literal('premium_economy'),
  Type.Literal('business'),
  Type.Literal('first'),
]);
const FlightId = Type.String({ minLength: 1, maxLength: 64 });
const HotelId = Type.String({ minLength: 1, maxLength: 64 });
const RoomType = Type.String({ minLength: 1, maxLength: 64 });
const Amount = Type.String({
  pattern: '^\\d{1,9}(\\.\\d{1,2})?$',
  description: "Decimal string in the inventory's currency (major units)",
});
const MAX_ITEMS = 1000;

/** Body of `POST /v1/admin/fares`: new fares of flight cabins and nightly rates of room types. */
export const FaresBody = Type.Object(
  {
    flights: Type.Optional(
      Type.Array(
        Type.Object(
          { flightId: FlightId, cabin: Cabin, fare: Amount, taxes: Type.Optional(Amount) },
          { additionalProperties: false },
        ),
        { maxItems: MAX_ITEMS, description: 'Base fare per adult (and optionally taxes per passenger)' },
      ),
    ),
    hotels: Type.Optional(
      Type.Array(
        Type.Object(
          { hotelId: HotelId, roomType: RoomType, date: CalendarDate, rate: Amount },
          { additionalProperties: false },
        ),
        { maxItems: MAX_ITEMS, description: 'Nightly rate of one room' },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Body of `POST /v1/admin/availability`: seats left of flight cabins and rooms left of room nights. */
export const AvailabilityBody = Type.Object(
  {
    flights: Type.Optional(
      Type.Array(
        Type.Object(
          { flightId: FlightId, cabin: Cabin, seatsLeft: Type.Integer({ minimum: 0, maximum: 10_000 }) },
          { additionalProperties: false },
        ),
        { maxItems: MAX_ITEMS },
      ),
    ),
    hotels: Type.Optional(
      Type.Array(
        Type.Object(
          {
            hotelId: HotelId,
            roomType: RoomType,
            date: CalendarDate,
            roomsLeft: Type.Integer({ minimum: 0, maximum: 10_000 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: MAX_ITEMS },
      ),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

const Touched = Type.Object({
  flights: Type.Array(
    Type.Object({
      flightId: Type.String(),
      cabin: Type.String(),
      origin: Type.String(),
      destination: Type.String(),
      departureDate: Type.String({ description: 'UTC departure date' }),
    }),
  ),
  hotelNights: Type.Array(
    Type.Object({
      hotelId: Type.String(),
      roomType: Type.String(),
      cityCode: Type.String(),
      date: Type.String(),
    }),
  ),
});

/** Answer of both bulk updates: what changed, and the event announcing it. */
export const InventoryChangeResponse = Type.Object({
  data: Touched,
  meta: Type.Object({
    eventId: Type.String({ description: 'Id of the (first) event announcing the change' }),
    eventIds: Type.Array(Type.String(), {
      description: 'Every event announcing it: one per chunk the store applied atomically (usually one)',
    }),
    count: Type.Integer(),
  }),
});
