import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isE164, isEmail } from '../../core/bookings/contact-rules.js';
import { invalidField, withFieldNames } from '../../core/errors.js';
import type { HotelOfferView } from '../../core/hotels/hotel-search.js';
import type { BookingRecord, Contact } from '../../ports/bookings.js';
import type { ApiServices } from '../services.js';
import { AMADEUS_TAG, baseUrl, clientOwner, idempotencyKeyOf } from './context.js';
import { amadeusRoomOffer } from './hotel-routes.js';
import { HotelOrderBody, HotelOrderResponse } from './place-schemas.js';
import { amadeusBody, amadeusErrorResponses } from './schemas.js';

/** Hotel Booking v2: books a room offer through the core's booking use case. */
export const hotelOrderRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/v2/booking/hotel-orders',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Book a room offer (Amadeus Hotel Booking v2)',
        description:
          'Re-prices the offer, then takes its rooms atomically. Guests need no date of birth; the first guest is the contact. Card details are not stored.',
        body: HotelOrderBody,
        response: {
          201: amadeusBody(HotelOrderResponse, 'The hotel order'),
          ...amadeusErrorResponses(400, 401, 404, 429, 500),
        },
      },
    },
    async (request, reply) => {
      const { data } = request.body;
      const association = data.roomAssociations[0];
      if (!association) throw invalidField('body.data.roomAssociations', 'one room association is required');
      const guests = association.guestReferences.map((reference, index) => {
        const guest = data.guests.find((g) => String(g.tid) === reference.guestReference);
        if (!guest) {
          throw invalidField(
            `body.data.roomAssociations.0.guestReferences.${index}`,
            'no guest has this tid',
          );
        }
        return guest;
      });
      const lead = guests[0] ?? data.guests[0];
      const contact: Contact = {
        email: lead?.email ?? data.travelAgent?.contact.email ?? '',
        phone: (lead?.phone ?? '').replace(/[\s()-]/g, ''),
      };
      if (!isEmail(contact.email)) {
        throw invalidField('body.data.guests.0.email', 'the lead guest needs an email address');
      }
      if (!isE164(contact.phone)) {
        throw invalidField('body.data.guests.0.phone', 'the lead guest needs a phone number in E.164 form');
      }
      const { booking } = await withFieldNames(
        (field) => field.replace(/^body\.passengers/, 'body.data.roomAssociations.0.guestReferences'),
        () =>
          services.bookings.book({
            owner: clientOwner(request),
            idempotencyKey: idempotencyKeyOf(request),
            request: {
              offerId: association.hotelOfferId,
              passengers: guests.map((g) => ({
                type: 'adult',
                givenName: g.firstName,
                familyName: g.lastName,
              })),
              contact,
            },
          }),
      );
      reply.code(201).header('cache-control', 'no-store');
      return { data: hotelOrder(booking, association, guests, baseUrl(request)) };
    },
  );
};

function hotelOrder(
  booking: BookingRecord,
  association: unknown,
  guests: readonly { tid: number }[],
  base: string,
) {
  const offer = booking.offer as HotelOfferView;
  return {
    type: 'hotel-order' as const,
    id: booking.id,
    hotelBookings: [
      {
        type: 'hotel-booking' as const,
        id: booking.reference,
        bookingStatus: booking.status === 'confirmed' ? 'CONFIRMED' : 'CANCELLED',
        hotelProviderInformation: [{ hotelProviderCode: 'TP', confirmationNumber: booking.reference }],
        roomAssociations: [association],
        hotelOffer: amadeusRoomOffer(offer, base),
        hotel: { hotelId: offer.hotel.id, name: offer.hotel.name },
      },
    ],
    guests: guests.map((guest) => ({ ...guest, id: guest.tid })),
    associatedRecords: [{ reference: booking.reference, originSystemCode: 'GDS' }],
  };
}
