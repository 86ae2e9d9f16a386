import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ScheduledLeg } from '../../../core/discovery/route-network.js';
import { isoDuration } from '../../../kernel/iso-duration.js';
import type { ApiServices } from '../../services.js';
import { AMADEUS_TAG, baseUrl } from '../context.js';
import { amadeusBody, amadeusErrorResponses } from '../schemas.js';
import { FlightStatusQuery, FlightStatusResponse } from './discovery-schemas.js';

/** Said in every answer's meta: this is the schedule, not the flight as it is being flown. */
const SCHEDULE_ONLY =
  'Scheduled times and aircraft from the schedule; no live status (no estimated or actual times, gates, terminals or delays).';

const minutesBetween = (from: number, to: number) => isoDuration(Math.round((to - from) / 60_000));

/** A dated flight as On-Demand Flight Status shows it: its points with STD/STA, segments and legs. */
function datedFlight(legs: readonly ScheduledLeg[], date: string) {
  const first = (legs[0] as ScheduledLeg).flight;
  const last = legs[legs.length - 1] as ScheduledLeg;
  const points = legs.map((leg, i) => ({
    iataCode: leg.flight.origin,
    ...(i > 0
      ? { arrival: { timings: [{ qualifier: 'STA', value: (legs[i - 1] as ScheduledLeg).arrivalAt }] } }
      : {}),
    departure: { timings: [{ qualifier: 'STD', value: leg.departureAt }] },
  }));
  return {
    type: 'DatedFlight' as const,
    scheduledDepartureDate: date,
    flightDesignator: { carrierCode: first.carrier, flightNumber: first.flightNumber },
    flightPoints: [
      ...points,
      {
        iataCode: last.flight.destination,
        arrival: { timings: [{ qualifier: 'STA', value: last.arrivalAt }] },
      },
    ],
    // A passenger may travel from any board point to any later off point of a through flight.
    segments: legs.flatMap(({ flight: from }, i) =>
      legs.slice(i).map(({ flight: to }) => ({
        boardPointIataCode: from.origin,
        offPointIataCode: to.destination,
        scheduledSegmentDuration: minutesBetween(from.departureUtc, to.arrivalUtc),
      })),
    ),
    legs: legs.map(({ flight }) => ({
      boardPointIataCode: flight.origin,
      offPointIataCode: flight.destination,
      aircraftEquipment: { aircraftType: flight.aircraft },
      scheduledLegDuration: minutesBetween(flight.departureUtc, flight.arrivalUtc),
    })),
  };
}

/** On-Demand Flight Status: one flight's schedule (core/discovery/route-network.ts). */
export const flightStatusRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/v2/schedule/flights',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'A flight’s schedule (Amadeus On-Demand Flight Status v2)',
        description: `${SCHEDULE_ONLY} An empty list when the schedule has no such flight on that date. operationalSuffix is ignored.`,
        querystring: FlightStatusQuery,
        response: {
          200: amadeusBody(FlightStatusResponse, 'The dated flight, if scheduled'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const { carrierCode, flightNumber, scheduledDepartureDate } = request.query;
      const legs = await services.discovery.network.scheduledFlight(
        carrierCode,
        Number(flightNumber),
        scheduledDepartureDate,
      );
      const data = legs ? [datedFlight(legs, scheduledDepartureDate)] : [];
      return {
        meta: {
          count: data.length,
          links: { self: `${baseUrl(request)}${request.url}` },
          liveStatus: false,
          detail: SCHEDULE_ONLY,
        },
        data,
      };
    },
  );
};
