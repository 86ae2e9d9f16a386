import { isoDuration } from '../../kernel/iso-duration.js';
import { toUtcIso, toZonedIso } from '../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../ports/airports.js';
import type { Cabin, FlightRecord } from '../../ports/store.js';
import type { PriceView, TravelerPricingView } from '../pricing/price-quote.js';
import { continuesThroughFlight } from './connection-rules.js';
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

/** An intermediate stop of a through flight: the aircraft lands and leaves again under one flight number. */
export interface FlightStopView {
  iataCode: string;
  /** Local times with offset, and how long the aircraft stays (ISO 8601). */
  arrivalAt: string;
  departureAt: string;
  duration: string;
}

export interface FlightSegmentView {
  /** The flight id, or for a through flight the ids of its legs joined by `+`. */
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
  /** Intermediate stops of a through flight (absent on a nonstop flight); each counts in the itinerary's `stops`. */
  stops?: FlightStopView[];
  /** Marketing flight numbers of codeshare partners, e.g. "QR5911". */
  codeshares?: string[];
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

/**
 * Renders chained flights as an itinerary with local and UTC times of every segment. Consecutive legs
 * of one through flight become one segment with its intermediate stops; `stops` counts every
 * intermediate airport, changes of plane and through-flight stops alike.
 */
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
    segments: throughFlightRuns(flights).map((legs, r, runs) => {
      // A run's fare is its first leg's: a fare component never starts inside a through flight.
      const firstLeg = runs.slice(0, r).reduce((count, run) => count + run.length, 0);
      return segmentView(legs, cabin, airports, carrierNames, fares[firstLeg]);
    }),
  };
}

/** Flights split into runs of consecutive legs of one through flight (a nonstop flight is a run of one). */
export function throughFlightRuns(flights: readonly FlightRecord[]): FlightRecord[][] {
  const runs: FlightRecord[][] = [];
  for (const flight of flights) {
    const run = runs[runs.length - 1];
    const previous = run?.[run.length - 1];
    if (run && previous && continuesThroughFlight(previous, flight)) run.push(flight);
    else runs.push([flight]);
  }
  return runs;
}

function segmentView(
  legs: readonly FlightRecord[],
  cabin: Cabin,
  airports: AirportDirectory,
  carrierNames: ReadonlyMap<string, string>,
  fare: SegmentFareView | undefined,
): FlightSegmentView {
  const first = legs[0] as FlightRecord;
  const last = legs[legs.length - 1] as FlightRecord;
  const stops = legs.slice(1).map((leg, i): FlightStopView => {
    const arriving = legs[i] as FlightRecord;
    const timeZone = airports.byIata(leg.origin)?.timeZone ?? 'UTC';
    return {
      iataCode: leg.origin,
      arrivalAt: toZonedIso(arriving.arrivalUtc, timeZone),
      departureAt: toZonedIso(leg.departureUtc, timeZone),
      duration: isoDuration(Math.round((leg.departureUtc - arriving.arrivalUtc) / 60_000)),
    };
  });
  const codeshares = first.codeshares?.map((c) => `${c.carrier}${c.flightNumber}`) ?? [];
  return {
    id: legs.map((leg) => leg.id).join('+'),
    carrierCode: first.carrier,
    carrierName: carrierNames.get(first.carrier) ?? first.carrier,
    flightNumber: `${first.carrier}${first.flightNumber}`,
    aircraft: first.aircraft,
    departure: endpoint(first.origin, first.departureUtc, airports),
    arrival: endpoint(last.destination, last.arrivalUtc, airports),
    duration: isoDuration(Math.round((last.arrivalUtc - first.departureUtc) / 60_000)),
    distanceKm: legs.reduce((sum, leg) => sum + leg.distanceKm, 0),
    cabin,
    seatsLeft: Math.min(...legs.map((leg) => leg.cabins.find((c) => c.cabin === cabin)?.seatsLeft ?? 0)),
    ...(stops.length > 0 ? { stops } : {}),
    ...(codeshares.length > 0 ? { codeshares } : {}),
    ...(fare === undefined ? {} : { fare }),
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
