import type { BookingRecord } from '../../ports/bookings.js';

/**
 * What every store backend keeps of a booking as one opaque JSON document: all it holds beyond the
 * fields the store queries or updates (id, reference, status, owner, times).
 */
export type BookingDocument = Pick<
  BookingRecord,
  'offer' | 'price' | 'passengers' | 'contact' | 'details' | 'hold'
>;

/** The document of a booking as JSON text, as the API wrote the offer snapshot. */
export function bookingDocumentJson(booking: BookingRecord): string {
  const document: BookingDocument = {
    offer: booking.offer,
    price: booking.price,
    passengers: booking.passengers,
    contact: booking.contact,
    ...(booking.details === undefined ? {} : { details: booking.details }),
    hold: booking.hold,
  };
  return JSON.stringify(document);
}
