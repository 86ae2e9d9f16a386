import type { FlightRecord } from '../../ports/store.js';
import { continuesThroughFlight } from './connection-rules.js';

export interface ConnectionRules {
  /** Minimum minutes between arriving at path[i] and leaving it (i ≥ 1). */
  minimumConnectionMinutes(stopIndex: number): number;
  /** Longest layover, minutes. */
  maxLayoverMinutes: number;
  /** Longest first-departure-to-last-arrival time, minutes. */
  maxJourneyMinutes: number;
  /** Whether a flight may be used at all (cabin, seats, carriers). */
  usable(flight: FlightRecord): boolean;
  /** Most itineraries returned for one path. */
  limit: number;
  /** Called per connection tried; false stops the building (work budget spent), keeping what was found. */
  step?: () => boolean;
}

/**
 * Chains flights along one airport path: `legs[i]` are the candidate flights of the i-th hop, the
 * first already restricted to the departure day. Each connection respects the minimum connection
 * time (except the next leg of the same through flight) and the layover cap; the whole journey respects the journey cap. Results are in order of
 * first departure, then arrival.
 */
export function buildConnections(
  legs: readonly (readonly FlightRecord[])[],
  rules: ConnectionRules,
): FlightRecord[][] {
  const results: FlightRecord[][] = [];
  const first = legs[0];
  if (!first) return results;
  let stopped = false;
  const extend = (chain: FlightRecord[]): void => {
    if (stopped || results.length >= rules.limit) return;
    if (rules.step && !rules.step()) {
      stopped = true;
      return;
    }
    const hop = chain.length;
    const previous = chain[hop - 1] as FlightRecord;
    if (hop === legs.length) {
      results.push(chain);
      return;
    }
    const start = (chain[0] as FlightRecord).departureUtc;
    const earliest = previous.arrivalUtc + rules.minimumConnectionMinutes(hop) * 60_000;
    const latest = previous.arrivalUtc + rules.maxLayoverMinutes * 60_000;
    for (const next of legs[hop] ?? []) {
      // The next leg of a through flight connects whatever the minimum connection time: no one changes planes.
      if (
        next.departureUtc < earliest &&
        !(next.departureUtc >= previous.arrivalUtc && continuesThroughFlight(previous, next))
      ) {
        continue;
      }
      if (next.departureUtc > latest) break;
      if (!rules.usable(next)) continue;
      if (next.arrivalUtc - start > rules.maxJourneyMinutes * 60_000) continue;
      extend([...chain, next]);
      if (stopped || results.length >= rules.limit) return;
    }
  };
  for (const flight of first) {
    if (stopped) break;
    if (!rules.usable(flight)) continue;
    if (legs.length === 1 || flight.arrivalUtc - flight.departureUtc <= rules.maxJourneyMinutes * 60_000) {
      extend([flight]);
    }
  }
  return results.sort(
    (a, b) => a[0]!.departureUtc - b[0]!.departureUtc || last(a).arrivalUtc - last(b).arrivalUtc,
  );
}

const last = (chain: FlightRecord[]): FlightRecord => chain[chain.length - 1] as FlightRecord;
