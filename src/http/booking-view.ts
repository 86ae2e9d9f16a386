import type { Static } from '@sinclair/typebox';
import type { BookingRecord } from '../ports/bookings.js';
import type { BookingSchema } from './schemas/bookings.js';

/** A stored booking as the API shows it to its owner (the inventory hold and owner stay internal). */
export function bookingView(booking: BookingRecord): Static<typeof BookingSchema> {
  return {
    id: booking.id,
    reference: booking.reference,
    status: booking.status,
    type: booking.hold.kind === 'seats' ? 'flight' : 'hotel',
    offer: booking.offer,
    price: booking.price,
    passengers: booking.passengers,
    contact: booking.contact,
    createdAt: new Date(booking.createdAt).toISOString(),
    cancelledAt: booking.cancelledAt === undefined ? null : new Date(booking.cancelledAt).toISOString(),
  };
}
