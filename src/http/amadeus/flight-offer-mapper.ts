import { aircraftName } from '../../core/flights/aircraft-names.js';
import type { FlightOfferView } from '../../core/flights/flight-offer-view.js';
import { formatAmount } from '../../core/money/money.js';
import type { OfferSeal } from '../../core/offers/offer-seal.js';
import type { TravelerType } from '../../core/pricing/passenger-pricing.js';
import type { Cabin } from '../../ports/store.js';

/** Amadeus's traveller types for ours; infants travel on a lap. */
export const AMADEUS_TRAVELER_TYPE: Readonly<Record<TravelerType, string>> = {
  adult: 'ADULT',
  child: 'CHILD',
  infant: 'HELD_INFANT',
};

const AMADEUS_CABIN: Readonly<Record<Cabin, string>> = {
  economy: 'ECONOMY',
  premium_economy: 'PREMIUM_ECONOMY',
  business: 'BUSINESS',
  first: 'FIRST',
};

/** The booking class of the one published fare each cabin sells. */
const BOOKING_CLASS: Readonly<Record<Cabin, string>> = {
  economy: 'Y',
  premium_economy: 'W',
  business: 'J',
  first: 'F',
};

/** Amadeus caps the seats it reports at 9, the most one booking may take. */
const MAX_REPORTED_SEATS = 9;

/** A traveller of a search, by the id the client knows it under. */
export interface TravelerRef {
  id: string;
  type: TravelerType;
}

/** Travellers numbered "1".."n" as Amadeus numbers them: adults, then children, then infants. */
export function numberedTravelers(counts: {
  adults: number;
  children: number;
  infants: number;
}): TravelerRef[] {
  const travelers: TravelerRef[] = [];
  const add = (type: TravelerType, count: number) => {
    for (let i = 0; i < count; i++) travelers.push({ id: String(travelers.length + 1), type });
  };
  add('adult', counts.adults);
  add('child', counts.children);
  add('infant', counts.infants);
  return travelers;
}

/** A flight offer in Amadeus's shape (FlightOffersSearch v2). */
export type AmadeusFlightOffer = ReturnType<typeof offerBody> & { id: string };

/** Separates our offer id from the seal over the Amadeus offer; neither part ever contains it. */
const SEAL_SEPARATOR = '~';

/**
 * Our offer in Amadeus's shape. Its id is our offer id (what re-pricing needs) and a seal over the
 * rest of the offer, so the whole offer a client sends back can be checked against what we issued.
 */
export function toAmadeusFlightOffer(
  offer: FlightOfferView,
  travelers: readonly TravelerRef[],
  seal: OfferSeal,
): AmadeusFlightOffer {
  const body = offerBody(offer, travelers);
  return { id: `${offer.id}${SEAL_SEPARATOR}${seal.seal(body)}`, ...body };
}

/** What an Amadeus offer id carries: our offer id and the seal of the offer it was issued with. */
export function splitOfferId(id: string): { offerId: string; seal: string } | undefined {
  const at = id.lastIndexOf(SEAL_SEPARATOR);
  if (at <= 0) return undefined;
  return { offerId: id.slice(0, at), seal: id.slice(at + 1) };
}

/** True when `offer`, as a client sent it back, is exactly an offer this server issued. */
export function isIntactOffer(offer: Record<string, unknown>, seal: OfferSeal): boolean {
  if (typeof offer.id !== 'string') return false;
  const parts = splitOfferId(offer.id);
  if (!parts) return false;
  const { id: _id, ...body } = offer;
  return seal.matches(sealedPart(body), parts.seal);
}

/** The members of an offer the seal covers: everything Amadeus defines for it but the id. */
const SEALED_MEMBERS = [
  'type',
  'source',
  'instantTicketingRequired',
  'nonHomogeneous',
  'oneWay',
  'lastTicketingDate',
  'numberOfBookableSeats',
  'itineraries',
  'price',
  'pricingOptions',
  'validatingAirlineCodes',
  'travelerPricings',
] as const;

function sealedPart(offer: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(SEALED_MEMBERS.map((name) => [name, offer[name]]));
}

function offerBody(offer: FlightOfferView, travelers: readonly TravelerRef[]) {
  let segmentNumber = 0;
  const itineraries = offer.itineraries.map((itinerary) => ({
    duration: itinerary.duration,
    segments: itinerary.segments.map((segment) => {
      segmentNumber++;
      return {
        departure: { iataCode: segment.departure.iataCode, at: localTime(segment.departure.at) },
        arrival: { iataCode: segment.arrival.iataCode, at: localTime(segment.arrival.at) },
        carrierCode: segment.carrierCode,
        number: segment.flightNumber.slice(segment.carrierCode.length),
        aircraft: { code: segment.aircraft },
        operating: { carrierCode: segment.carrierCode },
        duration: segment.duration,
        id: String(segmentNumber),
        // A through flight's intermediate stops, as Amadeus shows a one-number flight that lands on the way.
        numberOfStops: segment.stops?.length ?? 0,
        ...(segment.stops && segment.stops.length > 0
          ? {
              stops: segment.stops.map((stop) => ({
                iataCode: stop.iataCode,
                duration: stop.duration,
                arrivalAt: localTime(stop.arrivalAt),
                departureAt: localTime(stop.departureAt),
              })),
            }
          : {}),
        blacklistedInEU: false,
      };
    }),
  }));
  const segmentIds = itineraries.flatMap((itinerary) => itinerary.segments.map((segment) => segment.id));
  const cabin = offer.cabin;
  const noFee = formatAmount({ minor: 0, currency: offer.price.currency });
  const body = {
    type: 'flight-offer' as const,
    source: 'GDS',
    instantTicketingRequired: false,
    nonHomogeneous: false,
    oneWay: false,
    lastTicketingDate: offer.lastTicketingDate,
    numberOfBookableSeats: Math.min(offer.seatsLeft, MAX_REPORTED_SEATS),
    itineraries,
    price: {
      currency: offer.price.currency,
      total: offer.price.total,
      base: offer.price.base,
      // The inventory's fares include every fee; Amadeus clients expect the two fee lines anyway.
      fees: [
        { amount: noFee, type: 'SUPPLIER' },
        { amount: noFee, type: 'TICKETING' },
      ],
      grandTotal: offer.price.total,
    },
    pricingOptions: { fareType: ['PUBLISHED'], includedCheckedBagsOnly: false },
    validatingAirlineCodes: [offer.validatingCarrier],
    travelerPricings: travelers.map((traveler) => {
      const unit = offer.travelerPricings.find((p) => p.travelerType === traveler.type)?.price;
      return {
        travelerId: traveler.id,
        fareOption: 'STANDARD',
        travelerType: AMADEUS_TRAVELER_TYPE[traveler.type],
        ...(traveler.type === 'infant' ? { associatedAdultId: travelers[0]?.id ?? '1' } : {}),
        price: { currency: offer.price.currency, total: unit?.total ?? '0.00', base: unit?.base ?? '0.00' },
        fareDetailsBySegment: segmentIds.map((segmentId) => ({
          segmentId,
          cabin: AMADEUS_CABIN[cabin],
          fareBasis: `${BOOKING_CLASS[cabin]}STD`,
          class: BOOKING_CLASS[cabin],
        })),
      };
    }),
  };
  return body;
}

/** Amadeus writes local times without their offset: "2026-12-17T08:00:00". */
function localTime(zoned: string): string {
  return zoned.slice(0, 19);
}

/** Amadeus's `dictionaries` for offers: the locations, aircraft, currencies and carriers they name. */
export function flightDictionaries(offers: readonly FlightOfferView[]) {
  const locations: Record<string, { cityCode: string }> = {};
  const aircraft: Record<string, string> = {};
  const currencies: Record<string, string> = {};
  const carriers: Record<string, string> = {};
  for (const offer of offers) {
    currencies[offer.price.currency] = offer.price.currency;
    for (const segment of offer.itineraries.flatMap((itinerary) => itinerary.segments)) {
      for (const end of [segment.departure, segment.arrival])
        locations[end.iataCode] = { cityCode: end.cityCode };
      aircraft[segment.aircraft] = aircraftName(segment.aircraft);
      carriers[segment.carrierCode] = segment.carrierName.toUpperCase();
    }
  }
  return { locations, aircraft, currencies, carriers };
}
