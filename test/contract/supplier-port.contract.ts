/**
 * The behaviour every Supplier adapter promises (src/ports/supplier.ts). Each adapter's spec runs it
 * with an `open` that gives a fresh supplier and, for a remote one, a handle on the real local HTTP
 * service behind it (speaking that supplier's documented shapes), and adds only what is specific to
 * that adapter.
 *
 * What the port leaves open is left open here: a call that meets a lost answer may reject or be
 * retried inside the adapter (the circuit-breaker wrapper retries idempotent calls); the suite then
 * checks only what the next call finds and what the supplier did.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RemoteSupplier,
  type Supplier,
  SupplierCancellationRefusedError,
  type SupplierFlightOffer,
  type SupplierFlightQuery,
  SupplierOfferGoneError,
  type SupplierOrderRequest,
  type SupplierPrice,
  SupplierPriceChangedError,
} from '../../src/ports/supplier.js';

/** The service behind a remote supplier, as the suite steers and observes it. */
export interface SupplierService {
  /** The supplier's price of every offer changes to `total` from now on (a fare change at the airline). */
  reprice(total: string): void;
  /** The supplier refuses to cancel orders from now on (fare rules). */
  refuseCancellations(): void;
  /** The next cancellation takes effect at the supplier but its answer never arrives. */
  loseNextCancellationAnswer(): void;
  /** Every request is answered with this HTTP status and an error body from now on. */
  failEverything(status: number): void;
  /** Order ids, one entry each time a cancellation took effect at the supplier. */
  cancellationsMade(): readonly string[];
}

export type SupplierContractTarget =
  | { supplier: Supplier & { kind: 'own' }; query: SupplierFlightQuery; close(): Promise<void> }
  | {
      supplier: RemoteSupplier;
      query: SupplierFlightQuery;
      service: SupplierService;
      close(): Promise<void>;
    };

export type OpenSupplier = () => Promise<SupplierContractTarget>;

const DECIMAL = /^\d+\.\d{2}$/;
const LOCAL_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$/;
const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const ISO_DURATION = /^P(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$/;
const cents = (amount: string): number => Math.round(Number(amount) * 100);

/** A search's first offer, after checking the search answered at least one. */
async function firstOffer(target: SupplierContractTarget): Promise<SupplierFlightOffer> {
  const { offers } = await target.supplier.searchFlights(target.query, new AbortController().signal);
  expect(offers.length).toBeGreaterThan(0);
  return offers[0]!;
}

function orderFor(offer: SupplierFlightOffer, price: SupplierPrice = offer.price): SupplierOrderRequest {
  return {
    reference: offer.reference,
    price,
    // Title and gender too: some suppliers (Duffel) require them, and the core checks that before ordering.
    passengers: [
      {
        type: 'adult',
        givenName: 'Ada',
        familyName: 'Lovelace',
        dateOfBirth: '1985-12-10',
        title: 'ms',
        gender: 'f',
      },
    ],
    contact: { email: 'ada@example.com', phone: '+442071234567' },
  };
}

function expectPortShape(offer: SupplierFlightOffer, query: SupplierFlightQuery): void {
  expect(offer.reference).toEqual(expect.any(String));
  expect(offer.reference.length).toBeGreaterThan(0);
  expect(offer.cabin).toBe(query.cabin);
  expect(offer.price.total).toMatch(DECIMAL);
  expect(offer.price.base).toMatch(DECIMAL);
  expect(offer.price.taxes).toMatch(DECIMAL);
  expect(offer.price.currency).toMatch(/^[A-Z]{3}$/);
  expect(cents(offer.price.base) + cents(offer.price.taxes)).toBe(cents(offer.price.total));
  expect(Date.parse(offer.expiresAt)).toBeGreaterThan(Date.now());
  expect(Number.isInteger(offer.seatsLeft) && offer.seatsLeft >= 0).toBe(true);
  expect(Array.isArray(offer.travelerPricings)).toBe(true);
  expect(offer.itineraries[0]?.direction).toBe('outbound');
  for (const itinerary of offer.itineraries) {
    expect(itinerary.segments.length).toBeGreaterThan(0);
    expect(itinerary.stops).toBe(itinerary.segments.length - 1);
    expect(itinerary.duration).toMatch(ISO_DURATION);
    for (const segment of itinerary.segments) {
      expect(segment.duration).toMatch(ISO_DURATION);
      expect(segment.cabin).toBe(query.cabin);
      for (const end of [segment.departure, segment.arrival]) {
        expect(end.iataCode).toMatch(/^[A-Z]{3}$/);
        expect(end.at).toMatch(LOCAL_WITH_OFFSET);
        expect(end.atUtc).toMatch(UTC);
        // The local time and the UTC time are one instant.
        expect(Date.parse(end.at)).toBe(Date.parse(end.atUtc));
      }
      expect(Date.parse(segment.arrival.atUtc)).toBeGreaterThan(Date.parse(segment.departure.atUtc));
    }
  }
  const outbound = offer.itineraries[0]!.segments;
  const departure = outbound[0]!.departure;
  const arrival = outbound.at(-1)!.arrival;
  expect([departure.iataCode, departure.cityCode]).toContain(query.origin);
  expect([arrival.iataCode, arrival.cityCode]).toContain(query.destination);
  // The departure date is the local date at the origin.
  expect(departure.at.slice(0, 10)).toBe(query.departureDate);
}

/**
 * Runs the port's contract on one adapter: what every supplier answers, and for a remote one also
 * price confirmation, orders, idempotent cancellation and failures.
 */
export function describeSupplierContract(name: string, kind: 'own' | 'remote', open: OpenSupplier): void {
  describeSearchContract(name, open);
  if (kind === 'remote') describeRemoteContract(name, open);
}

function describeSearchContract(name: string, open: OpenSupplier): void {
  describe(`Supplier contract: ${name}`, () => {
    const opened: SupplierContractTarget[] = [];
    const fresh = async (): Promise<SupplierContractTarget> => {
      const target = await open();
      opened.push(target);
      return target;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((target) => target.close()));
    });

    it('answers a search with offers in the port shape: decimal money, local and UTC times, ISO durations', async () => {
      const target = await fresh();
      const { offers } = await target.supplier.searchFlights(target.query, new AbortController().signal);
      expect(offers.length).toBeGreaterThan(0);
      for (const offer of offers) expectPortShape(offer, target.query);
      expect(new Set(offers.map((offer) => offer.reference)).size).toBe(offers.length);
    });

    it('stops a search whose signal has aborted: it rejects rather than answers', async () => {
      const target = await fresh();
      const controller = new AbortController();
      controller.abort();
      await expect(target.supplier.searchFlights(target.query, controller.signal)).rejects.toBeDefined();
    });

    it('names itself as SUPPLIERS does, and says whether it is the own inventory or remote', async () => {
      const target = await fresh();
      expect(target.supplier.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(['own', 'remote']).toContain(target.supplier.kind);
      expect('service' in target).toBe(target.supplier.kind === 'remote');
    });
  });
}

/** The remote part of the port: price confirmation, orders, idempotent cancellation, failures. */
function describeRemoteContract(name: string, open: OpenSupplier): void {
  describe(`Remote supplier contract: ${name}`, () => {
    const opened: SupplierContractTarget[] = [];
    const remote = async () => {
      const target = await open();
      opened.push(target);
      if (!('service' in target)) throw new Error(`${name} is not a remote supplier`);
      return target;
    };
    const signal = () => new AbortController().signal;

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((target) => target.close()));
    });

    it('confirms the price of an offer it sold, by its reference', async () => {
      const target = await remote();
      const offer = await firstOffer(target);
      const confirmed = await target.supplier.priceOffer(offer.reference, signal());
      expect(confirmed.reference).toBe(offer.reference);
      expect(confirmed.price).toEqual(offer.price);
      expectPortShape(confirmed, target.query);
    });

    it('answers SupplierOfferGoneError for an offer it does not sell', async () => {
      const target = await remote();
      await expect(target.supplier.priceOffer('no-such-offer', signal())).rejects.toBeInstanceOf(
        SupplierOfferGoneError,
      );
    });

    it('orders an offer at the accepted price: an order id, a booking reference and that price', async () => {
      const target = await remote();
      const offer = await firstOffer(target);
      const order = await target.supplier.createOrder(orderFor(offer), signal());
      expect(order.orderId.length).toBeGreaterThan(0);
      expect(order.bookingReference.length).toBeGreaterThan(0);
      expect(order.price.total).toBe(offer.price.total);
      expect(order.price.currency).toBe(offer.price.currency);
    });

    it('refuses an order at a price it no longer quotes, with SupplierPriceChangedError carrying the new price', async () => {
      const target = await remote();
      const offer = await firstOffer(target);
      target.service.reprice('987.65');
      const refusal = await target.supplier.createOrder(orderFor(offer), signal()).catch((error) => error);
      expect(refusal).toBeInstanceOf(SupplierPriceChangedError);
      expect((refusal as SupplierPriceChangedError).current.total).toBe('987.65');
      // The price it quotes now is what confirmation answers, and what an order at it gets.
      expect((await target.supplier.priceOffer(offer.reference, signal())).price.total).toBe('987.65');
      const order = await target.supplier.createOrder(
        orderFor(offer, (refusal as SupplierPriceChangedError).current),
        signal(),
      );
      expect(order.price.total).toBe('987.65');
    });

    it('cancels an order once however often it is asked, answering the same cancellation', async () => {
      const target = await remote();
      const order = await target.supplier.createOrder(orderFor(await firstOffer(target)), signal());
      const first = await target.supplier.cancelOrder(order.orderId, signal());
      const again = await target.supplier.cancelOrder(order.orderId, signal());
      expect(first.orderId).toBe(order.orderId);
      expect(again.orderId).toBe(order.orderId);
      expect(first.cancelledAt).toMatch(UTC);
      expect(Date.parse(again.cancelledAt)).toBe(Date.parse(first.cancelledAt));
      expect(target.service.cancellationsMade()).toEqual([order.orderId]);
    });

    it('answers SupplierCancellationRefusedError when the supplier will not cancel, and the order stands', async () => {
      const target = await remote();
      const order = await target.supplier.createOrder(orderFor(await firstOffer(target)), signal());
      target.service.refuseCancellations();
      await expect(target.supplier.cancelOrder(order.orderId, signal())).rejects.toBeInstanceOf(
        SupplierCancellationRefusedError,
      );
      expect(target.service.cancellationsMade()).toEqual([]);
    });

    it('after a cancellation whose answer was lost, the next call finds the order cancelled, cancelled once', async () => {
      const target = await remote();
      const order = await target.supplier.createOrder(orderFor(await firstOffer(target)), signal());
      target.service.loseNextCancellationAnswer();
      const lost = await target.supplier
        .cancelOrder(order.orderId, signal())
        .catch((error: unknown) => error);
      // Either the call failed (retryable) or the adapter retried it: never a refusal.
      expect(lost).not.toBeInstanceOf(SupplierCancellationRefusedError);
      const found = await target.supplier.cancelOrder(order.orderId, signal());
      expect(found.orderId).toBe(order.orderId);
      expect(target.service.cancellationsMade()).toEqual([order.orderId]);
    });

    it('rejects searches and confirmations while the service fails, never as an empty answer or a gone offer', async () => {
      const target = await remote();
      const offer = await firstOffer(target);
      target.service.failEverything(503);
      await expect(target.supplier.searchFlights(target.query, signal())).rejects.toBeDefined();
      const confirmation = await target.supplier
        .priceOffer(offer.reference, signal())
        .catch((error: unknown) => error);
      expect(confirmation).toBeInstanceOf(Error);
      expect(confirmation).not.toBeInstanceOf(SupplierOfferGoneError);
    });
  });
}
