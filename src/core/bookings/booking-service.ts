import {
  type BookingDetails,
  type BookingOwner,
  type BookingRecord,
  BookingReferenceTakenError,
  type BookingStore,
  type Contact,
  type HeldKey,
  IdempotencyKeyLostError,
  type InventoryHold,
  type Passenger,
  SoldOutError,
} from '../../ports/bookings.js';
import type { Clock } from '../../ports/clock.js';
import type { CloudEvent } from '../../ports/events.js';
import type { TouchedInventory } from '../../ports/inventory-updates.js';
import type { SupplierCancellation } from '../../ports/supplier.js';
import { stayNights } from '../cache/cache-tags.js';
import { DomainError } from '../errors.js';
import { eventFactory } from '../events/create-event.js';
import type { BookingEventData, InventoryChangedData } from '../events/inventory-events.js';
import { uuidV7 } from '../events/uuid-v7.js';
import type { FlightOfferView } from '../flights/flight-offer-view.js';
import type { ConfirmedOffer, PriceConfirmation } from '../offers/price-confirmation.js';
import { seatsNeeded } from '../pricing/passenger-pricing.js';
import type { BookedSupplierOrder, SupplierOffers } from '../suppliers/supplier-offers.js';
import { newBookingReference } from './booking-reference.js';
import { contactErrors } from './contact-rules.js';
import { missingFieldErrors, passengerErrors, type TravelDates } from './passenger-rules.js';
import { requestFingerprint } from './request-fingerprint.js';

/** What a client asks to book. */
export interface BookingRequest {
  offerId: string;
  passengers: Passenger[];
  contact: Contact;
  /** Kept with the booking as given. */
  details?: BookingDetails;
}

/** One call of `book`: who asks, under which idempotency key, for what. */
export interface BookCommand {
  owner: BookingOwner;
  /** The client's Idempotency-Key, scoped to its API key. */
  idempotencyKey: string;
  request: BookingRequest;
}

/** A booking, and whether it is the answer of an earlier request with the same key (a replay). */
export interface BookResult {
  booking: BookingRecord;
  replayed: boolean;
}

export interface BookingServiceDependencies {
  store: BookingStore;
  offers: PriceConfirmation;
  clock: Clock;
  /** CloudEvents `source` of booking events. */
  eventSource: string;
  /**
   * How long a key stays held by a request that has not finished (its process may have died): longer
   * than any booking can take, or a retry could book while the first attempt still runs.
   */
  idempotencyLeaseMs: number;
  /**
   * How long a request may run before it is answered 503: a key held longer than that belongs to a
   * request that is stuck or whose process died, and a retry has to wait for its lease to end.
   */
  requestTimeoutMs: number;
  /** How long a used key is kept (≥ 24 h, as payment APIs do). */
  idempotencyRetentionMs: number;
  /** Books offers owned by remote suppliers at the supplier (absent: inventory only). */
  suppliers?: SupplierOffers;
  /** Random source of references; injectable so tests can force a collision. */
  newReference?: () => string;
  /**
   * Told the events of a booking or cancellation once it committed, before the caller is answered
   * (this instance drops the cached searches they make stale at once); must not reject.
   */
  afterCommit?: (events: readonly CloudEvent[]) => Promise<void>;
}

/** Attempts at a fresh reference when one is taken: 31^6 codes make a second collision vanishingly rare. */
const REFERENCE_ATTEMPTS = 5;
/** How often expired idempotency keys are swept. */
const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Booking a confirmed offer, reading and cancelling bookings: the core use case behind
 * `POST /v1/bookings`, `GET /v1/bookings/{id}` and `POST /v1/bookings/{id}/cancel`.
 *
 * Idempotency follows payment APIs (Stripe): a key belongs to the API key that sent it and is
 * bound to the fingerprint of the request (the body and the user). While a request holds its key a
 * second one with the same key answers 409 idempotency-key-in-use at once rather than waiting (the
 * client retries; the retry replays). A request that fails before booking gives its key back, so
 * the client may retry it after fixing the cause; only a booking consumes a key.
 *
 *   request 1 (key K, body B)                   request 2 (key K)
 *   ─────────────────────────────────────────   ────────────────────────────────────────
 *   claimKey(K, hash(B)) → acquired (lease)
 *   confirm offer (re-price: 410 / 409)          claimKey(K) → in-flight
 *   validate passengers                            same hash → 409 idempotency-key-in-use
 *   store.create: ONE transaction                  other hash → 422 idempotency-key-reused
 *     complete K → booking id
 *     take seats/rooms (conditional) or sold-out
 *     insert booking, append events (outbox)
 *   ──────────── commit ────────────
 *   201 booking                                  claimKey(K) → completed
 *   (on any failure: releaseKey(K), then the       same hash → the booking, replayed
 *    error; a dead process's lease just expires)   other hash → 422 idempotency-key-reused
 */
export class BookingService {
  readonly #deps: BookingServiceDependencies;
  readonly #event;
  #lastPrune = 0;
  /** Cancellations running in this process, by booking id: a concurrent retry joins the running one. */
  readonly #cancelling = new Map<string, Promise<BookingRecord>>();

  constructor(deps: BookingServiceDependencies) {
    this.#deps = deps;
    this.#event = eventFactory({ source: deps.eventSource, clock: deps.clock });
  }

  /** Books `command.request` once per idempotency key; see the class comment for every outcome. */
  async book(command: BookCommand): Promise<BookResult> {
    const { owner, idempotencyKey, request } = command;
    const now = this.#deps.clock.now();
    this.#pruneKeys(now);
    const requestHash = requestFingerprint({ sub: owner.sub, request });
    const claim = await this.#deps.store.claimKey(owner.apiKeyId, idempotencyKey, requestHash, {
      now,
      leaseMs: this.#deps.idempotencyLeaseMs,
      retentionMs: this.#deps.idempotencyRetentionMs,
    });
    if (claim.state !== 'acquired') {
      if (claim.requestHash !== requestHash) {
        throw new DomainError(
          'idempotency-key-reused',
          'this Idempotency-Key was already used with a different request; use a new key for a new booking',
          { errors: [{ field: 'header.idempotency-key', message: 'was used with a different request' }] },
        );
      }
      if (claim.state === 'in-flight') throw this.#keyInUse(claim.leaseUntil, now);
      return { booking: await this.#completed(claim.bookingId), replayed: true };
    }
    const held: HeldKey = { scope: owner.apiKeyId, key: idempotencyKey, token: claim.token };
    try {
      return { booking: await this.#bookHeld(command, held), replayed: false };
    } catch (error) {
      // Give the key back so a retry can book; if this fails too, the lease expiry frees it.
      await this.#deps.store.releaseKey(held).catch(() => undefined);
      if (error instanceof IdempotencyKeyLostError) {
        throw new DomainError(
          'idempotency-key-in-use',
          'this request took too long and lost its key; retry',
          {
            retryAfterSeconds: 1,
          },
        );
      }
      if (error instanceof SoldOutError) throw soldOut(error);
      throw error;
    }
  }

  /**
   * 409 for a key another request holds. A holder within the request timeout is most likely running
   * and about to answer, so a retry in a second replays its result; an older one has outlived its own
   * request (its process died, or it is stuck), so the retry waits for the lease to end.
   */
  #keyInUse(leaseUntil: number, now: number): DomainError {
    const heldForMs = now - (leaseUntil - this.#deps.idempotencyLeaseMs);
    if (heldForMs < this.#deps.requestTimeoutMs) {
      return new DomainError(
        'idempotency-key-in-use',
        'a request with this Idempotency-Key is still in progress; retry in 1 s to get its result',
        { retryAfterSeconds: 1 },
      );
    }
    const waitSeconds = Math.max(1, Math.ceil((leaseUntil - now) / 1000));
    const freedAt = new Date(leaseUntil).toISOString();
    return new DomainError(
      'idempotency-key-in-use',
      `a request with this Idempotency-Key started ${Math.floor(heldForMs / 1000)} s ago and never finished (its server may have stopped); the key is freed at ${freedAt}: retry after ${waitSeconds} s`,
      { retryAfterSeconds: waitSeconds, keyFreedAt: freedAt },
    );
  }

  /** The booking `id` if `owner` (same user and same API key) made it; booking-not-found otherwise. */
  async get(id: string, owner: BookingOwner): Promise<BookingRecord> {
    const booking = await this.#deps.store.get(id);
    // Someone else's booking answers exactly as a missing one, so ids cannot be probed.
    if (booking === undefined || !sameOwner(booking.owner, owner)) throw notFound(id);
    return booking;
  }

  /**
   * Cancels the booking `id` of `owner` and gives its seats or rooms back. Calling it again returns the
   * cancelled booking and changes nothing: the inventory comes back exactly once.
   *
   * A remote supplier's booking is cancelled at the supplier first, and marked cancelled only once
   * the supplier confirmed: the booking never says cancelled while the order (and the money) stands.
   *
   *   request 1                                  request 2 (a retry)
   *   ────────────────────────────────────────   ──────────────────────────────────────────
   *   get → confirmed
   *   supplier.cancelOrder (idempotent)          get → confirmed, same process:
   *                                                joins request 1's promise (no 2nd call)
   *   store.cancel → cancelled, events           other process: cancelOrder finds the
   *   200 cancelled                                confirmed cancellation, cancels nothing more
   *   (supplier refuses → 409, down → 503 with   later: get → cancelled → store.cancel changes
   *    retry-after; the booking stays confirmed)   nothing, the supplier is not called again
   */
  async cancel(id: string, owner: BookingOwner): Promise<BookingRecord> {
    const booking = await this.get(id, owner);
    const startsAt = travelStartsAt(booking);
    if (booking.status === 'confirmed' && startsAt !== undefined && startsAt <= this.#deps.clock.now()) {
      throw new DomainError(
        'booking-not-cancellable',
        'the trip has started; it can no longer be cancelled',
        {
          startedAt: new Date(startsAt).toISOString(),
        },
      );
    }
    const running = this.#cancelling.get(id);
    if (running) return running;
    const cancelling = this.#cancelStored(booking).finally(() => this.#cancelling.delete(id));
    this.#cancelling.set(id, cancelling);
    return cancelling;
  }

  async #cancelStored(booking: BookingRecord): Promise<BookingRecord> {
    const order = booking.status === 'confirmed' ? supplierOrderOf(booking) : undefined;
    const atSupplier = order ? await this.#cancelAtSupplier(order) : undefined;
    let events: CloudEvent[] = [];
    const result = await this.#deps.store.cancel(booking.id, this.#deps.clock.now(), (cancelled) => {
      events = this.#events(cancelled, 'booking.cancelled', 'cancellation', atSupplier);
      return events;
    });
    if (result === undefined) throw notFound(booking.id);
    if (result.cancelledNow) await this.#deps.afterCommit?.(events);
    return result.booking;
  }

  async #cancelAtSupplier(order: BookedSupplierOrder): Promise<SupplierCancellation> {
    if (!this.#deps.suppliers) {
      throw new DomainError(
        'service-unavailable',
        `the supplier ${order.supplier} of this booking is not configured here; it cannot be cancelled`,
        { supplier: order.supplier },
      );
    }
    return this.#deps.suppliers.cancel(order);
  }

  async #bookHeld(command: BookCommand, held: HeldKey): Promise<BookingRecord> {
    const { request, owner } = command;
    const confirmed = await this.#deps.offers.confirm(request.offerId);
    const counts =
      confirmed.kind === 'flight'
        ? confirmed.reference.passengers
        : { adults: confirmed.reference.adults, children: 0, infants: 0 };
    // Hotels check guests' ages at check-in; airlines price and seat by age, so flights need it.
    const errors = [
      ...contactErrors(request.contact),
      ...passengerErrors(
        request.passengers,
        counts,
        travelDates(confirmed),
        confirmed.kind === 'flight' ? 'required' : 'optional',
      ),
    ];
    if (confirmed.kind === 'flight' && confirmed.reference.supplier !== undefined && this.#deps.suppliers) {
      errors.push(
        ...missingFieldErrors(
          request.passengers,
          this.#deps.suppliers.requiredPassengerFields(confirmed.reference),
        ),
      );
    }
    if (errors.length > 0) {
      throw new DomainError('validation-failed', errors.map((e) => `${e.field} ${e.message}`).join('; '), {
        errors,
      });
    }
    const offer = await this.#orderAtSupplier(confirmed, request);
    const now = this.#deps.clock.now();
    for (let attempt = 1; ; attempt++) {
      const booking: BookingRecord = {
        id: uuidV7(now),
        reference: (this.#deps.newReference ?? newBookingReference)(),
        status: 'confirmed',
        owner: { ...owner },
        offer,
        price: { ...confirmed.offer.price },
        passengers: request.passengers.map((p) => ({ ...p })),
        contact: { ...request.contact },
        ...(request.details === undefined ? {} : { details: request.details }),
        hold: holdOf(confirmed),
        createdAt: now,
      };
      try {
        const events = this.#events(booking, 'booking.created', 'booking');
        await this.#deps.store.create(booking, held, events);
        await this.#deps.afterCommit?.(events);
        return booking;
      } catch (error) {
        if (!(error instanceof BookingReferenceTakenError) || attempt >= REFERENCE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * A remote supplier's offer is ordered at the supplier (its price change is a 409 price-changed);
   * the booking then keeps the supplier's order beside the offer and holds no own inventory.
   */
  async #orderAtSupplier(confirmed: ConfirmedOffer, request: BookingRequest): Promise<unknown> {
    if (confirmed.kind !== 'flight' || confirmed.reference.supplier === undefined) return confirmed.offer;
    if (!this.#deps.suppliers) throw new DomainError('offer-not-found', 'no offer has this id');
    const order = await this.#deps.suppliers.order(
      confirmed.reference,
      confirmed.offer.price,
      request.passengers,
      request.contact,
    );
    return { ...confirmed.offer, supplierOrder: { supplier: confirmed.reference.supplier, ...order } };
  }

  async #completed(bookingId: string): Promise<BookingRecord> {
    const booking = await this.#deps.store.get(bookingId);
    if (booking === undefined) throw notFound(bookingId);
    return booking;
  }

  /** The booking event and the availability change it causes, written with it in one transaction. */
  #events(
    booking: BookingRecord,
    type: 'booking.created' | 'booking.cancelled',
    reason: 'booking' | 'cancellation',
    atSupplier?: SupplierCancellation,
  ): CloudEvent[] {
    const offer = booking.offer as ConfirmedOffer['offer'];
    const bookingData: BookingEventData = {
      bookingId: booking.id,
      reference: booking.reference,
      offerType: booking.hold.kind === 'seats' ? 'flight' : 'hotel',
      apiKeyId: booking.owner.apiKeyId,
      price: { total: booking.price.total, currency: booking.price.currency },
      ...(atSupplier?.refund ? { supplierRefund: { ...atSupplier.refund } } : {}),
    };
    const availability: InventoryChangedData = {
      ...touchedBy(offer, booking.hold),
      reason,
      bookingId: booking.id,
    };
    // The subject makes the booking the outbox's ordering unit: created before cancelled on every backend.
    return [
      { ...this.#event(type, bookingData), subject: booking.id },
      this.#event('availability.changed', availability),
    ];
  }

  #pruneKeys(now: number): void {
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    // Best effort in the background: claimKey already treats expired keys as absent.
    void this.#deps.store.pruneKeys(now).catch(() => undefined);
  }
}

const sameOwner = (a: BookingOwner, b: BookingOwner): boolean => a.sub === b.sub && a.apiKeyId === b.apiKeyId;

function notFound(id: string): DomainError {
  return new DomainError('booking-not-found', `no booking ${id} exists for this user and API key`);
}

/** The supplier's order of a remote supplier's booking; undefined for the own inventory's. */
function supplierOrderOf(booking: BookingRecord): BookedSupplierOrder | undefined {
  const order = (booking.offer as { supplierOrder?: Partial<BookedSupplierOrder> } | undefined)
    ?.supplierOrder;
  if (typeof order?.supplier !== 'string' || typeof order.orderId !== 'string') return undefined;
  return order as BookedSupplierOrder;
}

/** Local dates of the first and last departure (flights) or check-in and last night (hotels). */
function travelDates(confirmed: ConfirmedOffer): TravelDates {
  if (confirmed.kind === 'hotel') {
    const nights = stayNights(confirmed.reference.checkIn, confirmed.reference.checkOut);
    return {
      first: confirmed.reference.checkIn,
      last: nights[nights.length - 1] ?? confirmed.reference.checkIn,
    };
  }
  const segments = confirmed.offer.itineraries.flatMap((itinerary) => itinerary.segments);
  const first = segments[0]?.departure.at.slice(0, 10) ?? '';
  return { first, last: segments[segments.length - 1]?.departure.at.slice(0, 10) ?? first };
}

/**
 * When the trip starts: the first departure of a flight booking, the start (UTC) of the check-in day
 * of a hotel stay; undefined when the stored offer does not say.
 */
function travelStartsAt(booking: BookingRecord): number | undefined {
  if (booking.hold.kind === 'rooms') {
    const first = booking.hold.nights[0];
    return first === undefined ? undefined : Date.parse(`${first}T00:00:00Z`);
  }
  const offer = booking.offer as Partial<FlightOfferView> | undefined;
  const departure = offer?.itineraries?.[0]?.segments[0]?.departure.atUtc;
  return departure === undefined ? undefined : Date.parse(departure);
}

function holdOf(confirmed: ConfirmedOffer): InventoryHold {
  if (confirmed.kind === 'flight') {
    const { reference } = confirmed;
    return {
      kind: 'seats',
      cabin: reference.cabin,
      flightIds: reference.legs.flat(),
      seats: seatsNeeded(reference.passengers),
    };
  }
  const { reference } = confirmed;
  return {
    kind: 'rooms',
    hotelId: reference.hotelId,
    roomType: reference.roomType,
    nights: stayNights(reference.checkIn, reference.checkOut),
    rooms: reference.rooms,
  };
}

/** The route and UTC date of every flight, or the city of every night, a booking holds. */
function touchedBy(offer: ConfirmedOffer['offer'], hold: InventoryHold): TouchedInventory {
  if (offer.type === 'flight-offer' && hold.kind === 'seats') {
    return {
      // A through-flight segment holds seats on each of its legs: every leg's route is touched.
      flights: offer.itineraries.flatMap((itinerary) =>
        itinerary.segments.flatMap((segment) => {
          const airports = [
            segment.departure.iataCode,
            ...(segment.stops ?? []).map((stop) => stop.iataCode),
            segment.arrival.iataCode,
          ];
          const departures = [
            segment.departure.atUtc,
            ...(segment.stops ?? []).map((stop) => new Date(stop.departureAt).toISOString()),
          ];
          return segment.id.split('+').map((flightId, leg) => ({
            flightId,
            cabin: hold.cabin,
            origin: airports[leg] as string,
            destination: airports[leg + 1] as string,
            departureDate: (departures[leg] as string).slice(0, 10),
          }));
        }),
      ),
      hotelNights: [],
    };
  }
  if (offer.type === 'hotel-offer' && hold.kind === 'rooms') {
    return {
      flights: [],
      hotelNights: hold.nights.map((date) => ({
        hotelId: hold.hotelId,
        roomType: hold.roomType,
        cityCode: offer.hotel.cityCode,
        date,
      })),
    };
  }
  return { flights: [], hotelNights: [] };
}

/** The store's sold-out answer as the API's 409, naming what ran out as the re-pricing check does. */
function soldOut(error: SoldOutError): DomainError {
  const details =
    error.soldOut.nights === undefined
      ? { soldOutSegments: error.soldOut.flightIds ?? [] }
      : { soldOutNights: error.soldOut.nights };
  return new DomainError('sold-out', error.message, details, { cause: error });
}
