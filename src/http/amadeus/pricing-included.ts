import { cardFee, offerConditions, type SegmentConditions } from '../../core/flights/fare-conditions.js';
import { formatAmount } from '../../core/money/money.js';
import type { VerifiedFlightOffer } from './offer-verification.js';
import { type AmadeusWarning, notAppliedWarning } from './warnings.js';

/**
 * Card brands of Flight Offers Price's PaymentBrand: each is answered with the same zero fee
 * (core/flights/fare-conditions.ts `cardFee`).
 */
const PAYMENT_BRANDS = [
  'VISA',
  'AMERICAN_EXPRESS',
  'MASTERCARD',
  'VISA_ELECTRON',
  'VISA_DEBIT',
  'MASTERCARD_DEBIT',
  'MAESTRO',
  'DINERS',
  'MASTERCARD_IXARIS',
  'VISA_IXARIS',
  'MASTERCARD_AIRPLUS',
  'UATP_AIRPLUS',
] as const;

/** One entry of `included.bags` (the spec's Bags: a BaggageAllowance with its price and scope). */
interface BagEntry {
  quantity: number;
  name: 'CHECKED_BAG';
  price: { amount: string; currencyCode: string };
  bookableByItinerary: boolean;
  segmentIds: string[];
  travelerIds: string[];
}

/** One entry of `included.detailed-fare-rules` (the spec's DetailedFareRules). */
interface FareRuleEntry {
  fareBasis: string;
  name: string;
  segmentId: string;
  fareNotes: {
    category: 'REFUND';
    notApplicable: boolean;
    descriptions: { descriptionType: string; text: string }[];
  };
}

/** One entry of `included.credit-card-fees` (the spec's CreditCardFee). */
interface CardFeeEntry {
  brand: string;
  amount: string;
  currency: string;
  flightOfferId: string;
}

/** Flight Offers Price's `included` map, with the sections asked for. */
export interface PricingIncluded {
  bags?: Record<string, BagEntry>;
  'detailed-fare-rules'?: Record<string, FareRuleEntry>;
  'credit-card-fees'?: Record<string, CardFeeEntry>;
}

/**
 * The `included` sections `include` asks for, built from what the core records of each offer's
 * fares (fare-conditions.ts), and a warning for what it cannot answer: segments whose fare records
 * no bags or rules, `other-services` (no ancillaries are sold), unknown values.
 */
export function pricingIncluded(
  includes: readonly string[],
  offers: readonly VerifiedFlightOffer[],
): { included?: PricingIncluded; warnings: AmadeusWarning[] } {
  const included: PricingIncluded = {};
  const warnings: AmadeusWarning[] = [];
  for (const include of new Set(includes)) {
    if (include === 'bags') {
      const { entries, unknown } = bags(offers);
      included.bags = entries;
      if (unknown.length > 0) warnings.push(notRecorded(include, 'checked-bag allowance', unknown));
    } else if (include === 'detailed-fare-rules') {
      const { entries, unknown } = fareRules(offers);
      included['detailed-fare-rules'] = entries;
      if (unknown.length > 0) warnings.push(notRecorded(include, 'fare rules', unknown));
    } else if (include === 'credit-card-fees') {
      included['credit-card-fees'] = cardFees(offers);
    } else if (include === 'other-services') {
      warnings.push(
        notAppliedWarning('include', 'other-services: the inventory sells no ancillary services'),
      );
    } else {
      warnings.push(notAppliedWarning('include', `${include}: not a known value`));
    }
  }
  return { ...(Object.keys(included).length > 0 ? { included } : {}), warnings };
}

/** Segments (by offer and segment id) whose fare records no such condition. */
interface UnknownSegment {
  offer: number;
  segmentId: string;
}

function notRecorded(include: string, what: string, unknown: readonly UnknownSegment[]): AmadeusWarning {
  const list = unknown.map((u) => `offer ${u.offer + 1} segment ${u.segmentId}`).join(', ');
  return notAppliedWarning(
    'include',
    `${include}: no ${what} is recorded for ${list} (inventory fares record none; filed fares do)`,
  );
}

/** Each offer's segments with their Amadeus ids and the conditions of their fares. */
function segmentsOf(verified: VerifiedFlightOffer) {
  const conditions = offerConditions(verified.confirmed.offer);
  return verified.offer.itineraries.map((itinerary) =>
    itinerary.segments.map((segment) => ({
      id: segment.id,
      conditions: conditions[Number(segment.id) - 1] ?? ({} as SegmentConditions),
    })),
  );
}

/**
 * The checked bags each fare includes, per itinerary (segments with the same allowance grouped),
 * for every traveller of the offer, at no charge: no extra bags are sold, so the entries are the
 * allowance the fare already includes, priced 0.
 */
function bags(offers: readonly VerifiedFlightOffer[]) {
  const entries: Record<string, BagEntry> = {};
  const unknown: UnknownSegment[] = [];
  offers.forEach((verified, offer) => {
    const currencyCode = verified.confirmed.offer.price.currency;
    const travelerIds = verified.offer.travelerPricings.map((p) => p.travelerId);
    for (const itinerary of segmentsOf(verified)) {
      const groups = new Map<number, string[]>();
      for (const { id, conditions } of itinerary) {
        if (conditions.checkedBags === undefined) {
          unknown.push({ offer, segmentId: id });
          continue;
        }
        groups.set(conditions.checkedBags, [...(groups.get(conditions.checkedBags) ?? []), id]);
      }
      for (const [quantity, segmentIds] of groups) {
        entries[String(Object.keys(entries).length + 1)] = {
          quantity,
          name: 'CHECKED_BAG',
          price: { amount: formatAmount({ minor: 0, currency: currencyCode }), currencyCode },
          bookableByItinerary: true,
          segmentIds,
          travelerIds,
        };
      }
    }
  });
  return { entries, unknown };
}

/** Each filed fare's refund rule, per segment; change conditions are not recorded by any fare. */
function fareRules(offers: readonly VerifiedFlightOffer[]) {
  const entries: Record<string, FareRuleEntry> = {};
  const unknown: UnknownSegment[] = [];
  offers.forEach((verified, offer) => {
    for (const { id, conditions } of segmentsOf(verified).flat()) {
      if (conditions.fareBasis === undefined || conditions.refundable === undefined) {
        unknown.push({ offer, segmentId: id });
        continue;
      }
      entries[String(Object.keys(entries).length + 1)] = {
        fareBasis: conditions.fareBasis,
        name: conditions.fareBasis,
        segmentId: id,
        fareNotes: {
          category: 'REFUND',
          notApplicable: !conditions.refundable,
          descriptions: [
            {
              descriptionType: 'PENALTIES',
              text: conditions.refundable
                ? 'REFUNDABLE ON CANCELLATION. NO CHANGE CONDITIONS ARE FILED.'
                : 'NON-REFUNDABLE. NO CHANGE CONDITIONS ARE FILED.',
            },
          ],
        },
      };
    }
  });
  return { entries, unknown };
}

/** The card fee of each offer for every brand: zero (fare-conditions.ts `cardFee`). */
function cardFees(offers: readonly VerifiedFlightOffer[]) {
  const entries: Record<string, CardFeeEntry> = {};
  for (const verified of offers) {
    const fee = cardFee(verified.confirmed.offer);
    for (const brand of PAYMENT_BRANDS) {
      entries[String(Object.keys(entries).length + 1)] = {
        brand,
        amount: fee.amount,
        currency: fee.currency,
        flightOfferId: verified.offer.id,
      };
    }
  }
  return entries;
}
