import type { RouteRecord } from '../../ports/store.js';

/** How far a path may wander: the distance between two airports and the longest path allowed by stops. */
export interface PathBounds {
  distanceKm(from: string, to: string): number;
  /** Longest total flown distance accepted for a path with this many stops. */
  maxFlownKm(stops: number): number;
}

/** Directed route network: which airports each airport has flights to. */
export class RouteGraph {
  readonly #next = new Map<string, Set<string>>();

  constructor(routes: readonly RouteRecord[]) {
    for (const route of routes) {
      const destinations = this.#next.get(route.origin) ?? new Set<string>();
      destinations.add(route.destination);
      this.#next.set(route.origin, destinations);
    }
  }

  /** Airports with a direct flight from `origin`; empty when none. */
  destinationsFrom(origin: string): ReadonlySet<string> {
    return this.#next.get(origin) ?? EMPTY;
  }

  /**
   * Airport sequences from `origin` to `destination` with at most `maxStops` intermediate airports,
   * never visiting an airport twice, whose flown distance stays within `bounds`. A branch is cut as
   * soon as the distance flown plus the straight line still to go exceeds the loosest bound, so a
   * hub with a hundred destinations is not walked three levels deep. Paths come fewest stops first;
   * the walk stops at `limit.paths` paths or when `limit.step` answers false (work budget spent).
   */
  paths(
    origin: string,
    destination: string,
    maxStops: number,
    bounds: PathBounds,
    limit: PathLimit = {},
  ): string[][] {
    const found: string[][] = [];
    const loosest = bounds.maxFlownKm(maxStops);
    const most = limit.paths ?? Number.POSITIVE_INFINITY;
    let stopped = false;
    // Shallowest first (nonstop, then one stop, …): the cut at `limit.paths` must never drop a
    // nonstop in favour of connections found earlier in a depth-first walk through a busy hub.
    const walk = (path: string[], flown: number, stops: number): void => {
      const last = path[path.length - 1] as string;
      for (const next of this.destinationsFrom(last)) {
        if (found.length >= most || (limit.step && !limit.step())) {
          stopped = true;
        }
        if (stopped) return;
        if (path.includes(next)) continue;
        const flownToNext = flown + bounds.distanceKm(last, next);
        if (next === destination) {
          if (path.length - 1 === stops && flownToNext <= bounds.maxFlownKm(stops))
            found.push([...path, next]);
          continue;
        }
        if (path.length - 1 >= stops) continue;
        if (flownToNext + bounds.distanceKm(next, destination) > loosest) continue;
        walk([...path, next], flownToNext, stops);
      }
    };
    for (let stops = 0; stops <= maxStops && !stopped; stops++) walk([origin], 0, stops);
    return found;
  }
}

/** Where a path walk stops early. */
export interface PathLimit {
  /** Most paths returned. */
  paths?: number;
  /** Called per airport considered; false stops the walk. */
  step?: () => boolean;
  /**
   * Counts several of `step` at once (same budget, same answer as that many calls would give when
   * `stepsLeft` covers them); with `stepsLeft`, lets a walk count a whole list of airports in one go.
   */
  spend?: (steps: number) => boolean;
  /** Steps `step` still grants. */
  stepsLeft?: () => number;
}

const EMPTY: ReadonlySet<string> = new Set();
