import type { Cabin, CabinInventory, FlightRecord, InventoryStore } from '../../ports/store.js';
import type { FlightOfferView, FlightSegmentView } from '../flights/flight-offer-view.js';
import type { FlightSearchQuery } from '../search/request-rules.js';

/** One leg of a journey asked for availability (Amadeus's originDestination). */
export interface AvailabilityLeg {
  id: string;
  origin: string;
  destination: string;
  date: string;
  /** Local time "HH:MM[:SS]": itineraries leaving nearest to it come first. */
  time?: string;
}

export interface AvailabilityQuery {
  legs: AvailabilityLeg[];
  /** Seats the travellers take (held infants take none). */
  seats: number;
  /** Only itineraries with this cabin on every flight; every cabin is still reported. */
  cabin: Cabin;
  maxConnections: number;
  includedCarriers?: string[];
  excludedCarriers?: string[];
}

/** A flight of an itinerary with the seats left in each of its cabins. */
export interface AvailableSegment {
  segment: FlightSegmentView;
  cabins: Pick<CabinInventory, 'cabin' | 'seatsLeft'>[];
}

/** An itinerary for one leg of the query, with seats per cabin on each flight. */
export interface AvailabilityView {
  legId: string;
  duration: string;
  segments: AvailableSegment[];
}

export interface FlightAvailabilityDependencies {
  store: InventoryStore;
  /** The offers of a one-way search (the platform's cached flight search). */
  search(query: FlightSearchQuery): Promise<readonly FlightOfferView[]>;
}

/**
 * Seats per cabin on the itineraries of each leg: the flight search finds the itineraries (direct
 * and connecting, its connection rules), the store tells each flight's cabins. Itineraries of a
 * remote supplier, whose flights the store does not hold, are left out.
 */
export class FlightAvailability {
  readonly #deps: FlightAvailabilityDependencies;

  constructor(deps: FlightAvailabilityDependencies) {
    this.#deps = deps;
  }

  async availability(query: AvailabilityQuery): Promise<AvailabilityView[]> {
    const perLeg = await Promise.all(query.legs.map((leg) => this.#leg(leg, query)));
    return perLeg.flat();
  }

  async #leg(leg: AvailabilityLeg, query: AvailabilityQuery): Promise<AvailabilityView[]> {
    const offers = await this.#deps.search({
      origin: leg.origin,
      destination: leg.destination,
      departureDate: leg.date,
      adults: Math.max(1, query.seats),
      children: 0,
      infants: 0,
      cabin: query.cabin,
      maxStops: query.maxConnections,
      sort: 'departure',
      ...(query.includedCarriers?.length ? { carriers: query.includedCarriers.join(',') } : {}),
    });
    const excluded = new Set(query.excludedCarriers ?? []);
    const itineraries = offers
      .map((offer) => offer.itineraries[0])
      .filter((it) => it !== undefined && !it.segments.some((s) => excluded.has(s.carrierCode)));
    const flights = new Map<string, FlightRecord>(
      (
        await this.#deps.store.getFlights([
          ...new Set(itineraries.flatMap((it) => it?.segments.map((s) => s.id) ?? [])),
        ])
      ).map((f) => [f.id, f]),
    );
    const seen = new Set<string>();
    const views: AvailabilityView[] = [];
    for (const itinerary of itineraries) {
      if (!itinerary) continue;
      const key = itinerary.segments.map((s) => s.id).join(',');
      if (seen.has(key) || !itinerary.segments.every((s) => flights.has(s.id))) continue;
      seen.add(key);
      views.push({
        legId: leg.id,
        duration: itinerary.duration,
        segments: itinerary.segments.map((segment) => ({
          segment,
          cabins: (flights.get(segment.id) as FlightRecord).cabins.map(({ cabin, seatsLeft }) => ({
            cabin,
            seatsLeft,
          })),
        })),
      });
    }
    return leg.time === undefined ? views : nearestTo(views, leg.time);
  }
}

/** Itineraries leaving nearest to a local time first (the time is approximate, as Amadeus reads it). */
function nearestTo(views: AvailabilityView[], time: string): AvailabilityView[] {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  const wanted = minutes(time);
  const gap = (view: AvailabilityView) =>
    Math.abs(minutes(view.segments[0]?.segment.departure.at.slice(11, 16) ?? '00:00') - wanted);
  return [...views].sort((a, b) => gap(a) - gap(b));
}
