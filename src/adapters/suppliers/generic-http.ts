import {
  type RemoteSupplier,
  type SupplierCancellation,
  SupplierCancellationRefusedError,
  type SupplierFlightOffer,
  SupplierOfferGoneError,
  type SupplierOrder,
  type SupplierPrice,
  SupplierPriceChangedError,
} from '../../ports/supplier.js';

export interface GenericHttpOptions {
  /** Name in `SUPPLIERS` and in offer ids. */
  name: string;
  /** Base URL of the supplier's contract (docs/suppliers.md). */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when not empty. */
  token: string;
}

/** The supplier answered outside the contract, or with an error the contract does not name. */
export class SupplierContractError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'SupplierContractError';
  }
}

/**
 * A supplier speaking the small JSON contract of docs/suppliers.md: `POST /flights/search`,
 * `GET /offers/{reference}`, `POST /orders`, `POST /orders/{orderId}/cancel`. Offers come in the
 * platform's own offer shape.
 */
export function createGenericHttpSupplier(options: GenericHttpOptions): RemoteSupplier {
  const base = options.url.endsWith('/') ? options.url : `${options.url}/`;
  const call = async (
    method: string,
    path: string,
    signal: AbortSignal,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(new URL(path, base), {
      method,
      signal,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      throw new SupplierContractError(
        response.status,
        `${options.name} answered ${response.status} without JSON`,
      );
    }
    if (json.error === 'offer-gone') throw new SupplierOfferGoneError();
    if (json.error === 'price-changed' && isPrice(json.price))
      throw new SupplierPriceChangedError(json.price);
    if (json.error === 'not-cancellable' || json.error === 'order-not-found') {
      const reason = typeof json.message === 'string' ? `: ${json.message}` : '';
      throw new SupplierCancellationRefusedError(
        `${options.name} refuses to cancel the order (${json.error})${reason}`,
      );
    }
    if (!response.ok)
      throw new SupplierContractError(response.status, `${options.name} answered ${response.status}`);
    return { status: response.status, json };
  };

  return {
    name: options.name,
    kind: 'remote',
    async searchFlights(query, signal) {
      const { json } = await call('POST', 'flights/search', signal, query);
      if (!Array.isArray(json.offers) || !json.offers.every(isOffer))
        throw new SupplierContractError(200, `${options.name} answered a search without valid offers`);
      return { offers: json.offers.map(normalised) };
    },
    async priceOffer(reference, signal) {
      const { json } = await call('GET', `offers/${encodeURIComponent(reference)}`, signal);
      if (!isOffer(json.offer))
        throw new SupplierContractError(200, `${options.name} answered without an offer`);
      return normalised(json.offer);
    },
    async createOrder(order, signal): Promise<SupplierOrder> {
      const { json } = await call('POST', 'orders', signal, order);
      const created = json.order as Partial<SupplierOrder> | undefined;
      if (
        typeof created?.orderId !== 'string' ||
        typeof created.bookingReference !== 'string' ||
        !isPrice(created.price)
      ) {
        throw new SupplierContractError(
          201,
          `${options.name} answered an order without orderId, bookingReference and price`,
        );
      }
      return { orderId: created.orderId, bookingReference: created.bookingReference, price: created.price };
    },
    async cancelOrder(orderId, signal): Promise<SupplierCancellation> {
      const { json } = await call('POST', `orders/${encodeURIComponent(orderId)}/cancel`, signal, {});
      const done = json.cancellation as Partial<SupplierCancellation> | undefined;
      if (typeof done?.cancelledAt !== 'string' || Number.isNaN(Date.parse(done.cancelledAt))) {
        throw new SupplierContractError(200, `${options.name} answered a cancellation without cancelledAt`);
      }
      const refund = done.refund;
      return {
        orderId,
        cancelledAt: new Date(done.cancelledAt).toISOString(),
        ...(typeof refund?.amount === 'string' && typeof refund.currency === 'string'
          ? { refund: { amount: refund.amount, currency: refund.currency } }
          : {}),
      };
    },
  };
}

function isPrice(value: unknown): value is SupplierPrice {
  const v = value as Partial<SupplierPrice> | undefined;
  return typeof v?.total === 'string' && typeof v.currency === 'string';
}

function isOffer(value: unknown): value is SupplierFlightOffer {
  const v = value as Partial<SupplierFlightOffer> | undefined;
  return (
    typeof v?.reference === 'string' &&
    Array.isArray(v.itineraries) &&
    v.itineraries.every((it) => Array.isArray(it?.segments) && it.segments.length > 0) &&
    isPrice(v.price) &&
    typeof v.expiresAt === 'string' &&
    !Number.isNaN(Date.parse(v.expiresAt))
  );
}

/** Times in UTC written the platform's way, so the same flight from two suppliers has one identity. */
function normalised(offer: SupplierFlightOffer): SupplierFlightOffer {
  const utc = (iso: string): string => `${new Date(iso).toISOString().slice(0, 19)}Z`;
  return {
    ...offer,
    price: {
      ...offer.price,
      base: offer.price.base ?? offer.price.total,
      taxes: offer.price.taxes ?? '0.00',
    },
    travelerPricings: offer.travelerPricings ?? [],
    expiresAt: new Date(offer.expiresAt).toISOString(),
    itineraries: offer.itineraries.map((it) => ({
      ...it,
      segments: it.segments.map((s) => ({
        ...s,
        distanceKm: Math.round(s.distanceKm ?? 0),
        departure: { ...s.departure, atUtc: utc(s.departure.atUtc ?? s.departure.at) },
        arrival: { ...s.arrival, atUtc: utc(s.arrival.atUtc ?? s.arrival.at) },
      })),
    })),
  };
}
