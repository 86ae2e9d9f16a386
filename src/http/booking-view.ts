import type { Static } from '@sinclair/typebox';
import { bookingSummary } from '../core/bookings/booking-summary.js';
import type { BookingRecord } from '../ports/bookings.js';
import type { BookingSchema } from './schemas/bookings.js';

/** A stored booking as the API shows it to its owner: its summary (as webhooks carry it) with passengers and contact. */
export function bookingView(booking: BookingRecord): Static<typeof BookingSchema> {
  return { ...bookingSummary(booking), passengers: booking.passengers, contact: booking.contact };
}
