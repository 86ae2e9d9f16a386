import type { BookingRecord } from '../../ports/bookings.js';
import { type BookingDocument, bookingDocumentJson } from './booking-document.js';

/**
 * A row of `bookings` in both relational backends (SQLite, PostgreSQL). `document` is as the driver
 * returns it: PostgreSQL parses json columns, SQLite hands back the text (`BookingRow<string>`).
 */
export interface BookingRow<Document = BookingDocument> {
  id: string;
  reference: string;
  status: BookingRecord['status'];
  owner_sub: string;
  owner_api_key: string;
  document: Document;
  created_at: number;
  cancelled_at: number | null;
}

/** Columns of a new booking, in the order of `newBookingValues` (cancelled_at starts NULL). */
export const NEW_BOOKING_COLUMNS = 'id, reference, status, owner_sub, owner_api_key, document, created_at';

/** Values of a new booking's row for NEW_BOOKING_COLUMNS, the document as JSON text. */
export function newBookingValues(
  booking: BookingRecord,
): [string, string, string, string, string, string, number] {
  return [
    booking.id,
    booking.reference,
    booking.status,
    booking.owner.sub,
    booking.owner.apiKeyId,
    bookingDocumentJson(booking),
    booking.createdAt,
  ];
}

export function toBookingRecord(row: BookingRow): BookingRecord {
  return {
    id: row.id,
    reference: row.reference,
    status: row.status,
    owner: { sub: row.owner_sub, apiKeyId: row.owner_api_key },
    ...row.document,
    createdAt: row.created_at,
    ...(row.cancelled_at === null ? {} : { cancelledAt: row.cancelled_at }),
  };
}
