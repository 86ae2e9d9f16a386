import { aircraftName } from '../../core/flights/aircraft-names.js';
import type { FlightOfferView } from '../../core/flights/flight-offer-view.js';
import type { SegmentFareView } from '../../core/flights/flight-pricing.js';
import { formatAmount } from '../../core/money/money.js';
import type { OfferSeal } from '../../core/offers/offer-seal.js';
import type { TravelerType } from '../../core/pricing/passenger-pricing.js';
import type { Cabin } from '../../ports/store.js';
import { sealedOfferFacts } from './sealed-offer-facts.js';

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
export const BOOKING_CLASS: Readonly<Record<Cabin, string>> = {
  economy: 'Y',
  premium_economy: 'W',
  business: 'J',
  first: 'F',
};

/** Amadeus caps the seats it reports at 9, the most one booking may take. */
export const MAX_REPORTED_SEATS = 9;

/** A traveller of a search, by the id the client knows it under. */
export interface TravelerRef {
  id: string;
  type: TravelerType;
  /** The Amadeus type the client asked for when it is not the one of `type` (YOUNG, STUDENT, SENIOR). */
  label?: string;
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
  return { id: `${offer.id}${SEAL_SEPARATOR}${seal.seal(sealedOfferFacts(body))}`, ...body };
}

/** What an Amadeus offer id carries: our offer id and the seal of the offer it was issued with. */
export function splitOfferId(id: string): { offerId: string; seal: string } | undefined {
  const at = id.lastIndexOf(SEAL_SEPARATOR);
  if (at <= 0) return undefined;
  return { offerId: id.slice(0, at), seal: id.slice(at + 1) };
}

/**
 * True when `offer`, as a client sent it back, is an offer this server issued with every sealed fact
 * unchanged (sealed-offer-facts.ts: what an SDK's re-serialisation may change is not among them).
 */
export function isIntactOffer(offer: Record<string, unknown>, seal: OfferSeal): boolean {
  if (typeof offer.id !== 'string') return false;
  const parts = splitOfferId(offer.id);
  if (!parts) return false;
  return seal.matches(sealedOfferFacts(offer), parts.seal);
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
  const segments = offer.itineraries.flatMap((itinerary) => itinerary.segments);
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
    pricingOptions: {
      fareType: ['PUBLISHED'],
      includedCheckedBagsOnly: false,
      ...(segments.every((segment) => segment.fare?.source === 'filed' && segment.fare.refundable)
        ? { refundableFare: true }
        : {}),
    },
    validatingAirlineCodes: [offer.validatingCarrier],
    travelerPricings: travelers.map((traveler) => {
      const unit = offer.travelerPricings.find((p) => p.travelerType === traveler.type)?.price;
      return {
        travelerId: traveler.id,
        fareOption: 'STANDARD',
        travelerType: traveler.label ?? AMADEUS_TRAVELER_TYPE[traveler.type],
        ...(traveler.type === 'infant' ? { associatedAdultId: travelers[0]?.id ?? '1' } : {}),
        price: {
          currency: offer.price.currency,
          total: unit?.total ?? noFee,
          base: unit?.base ?? noFee,
          taxes: taxLines(unit?.taxes ?? noFee),
        },
        fareDetailsBySegment: segmentIds.map((segmentId, i) =>
          fareDetails(segmentId, cabin, segments[i]?.fare),
        ),
      };
    }),
  };
  return body;
}

/**
 * Taxes as Amadeus itemises them. The inventory keeps one amount of taxes and fees per fare, not
 * each tax, so it is one line under XT, the code IATA tickets use for taxes combined.
 */
function taxLines(amount: string): { amount: string; code: string }[] {
  return Number(amount) === 0 ? [] : [{ amount, code: 'XT' }];
}

/**
 * One segment's fare details: a filed fare's basis, booking class and checked bags; the cabin's one
 * published fare otherwise. An estimated price (a schedule imported without fares) is marked by
 * `brandedFareLabel: "ESTIMATED"`, the free-text fare family label Amadeus clients already show.
 */
function fareDetails(segmentId: string, cabin: Cabin, fare: SegmentFareView | undefined) {
  const base = { segmentId, cabin: AMADEUS_CABIN[cabin] };
  if (fare?.source === 'filed') {
    return {
      ...base,
      fareBasis: fare.fareBasis,
      class: fare.bookingClass,
      includedCheckedBags: { quantity: fare.checkedBags },
    };
  }
  return {
    ...base,
    fareBasis: `${BOOKING_CLASS[cabin]}STD`,
    class: BOOKING_CLASS[cabin],
    ...(fare?.source === 'estimated' ? { brandedFareLabel: 'ESTIMATED' } : {}),
  };
}

/** Amadeus writes local times without their offset: "2026-12-17T08:00:00". */
function localTime(zoned: string): string {
  return zoned.slice(0, 19);
}

/** Amadeus's `dictionaries` for offers: the locations, aircraft, currencies and carriers they name. */
export function flightDictionaries(offers: readonly FlightOfferView[]) {
  const locations: Record<string, { cityCode: string; countryCode?: string }> = {};
  const aircraft: Record<string, string> = {};
  const currencies: Record<string, string> = {};
  const carriers: Record<string, string> = {};
  for (const offer of offers) {
    currencies[offer.price.currency] = currencyName(offer.price.currency);
    for (const segment of offer.itineraries.flatMap((itinerary) => itinerary.segments)) {
      for (const end of [segment.departure, segment.arrival]) {
        locations[end.iataCode] = {
          cityCode: end.cityCode,
          ...(end.countryCode ? { countryCode: end.countryCode } : {}),
        };
      }
      aircraft[segment.aircraft] = aircraftName(segment.aircraft);
      carriers[segment.carrierCode] = segment.carrierName.toUpperCase();
    }
  }
  return { locations, aircraft, currencies, carriers };
}

const currencyNames = new Intl.DisplayNames(['en'], { type: 'currency' });

/** A currency's name as Amadeus's dictionaries wrote it: "EUR": "EURO", "USD": "US DOLLAR". */
function currencyName(code: string): string {
  return (currencyNames.of(code) ?? code).toUpperCase();
}
