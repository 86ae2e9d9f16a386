import type { BookingRecord } from '../../ports/bookings.js';

/** A booking without its personal data: what its webhooks carry, and the API's view less passengers and contact. */
export interface BookingSummary {
  id: string;
  reference: string;
  status: BookingRecord['status'];
  type: 'flight' | 'hotel';
  offer: BookingRecord['offer'];
  price: BookingRecord['price'];
  createdAt: string;
  cancelledAt: string | null;
}

/** The booking's current state and the offer it was booked on (the inventory hold and owner stay internal). */
export function bookingSummary(booking: BookingRecord): BookingSummary {
  return {
    id: booking.id,
    reference: booking.reference,
    status: booking.status,
    type: booking.hold.kind === 'seats' ? 'flight' : 'hotel',
    offer: booking.offer,
    price: booking.price,
    createdAt: new Date(booking.createdAt).toISOString(),
    cancelledAt: booking.cancelledAt === undefined ? null : new Date(booking.cancelledAt).toISOString(),
  };
}
