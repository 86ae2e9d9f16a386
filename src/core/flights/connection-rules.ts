import type { Airport } from '../../ports/airports.js';
import type { FlightRecord } from '../../ports/store.js';

/** Minimum connection time, minutes: shorter within one country (no passport control). */
export const MCT_DOMESTIC_MINUTES = 45;
export const MCT_INTERNATIONAL_MINUTES = 75;
/**
 * Shortest time between landing at the end of one itinerary and leaving on the next (a round trip's
 * return, a multi-city journey's next origin-destination), minutes.
 */
export const MIN_STOPOVER_MINUTES = 120;
/** Longest layover offered as a connection, minutes. */
export const MAX_LAYOVER_MINUTES = 12 * 60;

/** Minimum connection time at `via` between a flight from `from` and one to `to`. */
export function minimumConnectionMinutes(from: Airport, via: Airport, to: Airport): number {
  return from.country === via.country && via.country === to.country
    ? MCT_DOMESTIC_MINUTES
    : MCT_INTERNATIONAL_MINUTES;
}

/** Scheduled time of a direct flight over this distance, minutes (the same rule the schedules use). */
export function estimatedDirectMinutes(distanceKm: number): number {
  return 35 + (distanceKm / 820) * 60;
}

/**
 * Longest journey offered between two airports, minutes: twice a direct flight plus four hours,
 * so a connection may double the trip but not turn it into a tour.
 */
export function maxJourneyMinutes(directDistanceKm: number): number {
  return Math.min(48 * 60, estimatedDirectMinutes(directDistanceKm) * 2 + 240);
}

/** Longest flown distance accepted for a path, given the direct distance (cuts detours before any lookup). */
export function maxPathKm(directDistanceKm: number, stops: number): number {
  return directDistanceKm * (stops === 0 ? 1 : 1.45 + 0.1 * stops) + 400;
}

/**
 * Whether `next` is the following leg of the same through flight as `previous` (an SSIM itinerary
 * variation: one flight number over several legs). A traveller stays on board, so the two legs
 * connect whatever the minimum connection time, and the offer shows them as one segment with a stop.
 */
export function continuesThroughFlight(
  previous: Pick<FlightRecord, 'throughFlight'>,
  next: Pick<FlightRecord, 'throughFlight'>,
): boolean {
  return (
    previous.throughFlight !== undefined &&
    next.throughFlight !== undefined &&
    previous.throughFlight.id === next.throughFlight.id &&
    next.throughFlight.legSequence === previous.throughFlight.legSequence + 1
  );
}
