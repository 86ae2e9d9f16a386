import type { RouteRecord } from '../../ports/store.js';

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
   * never visiting an airport twice, that `accept` keeps (used to cut detours early).
   */
  paths(
    origin: string,
    destination: string,
    maxStops: number,
    accept: (path: string[]) => boolean,
  ): string[][] {
    const found: string[][] = [];
    const walk = (path: string[]): void => {
      const last = path[path.length - 1] as string;
      for (const next of this.destinationsFrom(last)) {
        if (path.includes(next)) continue;
        const extended = [...path, next];
        if (!accept(extended)) continue;
        if (next === destination) found.push(extended);
        else if (extended.length - 1 <= maxStops) walk(extended);
      }
    };
    walk([origin]);
    return found;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
