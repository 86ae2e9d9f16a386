import type { BookingRecord } from '../../../ports/bookings.js';
import { type BookingDocument, bookingDocumentJson } from '../booking-document.js';
import type { Item } from './dynamo-table.js';
import { KIND, keys, LOOKUP_PK, LOOKUP_SK, paddedMs } from './keys.js';

/** A booking item: found by id (its key) and by owner (the lookup index, newest last). */
export function bookingItem(booking: BookingRecord): Item {
  return {
    ...keys.booking(booking.id),
    [KIND]: 'booking',
    [LOOKUP_PK]: keys.ownerLookup(booking.owner.apiKeyId, booking.owner.sub),
    [LOOKUP_SK]: `${paddedMs(booking.createdAt)}#${booking.id}`,
    id: booking.id,
    reference: booking.reference,
    status: booking.status,
    ownerSub: booking.owner.sub,
    ownerApiKey: booking.owner.apiKeyId,
    // The offer snapshot is opaque to the store: kept as the JSON the API wrote, byte for byte.
    document: bookingDocumentJson(booking),
    createdAt: booking.createdAt,
    ...(booking.cancelledAt === undefined ? {} : { cancelledAt: booking.cancelledAt }),
  };
}

export function toBooking(item: Item): BookingRecord {
  const document = JSON.parse(item.document as string) as BookingDocument;
  return {
    id: item.id as string,
    reference: item.reference as string,
    status: item.status as BookingRecord['status'],
    owner: { sub: item.ownerSub as string, apiKeyId: item.ownerApiKey as string },
    ...document,
    createdAt: item.createdAt as number,
    ...(item.cancelledAt === undefined ? {} : { cancelledAt: item.cancelledAt as number }),
  };
}

/** The item reserving a booking reference, so two bookings never share one. */
export function referenceItem(booking: BookingRecord): Item {
  return { ...keys.bookingReference(booking.reference), [KIND]: 'booking-reference', bookingId: booking.id };
}
