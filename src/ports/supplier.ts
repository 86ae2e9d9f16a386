import type { Contact, Passenger } from './bookings.js';
import type { Cabin } from './store.js';

/** What a flight search asks every supplier, already validated by the core. */
export interface SupplierFlightQuery {
  origin: string;
  destination: string;
  /** Local date of departure, YYYY-MM-DD. */
  departureDate: string;
  returnDate?: string;
  cabin: Cabin;
  adults: number;
  children: number;
  infants: number;
  /** Currency the client asked for (a supplier may answer in its own). */
  currency: string;
  maxStops: number;
  /** The order the client wants; the merged result is ranked by it whatever order suppliers answer in. */
  sort: 'price' | 'duration' | 'departure';
  /** Upper bound of the total, minor units of `currency` (applied again to every supplier's offers). */
  maxPrice?: number;
  /** Only itineraries flown entirely by these carriers (applied again to every supplier's offers). */
  carriers?: string[];
}

/** Where a segment leaves or arrives: local time with the airport's offset, and UTC. */
export interface SupplierEndpoint {
  iataCode: string;
  cityCode: string;
  at: string;
  atUtc: string;
}

export interface SupplierSegment {
  id: string;
  carrierCode: string;
  carrierName: string;
  /** Marketing flight number with carrier, e.g. "BA117": with the departure it identifies a flight. */
  flightNumber: string;
  aircraft: string;
  departure: SupplierEndpoint;
  arrival: SupplierEndpoint;
  /** ISO 8601 duration. */
  duration: string;
  distanceKm: number;
  cabin: Cabin;
  seatsLeft: number;
}

export interface SupplierItinerary {
  direction: 'outbound' | 'return';
  duration: string;
  stops: number;
  segments: SupplierSegment[];
}

/** Money as decimal strings, never floats. */
export interface SupplierPrice {
  total: string;
  base: string;
  taxes: string;
  currency: string;
}

export interface SupplierTravelerPricing {
  travelerType: 'adult' | 'child' | 'infant';
  count: number;
  /** Price of one traveller of this type. */
  price: SupplierPrice;
}

/** One offer as a supplier answers it, in the platform's offer shape. */
export interface SupplierFlightOffer {
  /** The supplier's own id of the offer: what price confirmation and booking send back to it. */
  reference: string;
  cabin: Cabin;
  itineraries: SupplierItinerary[];
  price: SupplierPrice;
  travelerPricings: SupplierTravelerPricing[];
  seatsLeft: number;
  validatingCarrier: string;
  lastTicketingDate: string;
  /** When the supplier stops honouring the offer (ISO 8601 UTC). */
  expiresAt: string;
}

export interface SupplierSearchResult {
  offers: SupplierFlightOffer[];
  /** Cache tags of what the offers were read from (own inventory); none for remote suppliers. */
  tags?: string[];
  /** Set when the supplier stopped early and these are the best offers it found in time. */
  partial?: 'deadline' | 'steps';
}

/** A booking sent to the supplier that owns the offer. */
export interface SupplierOrderRequest {
  reference: string;
  /** The price the client accepted; a supplier quoting another answers SupplierPriceChangedError. */
  price: SupplierPrice;
  passengers: readonly Passenger[];
  contact: Contact;
}

export interface SupplierOrder {
  /** The supplier's id of the order. */
  orderId: string;
  /** The supplier's (airline's) booking reference. */
  bookingReference: string;
  price: SupplierPrice;
}

/** What the supplier did when it cancelled an order. */
export interface SupplierCancellation {
  /** The supplier's id of the cancelled order. */
  orderId: string;
  /** When the supplier confirmed the cancellation (ISO 8601 UTC). */
  cancelledAt: string;
  /** What the supplier refunds (`0.00` for a non-refundable fare); absent when it does not say. */
  refund?: { amount: string; currency: string };
}

/** Passenger fields a supplier needs beyond the platform's required ones. */
export type SupplierPassengerField = 'title' | 'gender';

/** Breaker state of a supplier: closed (calls flow), open (calls refused), half-open (one probe). */
export type SupplierCircuit = 'closed' | 'open' | 'half-open';

/** What every source of flight offers answers. Calls take a signal and should stop when it aborts. */
interface FlightSource {
  /** Configuration name (`SUPPLIERS`), carried in every offer id it owns. */
  readonly name: string;
  searchFlights(query: SupplierFlightQuery, signal: AbortSignal): Promise<SupplierSearchResult>;
  /** Breaker state, when the supplier sits behind one. */
  circuit?(): SupplierCircuit;
}

/**
 * The platform's own inventory as a supplier: answers from the store and is cached with the search.
 * Its offers are confirmed and booked by the core against the store (seats are taken in the
 * booking's own transaction), so it offers no calls for that.
 */
export interface OwnSupplier extends FlightSource {
  readonly kind: 'own';
}

/** A supplier over the network: searched within a deadline, confirmed and booked at its end. */
export interface RemoteSupplier extends FlightSource {
  readonly kind: 'remote';
  /** The offer's current price and availability; SupplierOfferGoneError when it no longer exists. */
  priceOffer(reference: string, signal: AbortSignal): Promise<SupplierFlightOffer>;
  /** Passenger fields every order must carry for this supplier (absent: none beyond the platform's). */
  readonly requiredPassengerFields?: readonly SupplierPassengerField[];
  /** Books the offer once; never retried (not idempotent). */
  createOrder(order: SupplierOrderRequest, signal: AbortSignal): Promise<SupplierOrder>;
  /**
   * Cancels the order `orderId`. Idempotent: an order already cancelled answers its cancellation
   * again without a second one, so it is safe to retry. Rejects with SupplierCancellationRefusedError
   * when the supplier will not cancel it (not retryable: the order stands); any other rejection
   * (network, timeout, 5xx, SupplierUnavailableError) is retryable and leaves the order as it was
   * or cancelled, which the next call finds out.
   */
  cancelOrder(orderId: string, signal: AbortSignal): Promise<SupplierCancellation>;
}

/** A source of flight offers between search and where offers come from. */
export type Supplier = OwnSupplier | RemoteSupplier;

/** The supplier no longer sells the offer (Duffel `offer_no_longer_available`). */
export class SupplierOfferGoneError extends Error {
  constructor(message = 'the supplier no longer sells this offer') {
    super(message);
    this.name = 'SupplierOfferGoneError';
  }
}

/** The supplier quotes another price than the one accepted (Duffel `price_changed`). */
export class SupplierPriceChangedError extends Error {
  constructor(
    readonly current: SupplierPrice,
    message = 'the supplier quotes another price for this offer',
  ) {
    super(message);
    this.name = 'SupplierPriceChangedError';
  }
}

/** The supplier refuses to cancel the order (fare rules, flown, unknown order): it still stands. */
export class SupplierCancellationRefusedError extends Error {
  constructor(message = 'the supplier refuses to cancel this order') {
    super(message);
    this.name = 'SupplierCancellationRefusedError';
  }
}

/** The breaker of a supplier is open: it is not called until its open window has passed. */
export class SupplierUnavailableError extends Error {
  constructor(readonly supplier: string) {
    super(`supplier ${supplier} is unavailable (circuit open)`);
    this.name = 'SupplierUnavailableError';
  }
}
