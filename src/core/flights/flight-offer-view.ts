import type { AirportDirectory } from '../../ports/airports.js';
import type { Cabin, FlightRecord } from '../../ports/store.js';
import type { PriceView, TravelerPricingView } from '../pricing/price-quote.js';
import { isoDuration, toUtcIso, toZonedIso } from '../time/zoned-time.js';
import type { SegmentFareView } from './flight-pricing.js';

/** Where a segment leaves from or arrives at. */
export interface FlightEndpointView {
  iataCode: string;
  cityCode: string;
  /** ISO 3166-1 alpha-2 code of the airport's country, when known. */
  countryCode?: string;
  /** Local time with the airport's offset. */
  at: string;
  atUtc: string;
}

export interface FlightSegmentView {
  id: string;
  carrierCode: string;
  carrierName: string;
  /** Marketing flight number with carrier, e.g. "BA117". */
  flightNumber: string;
  aircraft: string;
  departure: FlightEndpointView;
  arrival: FlightEndpointView;
  duration: string;
  distanceKm: number;
  cabin: Cabin;
  seatsLeft: number;
  /** The filed fare the segment is sold under, or the mark of an estimated price; absent for inventory fares. */
  fare?: SegmentFareView;
}

export interface ItineraryView {
  direction: 'outbound' | 'return';
  duration: string;
  stops: number;
  segments: FlightSegmentView[];
}

/** A flight offer as the API returns it. */
export interface FlightOfferView {
  id: string;
  type: 'flight-offer';
  source: string;
  cabin: Cabin;
  itineraries: ItineraryView[];
  price: PriceView;
  /** Present (true) when some segment is priced by the demo fare model: a schedule imported without fares. */
  priceEstimated?: true;
  travelerPricings: TravelerPricingView[];
  /** Seats bookable at this price: the fewest left on any segment. */
  seatsLeft: number;
  validatingCarrier: string;
  lastTicketingDate: string;
  expiresAt: string;
}

/** Renders chained flights as an itinerary with local and UTC times of every segment. */
export function itineraryView(
  direction: 'outbound' | 'return',
  flights: readonly FlightRecord[],
  cabin: Cabin,
  airports: AirportDirectory,
  carrierNames: ReadonlyMap<string, string>,
  fares: readonly (SegmentFareView | undefined)[] = [],
): ItineraryView {
  const first = flights[0] as FlightRecord;
  const last = flights[flights.length - 1] as FlightRecord;
  return {
    direction,
    duration: isoDuration(Math.round((last.arrivalUtc - first.departureUtc) / 60_000)),
    stops: flights.length - 1,
    segments: flights.map((flight, i) => ({
      id: flight.id,
      carrierCode: flight.carrier,
      carrierName: carrierNames.get(flight.carrier) ?? flight.carrier,
      flightNumber: `${flight.carrier}${flight.flightNumber}`,
      aircraft: flight.aircraft,
      departure: endpoint(flight.origin, flight.departureUtc, airports),
      arrival: endpoint(flight.destination, flight.arrivalUtc, airports),
      duration: isoDuration(Math.round((flight.arrivalUtc - flight.departureUtc) / 60_000)),
      distanceKm: flight.distanceKm,
      cabin,
      seatsLeft: flight.cabins.find((c) => c.cabin === cabin)?.seatsLeft ?? 0,
      ...(fares[i] === undefined ? {} : { fare: fares[i] }),
    })),
  };
}

function endpoint(iata: string, epochMs: number, airports: AirportDirectory): FlightEndpointView {
  const airport = airports.byIata(iata);
  const timeZone = airport?.timeZone ?? 'UTC';
  return {
    iataCode: iata,
    cityCode: airport?.cityCode ?? iata,
    ...(airport?.countryCode ? { countryCode: airport.countryCode } : {}),
    at: toZonedIso(epochMs, timeZone),
    atUtc: toUtcIso(epochMs),
  };
}
