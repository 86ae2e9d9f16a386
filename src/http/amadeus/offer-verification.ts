import { invalidField } from '../../core/errors.js';
import type { ConfirmedOffer, RepricedOffer } from '../../core/offers/price-confirmation.js';
import type { TravelerType } from '../../core/pricing/passenger-pricing.js';
import type { ApiServices } from '../services.js';
import {
  AMADEUS_TRAVELER_TYPE,
  type AmadeusFlightOffer,
  isIntactOffer,
  splitOfferId,
  type TravelerRef,
  toAmadeusFlightOffer,
} from './flight-offer-mapper.js';

/** A flight offer a client sent back, checked and re-priced against live inventory. */
export interface VerifiedFlightOffer {
  /** Our offer id, what booking confirms again. */
  offerId: string;
  confirmed: Extract<ConfirmedOffer, { kind: 'flight' }>;
  travelers: TravelerRef[];
  /** The offer as it stands now, in Amadeus's shape, freshly sealed. */
  offer: AmadeusFlightOffer;
  /** The total the client was shown, when the live price differs (only when a change is accepted). */
  previousPrice?: { total: string; currency: string };
}

/**
 * Our traveller type of each Amadeus type an offer can carry; YOUNG, STUDENT and SENIOR pay adult
 * fares, SEATED_INFANT the child fare (core: fareTypeOf).
 */
const OUR_TRAVELER_TYPE = new Map<string, TravelerType>([
  ...Object.entries(AMADEUS_TRAVELER_TYPE).map(([ours, theirs]): [string, TravelerType] => [
    theirs,
    ours as TravelerType,
  ]),
  ['SENIOR', 'adult'],
  ['YOUNG', 'adult'],
  ['STUDENT', 'adult'],
  ['SEATED_INFANT', 'child'],
]);

/**
 * Honours only what the server can verify: the offer must be one it issued with its sealed facts
 * unchanged (price, seats, segments, traveller pricing), and is then re-priced from live inventory,
 * never from the numbers the client sent. `field` names the offer in the request for error sources.
 * With `acceptPriceChange` (pricing) a changed live price is answered with the new price; without it
 * (booking) it is refused as price-changed.
 */
export async function verifyFlightOffer(
  services: ApiServices,
  sent: Record<string, unknown>,
  field: string,
  { acceptPriceChange = false }: { acceptPriceChange?: boolean } = {},
): Promise<VerifiedFlightOffer> {
  const parts = typeof sent.id === 'string' ? splitOfferId(sent.id) : undefined;
  if (!parts || !isIntactOffer(sent, services.offerSeal)) {
    throw invalidField(
      field,
      'the flight offer is not one this server issued or was changed (price, seats, segments or travellers); send it back exactly as the search or pricing returned it',
    );
  }
  const { previousPrice, ...confirmed }: RepricedOffer = acceptPriceChange
    ? await services.offers.reprice(parts.offerId)
    : await services.offers.confirm(parts.offerId);
  if (confirmed.kind !== 'flight') throw invalidField(field, 'not a flight offer');
  const pricings = sent.travelerPricings as { travelerId: string; travelerType: string }[];
  const travelers = pricings.map((pricing): TravelerRef => {
    const type = OUR_TRAVELER_TYPE.get(pricing.travelerType) ?? 'adult';
    return {
      id: pricing.travelerId,
      type,
      ...(pricing.travelerType !== AMADEUS_TRAVELER_TYPE[type] ? { label: pricing.travelerType } : {}),
    };
  });
  return {
    offerId: parts.offerId,
    confirmed,
    travelers,
    offer: toAmadeusFlightOffer(confirmed.offer, travelers, services.offerSeal),
    ...(previousPrice ? { previousPrice } : {}),
  };
}
