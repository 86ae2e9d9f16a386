import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import { isE164, isEmail } from '../../core/bookings/contact-rules.js';
import { DomainError, invalidField, withFieldNames } from '../../core/errors.js';
import type { FlightOfferView } from '../../core/flights/flight-offer-view.js';
import type { OfferSeal } from '../../core/offers/offer-seal.js';
import { fareTypeOf } from '../../core/pricing/passenger-pricing.js';
import type {
  BookingDetails,
  BookingOwner,
  BookingRecord,
  Contact,
  Passenger,
  PassengerGender,
  PassengerTitle,
} from '../../ports/bookings.js';
import type { ApiServices } from '../services.js';
import { AMADEUS_TAG, clientOwner, idempotencyKeyOf } from './context.js';
import { type TravelerRef, toAmadeusFlightOffer } from './flight-offer-mapper.js';
import {
  FlightOrderBody,
  type FlightOrderData,
  FlightOrderResponse,
  type FlightOrderTraveler,
  type OrderContact as OrderContactSchema,
  OrderParams,
} from './flight-schemas.js';
import { verifyFlightOffer } from './offer-verification.js';
import { amadeusBody, amadeusErrorResponses } from './schemas.js';

type Traveler = Static<typeof FlightOrderTraveler>;
type OrderContact = Static<typeof OrderContactSchema>;

/**
 * The booking contact: the first traveller with an email address and a phone number, else the
 * order's first `contacts` entry with both (where apps on the Java SDK, whose traveller contact has
 * no email member, put them).
 */
function contactOf(travelers: readonly Traveler[], contacts: readonly OrderContact[]): Contact {
  const candidates = [
    ...travelers.map((t, index) => ({ contact: t.contact, field: `body.data.travelers.${index}.contact` })),
    ...contacts.map((contact, index) => ({ contact, field: `body.data.contacts.${index}` })),
  ];
  for (const { contact, field } of candidates) {
    const email = contact?.emailAddress;
    const phone = contact?.phones?.[0];
    if (email === undefined || phone === undefined) continue;
    const number = `+${phone.countryCallingCode ?? ''}${phone.number}`;
    if (!isEmail(email)) throw invalidField(`${field}.emailAddress`, 'is not an email address');
    if (!isE164(number)) {
      throw invalidField(`${field}.phones.0`, 'countryCallingCode and number must form an E.164 number');
    }
    return { email, phone: number };
  }
  throw invalidField(
    'body.data.travelers.0.contact',
    'one traveller (or data.contacts) needs emailAddress and phones for the booking contact',
  );
}

/** Amadeus's MALE / FEMALE as the booking's gender; UNSPECIFIED, UNDISCLOSED and others stay unset. */
const GENDERS: Readonly<Record<string, PassengerGender>> = { MALE: 'm', FEMALE: 'f' };
const AMADEUS_GENDERS: Readonly<Record<PassengerGender, string>> = { m: 'MALE', f: 'FEMALE' };
/**
 * Amadeus travellers carry no title, which some suppliers (Duffel) require: the neutral one for the
 * gender is sent ("ms" says nothing of marital status).
 */
const TITLES: Readonly<Record<PassengerGender, PassengerTitle>> = { m: 'mr', f: 'ms' };

/**
 * The booking's passenger type of a priced traveller: a SEATED_INFANT is a seated infant (child fare,
 * own seat, under 2); YOUNG, STUDENT and SENIOR are adults kept under their own category.
 */
function passengerTypeOf(traveler: TravelerRef): Pick<Passenger, 'type' | 'category'> {
  if (traveler.label === SEATED_INFANT) return { type: 'seated_infant' };
  return { type: traveler.type, ...(traveler.label ? { category: traveler.label } : {}) };
}

/** A booked passenger as the traveller its offer was priced for, under its Amadeus type. */
function travelerRefOf(passenger: Passenger, id: string): TravelerRef {
  if (passenger.type === 'seated_infant')
    return { id, type: fareTypeOf(passenger.type), label: SEATED_INFANT };
  return {
    id,
    type: fareTypeOf(passenger.type),
    ...(passenger.category ? { label: passenger.category } : {}),
  };
}

const SEATED_INFANT = 'SEATED_INFANT';

/** A stored flight booking as an Amadeus flight order. */
function flightOrder(booking: BookingRecord, seal: OfferSeal) {
  const offer = toAmadeusFlightOffer(
    booking.offer as FlightOfferView,
    booking.passengers.map((p, i) => travelerRefOf(p, String(i + 1))),
    seal,
  );
  return {
    type: 'flight-order' as const,
    id: booking.id,
    associatedRecords: [
      {
        reference: booking.reference,
        creationDate: new Date(booking.createdAt).toISOString().slice(0, 23),
        originSystemCode: 'GDS',
        flightOfferId: offer.id,
      },
    ],
    flightOffers: [offer],
    ...orderDetails(booking.details),
    travelers: booking.passengers.map((p, i) => ({
      id: String(i + 1),
      dateOfBirth: p.dateOfBirth,
      ...(p.gender ? { gender: AMADEUS_GENDERS[p.gender] } : {}),
      name: { firstName: p.givenName.toUpperCase(), lastName: p.familyName.toUpperCase() },
      ...(booking.details?.documents?.[i]?.length ? { documents: booking.details.documents[i] } : {}),
      ...(i === 0
        ? {
            contact: {
              emailAddress: booking.contact.email,
              phones: [{ deviceType: 'MOBILE', number: booking.contact.phone }],
            },
          }
        : {}),
    })),
  };
}

/** The order members kept from the request, as the client gave them. */
function orderDetails(details: BookingDetails | undefined) {
  return {
    ...(details?.remarks === undefined ? {} : { remarks: details.remarks }),
    ...(details?.ticketingAgreement === undefined ? {} : { ticketingAgreement: details.ticketingAgreement }),
    ...(details?.contacts === undefined ? {} : { contacts: details.contacts }),
  };
}

/** What of an order request is kept beside the booking: documents, remarks, agreement, contacts. */
function detailsOf(data: Static<typeof FlightOrderData>): BookingDetails | undefined {
  const documents = data.travelers.map((traveler) => traveler.documents ?? []);
  const details: BookingDetails = {
    ...(documents.some((list) => list.length > 0) ? { documents } : {}),
    ...(data.remarks === undefined ? {} : { remarks: data.remarks }),
    ...(data.ticketingAgreement === undefined ? {} : { ticketingAgreement: data.ticketingAgreement }),
    ...(data.contacts === undefined ? {} : { contacts: data.contacts }),
  };
  return Object.keys(details).length > 0 ? details : undefined;
}

/** Passenger fields as the core names them, renamed to the order's travellers. */
const travelerField = (field: string): string => field.replace(/^body\.passengers/, 'body.data.travelers');

/** Flight orders: create (book), retrieve and cancel, over the core's booking use case. */
export const flightOrderRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  /** A live flight booking of this client; cancelled ones are gone, as Amadeus deletes them. */
  async function liveFlightBooking(id: string, owner: BookingOwner): Promise<BookingRecord> {
    const booking = await services.bookings.get(id, owner);
    if (booking.hold.kind !== 'seats' || booking.status === 'cancelled') {
      throw new DomainError('booking-not-found', `no flight order ${id} exists for this client`);
    }
    return booking;
  }

  app.post(
    '/v1/booking/flight-orders',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Create a flight order (Amadeus Flight Create Orders v1)',
        description:
          'Books a priced offer sent back exactly as issued: re-priced, then its seats taken atomically. An Idempotency-Key header, if sent, makes retries safe.',
        body: FlightOrderBody,
        response: {
          201: amadeusBody(FlightOrderResponse, 'The flight order'),
          ...amadeusErrorResponses(400, 401, 404, 429, 500),
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const data = 'data' in body ? body.data : body;
      const sent = data.flightOffers[0] as Record<string, unknown>;
      const verified = await verifyFlightOffer(services, sent, 'body.data.flightOffers.0');
      const priced = new Map(verified.travelers.map((t) => [t.id, t]));
      const passengers: Passenger[] = data.travelers.map((traveler, index) => {
        const ref = priced.get(traveler.id);
        if (ref === undefined) {
          throw invalidField(`body.data.travelers.${index}.id`, 'no traveller of the offer has this id');
        }
        const gender = traveler.gender === undefined ? undefined : GENDERS[traveler.gender];
        return {
          ...passengerTypeOf(ref),
          givenName: traveler.name.firstName,
          familyName: traveler.name.lastName,
          dateOfBirth: traveler.dateOfBirth,
          ...(gender ? { gender, title: TITLES[gender] } : {}),
        };
      });
      const { booking } = await withFieldNames(travelerField, () =>
        services.bookings.book({
          owner: clientOwner(request),
          idempotencyKey: idempotencyKeyOf(request),
          request: {
            offerId: verified.offerId,
            passengers,
            contact: contactOf(data.travelers, data.contacts ?? []),
            details: detailsOf(data),
          },
        }),
      );
      reply.code(201).header('cache-control', 'no-store');
      return { data: flightOrder(booking, services.offerSeal) };
    },
  );

  app.get(
    '/v1/booking/flight-orders/:id',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Retrieve a flight order (Amadeus Flight Order Management v1)',
        description: 'A cancelled order is gone (404), as with Amadeus.',
        params: OrderParams,
        response: {
          200: amadeusBody(FlightOrderResponse, 'The flight order'),
          ...amadeusErrorResponses(400, 401, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const booking = await liveFlightBooking(request.params.id, clientOwner(request));
      reply.header('cache-control', 'no-store');
      return { data: flightOrder(booking, services.offerSeal) };
    },
  );

  app.delete(
    '/v1/booking/flight-orders/:id',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Cancel a flight order (Amadeus Flight Order Management v1)',
        description:
          "Cancels the booking and gives its seats back; 204 with no body. A remote supplier's order is cancelled at the supplier first: a refusal is 400 and the order stays; a supplier that cannot be reached is 503 with Retry-After (retrying cancels once).",
        params: OrderParams,
        response: {
          204: { description: 'Cancelled', type: 'null' },
          ...amadeusErrorResponses(400, 401, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const owner = clientOwner(request);
      await liveFlightBooking(request.params.id, owner);
      await services.bookings.cancel(request.params.id, owner);
      return reply.code(204).send();
    },
  );
};
