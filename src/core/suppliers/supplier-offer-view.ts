import type { SupplierFlightOffer } from '../../ports/supplier.js';
import type { FlightOfferView } from '../flights/flight-offer-view.js';
import { parseAmount } from '../money/money.js';
import type { FlightOfferReference } from '../offers/offer-reference.js';
import type { PassengerCounts } from '../pricing/passenger-pricing.js';

/**
 * A supplier's offer as the API shows it. The own inventory's reference already is a signed offer id
 * (it re-prices from the store); a remote supplier's offer gets an id signed here that carries the
 * supplier, its offer reference and the price shown, so confirmation and booking go back to it.
 */
export function supplierOfferView(
  supplier: { name: string; kind: 'own' | 'remote' },
  offer: SupplierFlightOffer,
  passengers: PassengerCounts,
  sign: (reference: FlightOfferReference) => string,
): FlightOfferView {
  const { reference, ...shown } = offer;
  const id = supplier.kind === 'own' ? reference : sign(remoteReference(supplier.name, offer, passengers));
  return { id, type: 'flight-offer', source: supplier.name, ...shown };
}

/** What a remote supplier's offer id carries. */
export function remoteReference(
  supplier: string,
  offer: SupplierFlightOffer,
  passengers: PassengerCounts,
): FlightOfferReference {
  return {
    kind: 'flight',
    supplier,
    supplierOffer: offer.reference,
    legs: [],
    cabin: offer.cabin,
    passengers,
    total: parseAmount(offer.price.total, offer.price.currency) ?? 0,
    currency: offer.price.currency,
    expiresAt: Date.parse(offer.expiresAt),
  };
}
