import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isE164, isEmail } from '../../../core/bookings/contact-rules.js';
import { invalidField, withFieldNames } from '../../../core/errors.js';
import type { ApiServices } from '../../services.js';
import { AMADEUS_TAG, clientOwner, idempotencyKeyOf } from '../context.js';
import { amadeusBody, amadeusErrorResponses } from '../schemas.js';
import { HotelBookingBody, HotelBookingResponse } from './discovery-schemas.js';

/**
 * Hotel Booking v1, the shape apps written before Hotel Booking v2 send: books a room offer through
 * the same booking use case as v2 (re-priced, rooms taken atomically, card details not stored).
 */
export const hotelBookingRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/v1/booking/hotel-bookings',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Book a room offer (Amadeus Hotel Booking v1)',
        description:
          'The guests of the first room (rooms[0].guestIds, else every guest) stay; the first of them is the contact and needs an email and an E.164 phone. Payment cards are accepted and not stored.',
        body: HotelBookingBody,
        response: {
          201: amadeusBody(HotelBookingResponse, 'The room booking'),
          ...amadeusErrorResponses(400, 401, 404, 429, 500),
        },
      },
    },
    async (request, reply) => {
      const { data } = request.body;
      const wantedIds = data.rooms?.[0]?.guestIds;
      const guests =
        wantedIds === undefined
          ? data.guests
          : wantedIds.map((id, index) => {
              const guest = data.guests.find((g, i) => (g.id ?? i + 1) === id);
              if (!guest) throw invalidField(`body.data.rooms.0.guestIds.${index}`, 'no guest has this id');
              return guest;
            });
      const lead = guests[0];
      const phone = (lead?.contact.phone ?? '').replace(/[\s()-]/g, '');
      if (!lead || !isEmail(lead.contact.email)) {
        throw invalidField('body.data.guests.0.contact.email', 'the lead guest needs an email address');
      }
      if (!isE164(phone)) {
        throw invalidField(
          'body.data.guests.0.contact.phone',
          'the lead guest needs a phone number in E.164 form',
        );
      }
      const { booking } = await withFieldNames(
        (field) =>
          field
            .replace(/^body\.passengers/, 'body.data.guests')
            .replace(/^body\.offerId/, 'body.data.offerId'),
        () =>
          services.bookings.book({
            owner: clientOwner(request),
            idempotencyKey: idempotencyKeyOf(request),
            request: {
              offerId: data.offerId,
              passengers: guests.map((g) => ({
                type: 'adult',
                givenName: g.name.firstName,
                familyName: g.name.lastName,
              })),
              contact: { email: lead.contact.email, phone },
            },
          }),
      );
      reply.code(201).header('cache-control', 'no-store');
      return {
        data: [
          {
            type: 'hotel-booking' as const,
            id: booking.reference,
            providerConfirmationId: booking.reference,
            associatedRecords: [{ reference: booking.reference, originSystemCode: 'GDS' }],
          },
        ],
      };
    },
  );
};
