import { formatAmount } from '../money/money.js';
import type { FlightOfferView } from './flight-offer-view.js';
import type { SegmentFareView } from './flight-pricing.js';

/**
 * What a segment's fare says beyond its price, as far as the inventory records it. Only a filed
 * fare (an imported fare filing) records conditions: its checked-bag allowance and whether it is
 * refundable. Inventory fares (the demo world, admin fare changes) and estimated fares (a schedule
 * without fares, priced by the demo fare model, which models no bags or penalties) record none, so
 * their conditions are unknown and left undefined rather than guessed.
 */
export interface SegmentConditions {
  /** The filed fare basis, when the segment is sold under one. */
  fareBasis?: string;
  /** Checked bags each passenger may take at no charge; undefined when the fare records none. */
  checkedBags?: number;
  /** True when the fare is refunded on cancellation, false when not; undefined when not recorded. */
  refundable?: boolean;
}

/** The conditions of one segment's fare (see SegmentConditions for where each comes from). */
export function segmentConditions(fare: SegmentFareView | undefined): SegmentConditions {
  if (fare?.source !== 'filed') return {};
  return { fareBasis: fare.fareBasis, checkedBags: fare.checkedBags, refundable: fare.refundable };
}

/** Every segment's conditions of an offer, in itinerary then segment order (how segments are numbered). */
export function offerConditions(offer: FlightOfferView): SegmentConditions[] {
  return offer.itineraries.flatMap((itinerary) => itinerary.segments.map((s) => segmentConditions(s.fare)));
}

/**
 * The fee for paying an offer by card: zero, in the offer's currency. The platform takes no payment
 * itself (card details sent with an order are accepted and never charged or stored), so it adds no
 * card surcharge; an operator charging one does so in its own checkout.
 */
export function cardFee(offer: Pick<FlightOfferView, 'price'>): { amount: string; currency: string } {
  const currency = offer.price.currency;
  return { amount: formatAmount({ minor: 0, currency }), currency };
}
