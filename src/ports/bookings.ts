import type { CloudEvent } from './events.js';
import type { Cabin } from './store.js';

export type BookingStatus = 'confirmed' | 'cancelled';

/**
 * Passenger types as airlines price them: adults 12+, children 2–11, infants under 2 on a lap
 * (`infant`) or in a seat of their own (`seated_infant`, which takes a seat and pays the child fare).
 */
export type PassengerType = 'adult' | 'child' | 'seated_infant' | 'infant';

/** Who a booking belongs to: the end user (token `sub`) through one client app (API key). */
export interface BookingOwner {
  sub: string;
  apiKeyId: string;
}

/** Titles airlines accept (Duffel's list). */
export type PassengerTitle = 'mr' | 'ms' | 'mrs' | 'miss' | 'dr';

/** Gender as on the travel document, as airlines take it (Duffel: m or f). */
export type PassengerGender = 'm' | 'f';

export interface Passenger {
  type: PassengerType;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD; required for flights, optional for hotel guests (hotels check age at check-in). */
  dateOfBirth?: string;
  /** Optional unless the offer's supplier requires it (Duffel). */
  title?: PassengerTitle;
  /** Optional unless the offer's supplier requires it (Duffel). */
  gender?: PassengerGender;
  /**
   * The passenger category a client's API named when it is priced as `type` but called otherwise
   * (Amadeus YOUNG, STUDENT, SENIOR pay the adult fare): kept with the booking and shown back.
   */
  category?: string;
}

export interface Contact {
  email: string;
  phone: string;
}

/**
 * What a client attached to an order beyond passengers and contact, kept as given and shown back
 * when the order is read: travel documents per passenger (by position), remarks, a ticketing
 * agreement, further contacts. Opaque to the core and to stores (part of the booking document).
 */
export interface BookingDetails {
  /** documents[i]: the travel documents (passports, ids) of passengers[i]. */
  documents?: unknown[][];
  remarks?: unknown;
  ticketingAgreement?: unknown;
  contacts?: unknown[];
}

/** What a booking takes from the inventory, so a cancellation can give back exactly that. */
export type InventoryHold =
  | { kind: 'seats'; cabin: Cabin; flightIds: string[]; seats: number }
  | { kind: 'rooms'; hotelId: string; roomType: string; nights: string[]; rooms: number };

/** A booking as stored. The offer snapshot is opaque JSON to the store. */
export interface BookingRecord {
  /** Unique id (UUID v7). */
  id: string;
  /** 6-character code shown to travellers, unique like a PNR. */
  reference: string;
  status: BookingStatus;
  owner: BookingOwner;
  /** The confirmed offer as the client saw it when booking (flight or hotel offer view). */
  offer: unknown;
  /** The price paid, as the API writes money. */
  price: { total: string; base: string; taxes: string; currency: string };
  passengers: Passenger[];
  contact: Contact;
  /** Order details the client gave (absent when none). */
  details?: BookingDetails;
  hold: InventoryHold;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; absent while confirmed. */
  cancelledAt?: number;
}

/** Where a client's idempotency key stands (see IdempotencyClaim). */
export type IdempotencyClaim =
  /** The key is now held by this request until its lease ends; `token` proves it when completing. */
  | { state: 'acquired'; token: string }
  /** Another request holds the key right now, until `leaseUntil` (epoch ms) unless it finishes first. */
  | { state: 'in-flight'; requestHash: string; leaseUntil: number }
  /** A request with this key already booked `bookingId`. */
  | { state: 'completed'; requestHash: string; bookingId: string };

/** Identifies one held idempotency key. */
export interface HeldKey {
  /** Namespace of the key: the API key id, so two client apps never share keys. */
  scope: string;
  key: string;
  /** The token `claimKey` returned. */
  token: string;
}

/**
 * Persistence of bookings and of the idempotency keys that make booking retries safe.
 *
 * Narrow and free of any query language: every write is one atomic conditional write, so a
 * DynamoDB adapter implements it with TransactWriteItems and ConditionExpressions (the outbox events
 * are items of the same transaction). Every method rejects with StoreUnavailableError when the
 * backend fails; no driver error leaks.
 *
 * What "one transaction" must guarantee, so a backend without multi-item transactions (a local
 * DynamoDB emulator) can keep it with conditional writes in a fixed order and compensation: never
 * overbook (each take is conditional on what is left); a booking that is refused leaves every count
 * as it was once the call settles; a stored booking is never without its events and its completed
 * key. Another reader may briefly see seats taken by a booking that is then refused.
 */
export interface BookingStore {
  /**
   * Atomically takes `key` in `scope` for a request whose body hashes to `requestHash`, unless it is
   * held (lease not yet past `now`) or completed and not expired. A key whose lease ran out (its
   * process died) or whose retention passed is taken over. The lease ends at `now + leaseMs`; the key
   * is kept until `now + retentionMs` once completed.
   */
  claimKey(
    scope: string,
    key: string,
    requestHash: string,
    options: { now: number; leaseMs: number; retentionMs: number },
  ): Promise<IdempotencyClaim>;
  /** Gives the key up (the request failed before booking), so the client may retry with it; a no-op unless `held` still holds it. */
  releaseKey(held: HeldKey): Promise<void>;
  /**
   * In one transaction: takes the inventory of `booking.hold` only if every leg or night has enough
   * left, inserts the booking, completes the held key with its id, and appends `events` to the outbox.
   * Rejects with SoldOutError (nothing written) when any conditional take fails,
   * BookingReferenceTakenError when `booking.reference` is in use, and IdempotencyKeyLostError when
   * `held` no longer holds its key.
   */
  create(booking: BookingRecord, held: HeldKey, events: readonly CloudEvent[]): Promise<void>;
  /** The booking with `id`, or undefined. */
  get(id: string): Promise<BookingRecord | undefined>;
  /**
   * In one transaction: marks the booking cancelled at `now` if it is confirmed, gives its inventory
   * back and appends `events(cancelled)` to the outbox. Returns the booking as it now is and whether
   * this call cancelled it (false: it was already cancelled, nothing changed); undefined when unknown.
   */
  cancel(
    id: string,
    now: number,
    events: (cancelled: BookingRecord) => readonly CloudEvent[],
  ): Promise<{ booking: BookingRecord; cancelledNow: boolean } | undefined>;
  /**
   * Confirmed bookings whose seats hold any of `flightIds` (a schedule change reaches them); empty
   * when none. May read every booking on a key-value store: imports only, never a request path.
   */
  findByFlights(flightIds: readonly string[]): Promise<BookingRecord[]>;
  /** Deletes idempotency keys whose retention ended before `before` (epoch ms); returns how many. */
  pruneKeys(before: number): Promise<number>;
}

/**
 * Whether `error` is one of `create`'s own answers (sold out, reference taken, key lost), which an
 * adapter passes on as they are; anything else is a store failure it reports as unavailable.
 */
export function isBookingCreateAnswer(error: unknown): boolean {
  return (
    error instanceof SoldOutError ||
    error instanceof BookingReferenceTakenError ||
    error instanceof IdempotencyKeyLostError
  );
}

/** `create` found the booking reference already taken; pick another and try again. */
export class BookingReferenceTakenError extends Error {
  constructor(readonly reference: string) {
    super(`booking reference ${reference} is taken`);
    this.name = 'BookingReferenceTakenError';
  }
}

/** `create` found that the idempotency key is no longer held by this request (its lease was taken over). */
export class IdempotencyKeyLostError extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} is no longer held by this request`);
    this.name = 'IdempotencyKeyLostError';
  }
}

/** `create` found a leg or night without enough seats or rooms left; nothing was written. */
export class SoldOutError extends Error {
  constructor(
    /** The flight ids (seats) or nights (rooms, YYYY-MM-DD) that lacked inventory. */
    readonly soldOut: { flightIds?: string[]; nights?: string[] },
  ) {
    super(
      soldOut.nights === undefined
        ? 'not enough seats are left for this offer'
        : 'not enough rooms are left for this offer',
    );
    this.name = 'SoldOutError';
  }
}
