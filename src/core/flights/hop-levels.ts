import type { Airport } from '../../ports/airports.js';
import type { FlightLegQuery, FlightRecord } from '../../ports/store.js';
import { flightRouteTag, utcDatesBetween } from '../cache/cache-tags.js';
import type { WorkBudget } from '../search/work-budget.js';
import { MAX_LAYOVER_MINUTES, minimumConnectionMinutes } from './connection-rules.js';

/** One airport path of a search, followed hop level by hop level. */
export interface PathPlan {
  /** Position of the path in the order paths were found. */
  rank: number;
  path: string[];
  stops: Airport[];
  /** The departure day at the origin, epoch ms [start, end). */
  dayStart: number;
  dayEnd: number;
  journeyCapMinutes: number;
  /** Usable flights of each hop fetched so far. */
  legs: FlightRecord[][];
  /** Earliest and latest arrival at the airport the next hop leaves from, epoch ms. */
  earliestArrival: number;
  latestArrival: number;
}

export interface HopLevelReads {
  /**
   * The flights of a hop level's legs, as `InventoryStore.findFlightsOnLegs` answers them; a source
   * may leave out flights `usable` would reject anyway (the timetable index does, before they
   * become records).
   */
  legs(queries: readonly FlightLegQuery[]): Promise<FlightRecord[][]> | FlightRecord[][];
  /** Whether a flight may be used at all (time, cabin, seats, carriers). */
  usable(flight: FlightRecord): boolean;
  budget: WorkBudget;
  /** Receives the cache tag of every route-day read. */
  tags: Set<string>;
}

/**
 * Reads the flights of `plans` hop level by hop level: one store call fetches the first hops of every
 * path, the next the second hops of the paths still possible, and so on — at most one call per hop
 * level, whatever the number of paths. Each route's window is the union of what its paths need,
 * later hops cut to the times a connection can leave. Answers the plans whose every hop has usable
 * flights; when the work budget runs out between levels, those complete so far.
 */
export async function readHopLevels(plans: PathPlan[], reads: HopLevelReads): Promise<PathPlan[]> {
  const complete: PathPlan[] = [];
  let live = plans;
  for (let hop = 0; live.length > 0; hop++) {
    if (!(await reads.budget.checkpoint())) break;
    const windows = new Map<string, FlightLegQuery>();
    for (const plan of live) {
      const [departFrom, departTo] = legWindow(plan, hop);
      const origin = plan.path[hop] as string;
      const destination = plan.path[hop + 1] as string;
      const known = windows.get(`${origin}-${destination}`);
      if (known) {
        known.departFrom = Math.min(known.departFrom, departFrom);
        known.departTo = Math.max(known.departTo, departTo);
      } else windows.set(`${origin}-${destination}`, { origin, destination, departFrom, departTo });
    }
    const queries = [...windows.values()];
    for (const query of queries) {
      for (const day of utcDatesBetween(query.departFrom, query.departTo))
        reads.tags.add(flightRouteTag(query.origin, query.destination, day));
    }
    const answers = await reads.legs(queries);
    const flightsByLeg = new Map(
      queries.map((query, i) => [`${query.origin}-${query.destination}`, answers[i] ?? []]),
    );
    const next: PathPlan[] = [];
    for (const plan of live) {
      const [from, to] = legWindow(plan, hop);
      const leg = flightsByLeg.get(`${plan.path[hop]}-${plan.path[hop + 1]}`) ?? [];
      const flights = leg.filter((f) => f.departureUtc >= from && f.departureUtc < to && reads.usable(f));
      if (flights.length === 0) continue;
      plan.legs.push(flights);
      plan.earliestArrival = Math.min(...flights.map((f) => f.arrivalUtc));
      plan.latestArrival = Math.max(...flights.map((f) => f.arrivalUtc));
      (plan.legs.length === plan.path.length - 1 ? complete : next).push(plan);
    }
    live = next;
  }
  return complete;
}

/**
 * Departure window [from, to) of the flights `plan` can use on hop `hop`: its day for the first hop;
 * for later hops, from the earliest arrival plus the minimum connection time (none after a through flight) to the latest arrival
 * plus the longest layover, never past the journey cap.
 */
function legWindow(plan: PathPlan, hop: number): [number, number] {
  if (hop === 0) return [plan.dayStart, plan.dayEnd];
  const { stops } = plan;
  const connection = minimumConnectionMinutes(
    stops[hop - 1] as Airport,
    stops[hop] as Airport,
    stops[hop + 1] as Airport,
  );
  // The next leg of a through flight may leave sooner than a connection could (continuesThroughFlight):
  // the window opens at the earliest arrival when any flight of the previous hop is a through flight.
  const throughFlightArrives = (plan.legs[hop - 1] ?? []).some((f) => f.throughFlight !== undefined);
  return [
    plan.earliestArrival + (throughFlightArrives ? 0 : connection * 60_000),
    Math.min(
      plan.latestArrival + MAX_LAYOVER_MINUTES * 60_000 + 1,
      plan.dayEnd + plan.journeyCapMinutes * 60_000,
    ),
  ];
}
