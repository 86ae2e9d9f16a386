import { greatCircleKm } from '../../kernel/great-circle.js';
import { isoDuration, isoDurationBetween } from '../../kernel/iso-duration.js';
import { localToEpoch, toUtcIso, toZonedIso } from '../../kernel/zoned-time.js';
import type { Passenger } from '../../ports/bookings.js';
import type { Cabin } from '../../ports/store.js';
import {
  type RemoteSupplier,
  type SupplierCancellation,
  SupplierCancellationRefusedError,
  type SupplierEndpoint,
  type SupplierFlightOffer,
  type SupplierFlightQuery,
  SupplierOfferGoneError,
  type SupplierPrice,
  SupplierPriceChangedError,
  type SupplierTravelerPricing,
} from '../../ports/supplier.js';

/**
 * The parts of Duffel's API objects this adapter reads, as Duffel's public API reference and the
 * `@duffel/api` types (Offer, OfferRequest, Order, DuffelError) describe them.
 */
interface DuffelPlace {
  iata_code: string;
  iata_city_code?: string | null;
  time_zone?: string;
  latitude?: number;
  longitude?: number;
}

interface DuffelSegment {
  id: string;
  origin: DuffelPlace;
  destination: DuffelPlace;
  /** Local time at the origin, without offset, e.g. "2020-06-13T16:38:02". */
  departing_at: string;
  arriving_at: string;
  duration?: string | null;
  distance?: string | null;
  marketing_carrier: { iata_code: string; name: string };
  marketing_carrier_flight_number: string;
  aircraft?: { name: string } | null;
  passengers?: { passenger_id: string; cabin_class: Cabin }[];
}

export interface DuffelOffer {
  id: string;
  total_amount: string;
  total_currency: string;
  base_amount?: string | null;
  tax_amount?: string | null;
  expires_at: string;
  owner: { iata_code: string; name: string };
  slices: { duration?: string | null; segments: DuffelSegment[] }[];
  passengers: { id: string; type?: string | null; age?: number | null }[];
  available_seats?: number;
}

/** An order cancellation: a quote until `confirmed_at` is set, then the order is cancelled. */
interface DuffelOrderCancellation {
  id: string;
  order_id: string;
  confirmed_at?: string | null;
  refund_amount?: string | null;
  refund_currency?: string | null;
}

interface DuffelErrorBody {
  errors?: { type?: string; code?: string; title?: string; message?: string }[];
}

export interface DuffelOptions {
  /** API base, e.g. https://api.duffel.com. */
  url: string;
  token: string;
  /** `Duffel-Version` header. */
  version: string;
  /** `supplier_timeout` of offer requests: how long Duffel waits for airlines, ms. */
  supplierTimeoutMs: number;
}

/** A Duffel error answer: its HTTP status and the `code` of its first error. */
export class DuffelError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'DuffelError';
  }
}

/**
 * Duffel's answers that refuse the request itself (bad input, unknown order, a state that does not
 * allow it); timeouts, rate limits, auth and 5xx are failures worth retrying.
 */
const isRefusal = (error: unknown): error is DuffelError =>
  error instanceof DuffelError && [400, 404, 409, 422].includes(error.status);

/** Ages Duffel is given for children and infants, which the search API counts but does not age. */
const CHILD_AGE = 8;

/**
 * Duffel as a supplier: offer requests (`POST /air/offer_requests?return_offers=true`) for search,
 * `GET /air/offers/{id}` for price confirmation, `POST /air/orders` (instant, paid from balance) for
 * booking, an order cancellation quote confirmed at once for cancelling. Bodies are wrapped in
 * `{data: …}`; errors `offer_no_longer_available` and `price_changed` become the port's
 * SupplierOfferGoneError and SupplierPriceChangedError, a refused cancellation
 * SupplierCancellationRefusedError.
 */
export function createDuffelSupplier(options: DuffelOptions): RemoteSupplier {
  const call = async <T>(method: string, path: string, signal: AbortSignal, body?: unknown): Promise<T> => {
    const response = await fetch(new URL(path, options.url), {
      method,
      signal,
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${options.token}`,
        'duffel-version': options.version,
      },
      ...(body === undefined ? {} : { body: JSON.stringify({ data: body }) }),
    });
    const text = await response.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as { data?: T } & DuffelErrorBody);
    if (!response.ok) {
      const first = parsed.errors?.[0];
      const code = first?.code;
      if (code === 'offer_no_longer_available') throw new SupplierOfferGoneError(first?.message);
      throw new DuffelError(response.status, code, first?.message ?? `Duffel answered ${response.status}`);
    }
    if (parsed.data === undefined)
      throw new DuffelError(response.status, undefined, 'Duffel answered without data');
    return parsed.data;
  };

  const getOffer = (id: string, signal: AbortSignal): Promise<DuffelOffer> =>
    call<DuffelOffer>('GET', `/air/offers/${encodeURIComponent(id)}`, signal);

  /** The order's confirmed cancellation, if any (Duffel lists every one of an order, whoever made it). */
  const confirmedCancellation = async (
    orderId: string,
    signal: AbortSignal,
  ): Promise<DuffelOrderCancellation | undefined> => {
    const list = await call<DuffelOrderCancellation[]>(
      'GET',
      `/air/order_cancellations?order_id=${encodeURIComponent(orderId)}`,
      signal,
    );
    return list.find((c) => c.confirmed_at);
  };

  return {
    name: 'duffel',
    kind: 'remote',
    // Duffel refuses orders without them for most airlines.
    requiredPassengerFields: ['title', 'gender'],
    async searchFlights(query, signal) {
      const request = await call<{ offers?: DuffelOffer[] }>(
        'POST',
        `/air/offer_requests?return_offers=true&supplier_timeout=${options.supplierTimeoutMs}`,
        signal,
        offerRequest(query),
      );
      return { offers: (request.offers ?? []).map((offer) => toSupplierOffer(offer, query.cabin)) };
    },
    async priceOffer(reference, signal) {
      const offer = await getOffer(reference, signal);
      return toSupplierOffer(offer, cabinOf(offer));
    },
    async createOrder(order, signal) {
      const offer = await getOffer(order.reference, signal);
      const current = priceOf(offer);
      if (current.total !== order.price.total || current.currency !== order.price.currency) {
        throw new SupplierPriceChangedError(current);
      }
      try {
        const created = await call<{
          id: string;
          booking_reference: string;
          total_amount: string;
          total_currency: string;
        }>('POST', '/air/orders', signal, {
          type: 'instant',
          selected_offers: [offer.id],
          payments: [{ type: 'balance', amount: order.price.total, currency: order.price.currency }],
          passengers: orderPassengers(offer, order.passengers, order.contact),
        });
        return {
          orderId: created.id,
          bookingReference: created.booking_reference,
          price: { ...current, total: created.total_amount, currency: created.total_currency },
        };
      } catch (error) {
        // The airline re-priced between our check and the order: learn the new price to show both.
        if (error instanceof DuffelError && error.code === 'price_changed') {
          throw new SupplierPriceChangedError(priceOf(await getOffer(order.reference, signal)));
        }
        throw error;
      }
    },
    /**
     * Idempotent although Duffel's two steps are not: a cancellation already confirmed (an earlier
     * attempt whose answer was lost) is answered again; otherwise a fresh quote is created and
     * confirmed at once (only the newest quote of an order can be confirmed, so a stale one from
     * an abandoned attempt is never confirmed).
     */
    async cancelOrder(orderId, signal) {
      const done = await confirmedCancellation(orderId, signal);
      if (done) return toCancellation(done);
      try {
        const quote = await call<DuffelOrderCancellation>('POST', '/air/order_cancellations', signal, {
          order_id: orderId,
        });
        return toCancellation(
          await call<DuffelOrderCancellation>(
            'POST',
            `/air/order_cancellations/${encodeURIComponent(quote.id)}/actions/confirm`,
            signal,
          ),
        );
      } catch (error) {
        if (!isRefusal(error)) throw error;
        // Another instance may have confirmed in between: then the order is cancelled as asked.
        const raced = await confirmedCancellation(orderId, signal);
        if (raced) return toCancellation(raced);
        throw new SupplierCancellationRefusedError(
          `Duffel refuses to cancel order ${orderId}: ${error.message}`,
        );
      }
    },
  };
}

function toCancellation(cancellation: DuffelOrderCancellation): SupplierCancellation {
  return {
    orderId: cancellation.order_id,
    cancelledAt: new Date(cancellation.confirmed_at ?? Date.now()).toISOString(),
    ...(cancellation.refund_amount && cancellation.refund_currency
      ? { refund: { amount: cancellation.refund_amount, currency: cancellation.refund_currency } }
      : {}),
  };
}

function offerRequest(query: SupplierFlightQuery): unknown {
  const slices = [
    { origin: query.origin, destination: query.destination, departure_date: query.departureDate },
    ...(query.returnDate
      ? [{ origin: query.destination, destination: query.origin, departure_date: query.returnDate }]
      : []),
  ];
  return {
    slices,
    passengers: [
      ...Array.from({ length: query.adults }, () => ({ type: 'adult' })),
      ...Array.from({ length: query.children }, () => ({ age: CHILD_AGE })),
      ...Array.from({ length: query.infants }, () => ({ type: 'infant_without_seat' })),
    ],
    cabin_class: query.cabin,
    max_connections: query.maxStops,
  };
}

const cabinOf = (offer: DuffelOffer): Cabin =>
  offer.slices[0]?.segments[0]?.passengers?.[0]?.cabin_class ?? 'economy';

function priceOf(offer: DuffelOffer): SupplierPrice {
  return {
    total: offer.total_amount,
    base: offer.base_amount ?? offer.total_amount,
    taxes: offer.tax_amount ?? '0.00',
    currency: offer.total_currency,
  };
}

export function toSupplierOffer(offer: DuffelOffer, cabin: Cabin): SupplierFlightOffer {
  const price = priceOf(offer);
  const itineraries = offer.slices.map((slice, i) => {
    const segments = slice.segments.map((segment) => {
      const departure = endpoint(segment.origin, segment.departing_at);
      const arrival = endpoint(segment.destination, segment.arriving_at);
      return {
        id: `duffel:${segment.id}`,
        carrierCode: segment.marketing_carrier.iata_code,
        carrierName: segment.marketing_carrier.name,
        flightNumber: `${segment.marketing_carrier.iata_code}${segment.marketing_carrier_flight_number}`,
        aircraft: segment.aircraft?.name ?? '',
        departure,
        arrival,
        duration: segment.duration ?? isoDurationBetween(departure.atUtc, arrival.atUtc),
        distanceKm: segment.distance
          ? Math.round(Number(segment.distance))
          : placeDistanceKm(segment.origin, segment.destination),
        cabin: segment.passengers?.[0]?.cabin_class ?? cabin,
        seatsLeft: offer.available_seats ?? 0,
      };
    });
    const first = segments[0];
    const last = segments[segments.length - 1];
    return {
      direction: i === 0 ? ('outbound' as const) : ('return' as const),
      duration:
        slice.duration ??
        (first && last ? isoDurationBetween(first.departure.atUtc, last.arrival.atUtc) : isoDuration(0)),
      stops: Math.max(0, segments.length - 1),
      segments,
    };
  });
  return {
    reference: offer.id,
    cabin,
    itineraries,
    price,
    travelerPricings: travelerPricings(offer, price),
    seatsLeft: offer.available_seats ?? 0,
    validatingCarrier: offer.owner.iata_code,
    lastTicketingDate: offer.expires_at.slice(0, 10),
    expiresAt: new Date(offer.expires_at).toISOString(),
  };
}

/**
 * Duffel prices offers as a whole, not per passenger: one entry per passenger type with its count,
 * priced at the whole offer's price divided evenly between the passengers (the offer total is what
 * is charged).
 */
function travelerPricings(offer: DuffelOffer, price: SupplierPrice): SupplierTravelerPricing[] {
  const counts = new Map<SupplierTravelerPricing['travelerType'], number>();
  for (const p of offer.passengers) {
    const type =
      p.type === 'adult' || (p.age ?? 18) >= 18
        ? 'adult'
        : p.type?.startsWith('infant') || (p.age ?? 18) < 2
          ? 'infant'
          : 'child';
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  const n = Math.max(1, offer.passengers.length);
  const share = (amount: string): string => (Number(amount) / n).toFixed(decimals(amount));
  const each: SupplierPrice = {
    total: share(price.total),
    base: share(price.base),
    taxes: share(price.taxes),
    currency: price.currency,
  };
  return [...counts].map(([travelerType, count]) => ({ travelerType, count, price: { ...each } }));
}

const decimals = (amount: string): number => amount.split('.')[1]?.length ?? 0;

function orderPassengers(
  offer: DuffelOffer,
  passengers: readonly Passenger[],
  contact: { email: string; phone: string },
) {
  // Duffel's passenger ids come from the offer; ours are matched to them in order, by type.
  const pool = offer.passengers.map((p) => ({ ...p }));
  return passengers.map((passenger) => {
    const index = pool.findIndex((p) =>
      passenger.type === 'adult' ? p.type === 'adult' : p.type !== 'adult',
    );
    const [match] = pool.splice(Math.max(index, 0), 1);
    return {
      id: match?.id,
      given_name: passenger.givenName,
      family_name: passenger.familyName,
      born_on: passenger.dateOfBirth,
      title: passenger.title,
      gender: passenger.gender,
      email: contact.email,
      phone_number: contact.phone,
    };
  });
}

/** A Duffel local time (no offset) at a place, with the place's offset and in UTC. */
function endpoint(place: DuffelPlace, local: string): SupplierEndpoint {
  const timeZone = place.time_zone ?? 'UTC';
  const utc = localToEpoch(local, timeZone);
  return {
    iataCode: place.iata_code,
    cityCode: place.iata_city_code ?? place.iata_code,
    at: toZonedIso(utc, timeZone),
    atUtc: toUtcIso(utc),
  };
}

/** Duffel's distance between two places when it leaves a segment's out; 0 without coordinates. */
function placeDistanceKm(a: DuffelPlace, b: DuffelPlace): number {
  if (
    a.latitude === undefined ||
    a.longitude === undefined ||
    b.latitude === undefined ||
    b.longitude === undefined
  )
    return 0;
  return Math.round(greatCircleKm(a.latitude, a.longitude, b.latitude, b.longitude));
}
