import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AvailabilityView } from '../../../core/discovery/flight-availability.js';
import { invalidField } from '../../../core/errors.js';
import { aircraftName } from '../../../core/flights/aircraft-names.js';
import type { Cabin } from '../../../ports/store.js';
import type { ApiServices } from '../../services.js';
import { AMADEUS_TAG } from '../context.js';
import { BOOKING_CLASS, MAX_REPORTED_SEATS } from '../flight-offer-mapper.js';
import { amadeusBody, amadeusErrorResponses } from '../schemas.js';
import { FlightAvailabilitiesBody, FlightAvailabilitiesResponse } from './discovery-schemas.js';

/** The search core names its fields as the v1 query; here they are the first leg's members. */
const FIELDS = {
  'query.origin': '/originDestinations/0/originLocationCode',
  'query.destination': '/originDestinations/0/destinationLocationCode',
  'query.departureDate': '/originDestinations/0/departureDateTime/date',
  'query.carriers': '/searchCriteria/flightFilters/carrierRestrictions/includedCarrierCodes',
};

/** Travellers who take no seat. */
const LAP_INFANT = 'HELD_INFANT';

/** One itinerary as Flight Availabilities shows it: every cabin of each flight as its booking class. */
function flightAvailability(view: AvailabilityView, index: number, wantedClass: string | undefined) {
  return {
    type: 'flight-availability' as const,
    id: String(index + 1),
    originDestinationId: view.legId,
    source: 'GDS' as const,
    instantTicketingRequired: false,
    paymentCardRequired: false,
    duration: view.duration,
    segments: view.segments.map(({ segment, cabins }, i) => ({
      id: String(i + 1),
      numberOfStops: 0,
      blacklistedInEU: false,
      departure: { iataCode: segment.departure.iataCode, at: segment.departure.at.slice(0, 19) },
      arrival: { iataCode: segment.arrival.iataCode, at: segment.arrival.at.slice(0, 19) },
      carrierCode: segment.carrierCode,
      number: segment.flightNumber.slice(segment.carrierCode.length),
      aircraft: { code: segment.aircraft },
      operating: { carrierCode: segment.carrierCode },
      duration: segment.duration,
      availabilityClasses: cabins
        .map(({ cabin, seatsLeft }) => ({
          numberOfBookableSeats: Math.min(MAX_REPORTED_SEATS, seatsLeft),
          class: BOOKING_CLASS[cabin],
          // A sold-out cabin is still listed, closed, as Amadeus lists a class with no seat left.
          ...(seatsLeft === 0 ? { closedStatus: 'WAITLIST_CLOSED' } : {}),
        }))
        .filter((c) => wantedClass === undefined || c.class === wantedClass),
    })),
  };
}

/** Amadeus's dictionaries for the flights answered. */
function dictionaries(views: readonly AvailabilityView[]) {
  const locations: Record<string, { cityCode: string }> = {};
  const aircraft: Record<string, string> = {};
  const carriers: Record<string, string> = {};
  for (const { segment } of views.flatMap((v) => v.segments)) {
    for (const end of [segment.departure, segment.arrival])
      locations[end.iataCode] = { cityCode: end.cityCode };
    aircraft[segment.aircraft] = aircraftName(segment.aircraft);
    carriers[segment.carrierCode] = segment.carrierName.toUpperCase();
  }
  return { locations, aircraft, carriers };
}

/** Flight Availabilities Search: seats left per booking class on each itinerary of each leg. */
export const availabilityRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/v1/shopping/availability/flight-availabilities',
    {
      config: { amadeusFields: FIELDS },
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Seats per booking class (Amadeus Flight Availabilities Search v1)',
        description:
          'Direct and connecting itineraries of each originDestination with the seats left in every cabin of every flight (one booking class per cabin: Y, W, J, F; at most 9 reported, as Amadeus). X-HTTP-Method-Override is ignored.',
        body: FlightAvailabilitiesBody,
        response: {
          200: amadeusBody(FlightAvailabilitiesResponse, 'Itineraries with seats per class'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const body = request.body;
      const filters = body.searchCriteria?.flightFilters;
      const cabins = [...new Set((filters?.cabinRestrictions ?? []).map((r) => r.cabin))];
      if (cabins.length > 1) {
        throw invalidField('body.searchCriteria.flightFilters.cabinRestrictions', 'one cabin per request');
      }
      const seats = body.travelers.filter((t) => t.travelerType !== LAP_INFANT).length;
      if (seats === 0) throw invalidField('body.travelers', 'at least one traveller takes a seat');
      if (seats > 9) throw invalidField('body.travelers', 'at most 9 seated travellers');
      const carriers = filters?.carrierRestrictions;
      const views = await services.discovery.availability.availability({
        legs: body.originDestinations.map((od) => ({
          id: od.id,
          origin: od.originLocationCode.toUpperCase(),
          destination: od.destinationLocationCode.toUpperCase(),
          date: od.departureDateTime.date,
          ...(od.departureDateTime.time ? { time: od.departureDateTime.time } : {}),
        })),
        seats,
        cabin: (cabins[0]?.toLowerCase() ?? 'economy') as Cabin,
        maxConnections: filters?.connectionRestriction?.maxNumberOfConnections ?? 2,
        ...(carriers?.includedCarrierCodes
          ? { includedCarriers: carriers.includedCarrierCodes.map((c) => c.toUpperCase()) }
          : {}),
        ...(carriers?.excludedCarrierCodes
          ? { excludedCarriers: carriers.excludedCarrierCodes.map((c) => c.toUpperCase()) }
          : {}),
      });
      const wantedClass = body.searchCriteria?.class;
      return {
        meta: { count: views.length },
        data: views.map((view, index) => flightAvailability(view, index, wantedClass)),
        dictionaries: dictionaries(views),
      };
    },
  );
};
