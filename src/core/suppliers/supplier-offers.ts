import type { Contact, Passenger } from '../../ports/bookings.js';
import type { Clock } from '../../ports/clock.js';
import {
  type RemoteSupplier,
  type Supplier,
  type SupplierCancellation,
  SupplierCancellationRefusedError,
  SupplierOfferGoneError,
  type SupplierOrder,
  type SupplierPassengerField,
  type SupplierPrice,
  SupplierPriceChangedError,
} from '../../ports/supplier.js';
import { DomainError } from '../errors.js';
import type { FlightOfferView } from '../flights/flight-offer-view.js';
import { formatAmount } from '../money/money.js';
import type { FlightOfferReference } from '../offers/offer-reference.js';
import type { TokenSigner } from '../offers/signed-token.js';
import { remoteReference, supplierOfferView } from './supplier-offer-view.js';

export interface SupplierOffersDependencies {
  suppliers: readonly Supplier[];
  signer: TokenSigner;
  clock: Clock;
  /** Longest a price confirmation or an order waits for the supplier, ms. */
  callTimeoutMs: number;
}

/** A remote supplier's offer, confirmed at the supplier: its current view and the reference it carries. */
export interface ConfirmedSupplierOffer {
  offer: FlightOfferView;
  reference: FlightOfferReference;
}

/** The supplier's order a remote booking keeps beside its offer (`offer.supplierOrder`). */
export interface BookedSupplierOrder extends SupplierOrder {
  supplier: string;
}

/**
 * Price confirmation, booking and cancellation of offers owned by remote suppliers: both go back to the supplier
 * named in the offer id, with the supplier's own offer reference. A different price, at confirmation
 * or when ordering, is `price-changed` with both prices.
 */
export class SupplierOffers {
  readonly #deps: SupplierOffersDependencies;

  constructor(deps: SupplierOffersDependencies) {
    this.#deps = deps;
  }

  async confirm(reference: FlightOfferReference): Promise<ConfirmedSupplierOffer> {
    const supplier = this.#supplier(reference);
    const current = await this.#call(
      supplier,
      (signal) => supplier.priceOffer(reference.supplierOffer ?? '', signal),
      reference,
    );
    const fresh = remoteReference(supplier.name, current, reference.passengers);
    const offer = supplierOfferView(supplier, current, reference.passengers, (r) =>
      this.#deps.signer.sign(r),
    );
    if (fresh.total !== reference.total || fresh.currency !== reference.currency) {
      throw priceChanged(reference, offer.price);
    }
    return { offer, reference: fresh };
  }

  /** Books the offer at its supplier at the price the client accepted. Never retried: an order is not idempotent. */
  async order(
    reference: FlightOfferReference,
    price: SupplierPrice,
    passengers: readonly Passenger[],
    contact: Contact,
  ): Promise<SupplierOrder> {
    const supplier = this.#supplier(reference);
    return this.#call(
      supplier,
      (signal) =>
        supplier.createOrder(
          { reference: reference.supplierOffer ?? '', price, passengers, contact },
          signal,
        ),
      reference,
    );
  }

  /** Passenger fields the offer's supplier needs on every passenger (none for most suppliers). */
  requiredPassengerFields(reference: FlightOfferReference): readonly SupplierPassengerField[] {
    return this.#supplier(reference).requiredPassengerFields ?? [];
  }

  /**
   * Cancels `order` at its supplier (idempotent there, so retried calls cancel once). The supplier
   * refusing is booking-not-cancellable; a supplier that cannot be reached is service-unavailable
   * with a retry-after: in both cases the order stands and nothing may be marked cancelled.
   */
  async cancel(order: BookedSupplierOrder): Promise<SupplierCancellation> {
    const supplier = this.#deps.suppliers.find(
      (s): s is RemoteSupplier => s.name === order.supplier && s.kind === 'remote',
    );
    if (!supplier) {
      throw new DomainError(
        'service-unavailable',
        `the supplier ${order.supplier} of this booking is not configured here; it cannot be cancelled`,
        { supplier: order.supplier },
      );
    }
    return this.#call(supplier, (signal) => supplier.cancelOrder(order.orderId, signal));
  }

  #supplier(reference: FlightOfferReference): RemoteSupplier {
    const supplier = this.#deps.suppliers.find(
      (s): s is RemoteSupplier => s.name === reference.supplier && s.kind === 'remote',
    );
    // An offer of a supplier this instance no longer has configured cannot be confirmed here.
    if (!supplier || !reference.supplierOffer)
      throw new DomainError('offer-not-found', 'no offer has this id');
    return supplier;
  }

  async #call<T>(
    supplier: RemoteSupplier,
    call: (signal: AbortSignal) => Promise<T>,
    reference?: FlightOfferReference,
  ): Promise<T> {
    try {
      return await call(AbortSignal.timeout(this.#deps.callTimeoutMs));
    } catch (error) {
      if (error instanceof SupplierOfferGoneError) {
        throw new DomainError('offer-expired', 'the supplier no longer sells this offer; search again', {
          supplier: supplier.name,
        });
      }
      if (error instanceof SupplierPriceChangedError && reference) {
        throw priceChanged(reference, error.current);
      }
      if (error instanceof SupplierCancellationRefusedError) {
        throw new DomainError(
          'booking-not-cancellable',
          `the supplier ${supplier.name} refuses to cancel this booking; it stays confirmed`,
          { supplier: supplier.name, reason: error.message },
          { cause: error },
        );
      }
      throw new DomainError(
        'service-unavailable',
        `the supplier ${supplier.name} cannot be reached; try again shortly`,
        { supplier: supplier.name, retryAfterSeconds: 5 },
        { cause: error },
      );
    }
  }
}

function priceChanged(
  reference: FlightOfferReference,
  price: { total: string; currency: string; base?: string; taxes?: string },
): DomainError {
  return new DomainError('price-changed', 'the price of this offer has changed', {
    previousPrice: {
      total: formatAmount({ minor: reference.total, currency: reference.currency }),
      currency: reference.currency,
    },
    price: { ...price },
  });
}
