import { type Static, Type } from '@sinclair/typebox';
import { E164_PATTERN, EMAIL_MAX_LENGTH, EMAIL_PATTERN } from '../../core/bookings/contact-rules.js';
import { CalendarDate } from './common.js';

/** `Idempotency-Key`: 1–255 printable ASCII characters, as payment APIs accept. */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x20-\\x7E]+$',
    description: 'Client-chosen key (e.g. a UUID) making retries of this booking safe; kept at least 24 h.',
  }),
});

const PersonName = Type.String({
  minLength: 1,
  maxLength: 60,
  pattern: "^\\p{L}[\\p{L}\\p{M} '.-]*$",
  description: 'As on the travel document: letters, spaces, hyphens, apostrophes, dots.',
});

export const PassengerSchema = Type.Object(
  {
    type: Type.Union(
      [Type.Literal('adult'), Type.Literal('child'), Type.Literal('seated_infant'), Type.Literal('infant')],
      {
        description:
          'adult 12+, child 2–11, seated_infant under 2 in a seat of its own (books a child of the offer, at the child fare), infant under 2 on a lap, by age on the day of travel',
      },
    ),
    givenName: PersonName,
    familyName: PersonName,
    dateOfBirth: CalendarDate,
    title: Type.Optional(
      Type.Union(
        [
          Type.Literal('mr'),
          Type.Literal('ms'),
          Type.Literal('mrs'),
          Type.Literal('miss'),
          Type.Literal('dr'),
        ],
        { description: 'Required when the offer comes from a supplier that needs it (duffel)' },
      ),
    ),
    gender: Type.Optional(
      Type.Union([Type.Literal('m'), Type.Literal('f')], {
        description:
          'As on the travel document; required when the offer comes from a supplier that needs it (duffel)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ContactSchema = Type.Object(
  {
    email: Type.String({ maxLength: EMAIL_MAX_LENGTH, pattern: EMAIL_PATTERN }),
    phone: Type.String({ pattern: E164_PATTERN, description: 'E.164, e.g. +442071234567' }),
  },
  { additionalProperties: false },
);

/** Body of `POST /v1/bookings`. */
export const BookingBody = Type.Object(
  {
    offerId: Type.String({ minLength: 1, maxLength: 4096, description: 'An offer id from a search' }),
    passengers: Type.Array(PassengerSchema, { minItems: 1, maxItems: 27 }),
    contact: ContactSchema,
  },
  { additionalProperties: false },
);
export type BookingBody = Static<typeof BookingBody>;

export const BookingParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** A booking as its owner sees it. */
export const BookingSchema = Type.Object(
  {
    id: Type.String(),
    reference: Type.String({ description: '6-character booking reference (like a PNR)' }),
    status: Type.Union([Type.Literal('confirmed'), Type.Literal('cancelled')]),
    type: Type.Union([Type.Literal('flight'), Type.Literal('hotel')]),
    offer: Type.Union([Type.Ref('FlightOffer'), Type.Ref('HotelOffer')], {
      description: 'The offer as confirmed when booking',
    }),
    price: Type.Ref('Price'),
    passengers: Type.Array(
      Type.Object({
        ...PassengerSchema.properties,
        dateOfBirth: Type.Optional(CalendarDate),
      }),
      { description: 'Hotel guests booked through the Amadeus-compatible routes have no date of birth' },
    ),
    contact: ContactSchema,
    createdAt: Type.String({ format: 'date-time' }),
    cancelledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'Booking' },
);

export const BookingResponse = Type.Object({ data: Type.Ref('Booking') });
