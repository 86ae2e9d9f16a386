import { readFileSync } from 'node:fs';

/**
 * The load generator of the heap soak (chaos/scenarios/heap-soak.ts), run as its own process so it
 * never shares the server's heap or event loop: mostly-distinct flight and hotel searches, each one
 * a new cache entry, from `concurrency` connections for `seconds`. Prints one JSON line at the end:
 * answers by status, and the 503 answers per second of the run.
 *
 *   node --import tsx chaos/soak-load.ts <file holding the SoakLoadOptions as JSON>
 */

export interface SoakLoadOptions {
  baseUrl: string;
  apiKey: string;
  seconds: number;
  concurrency: number;
  /** Origin-destination pairs with flights. */
  routes: [string, string][];
  /** The busiest airports: searches between two of them find the most offers (the largest entries). */
  hubs: string[];
  /** City codes with hotels. */
  cities: string[];
  /** First date of the schedule (YYYY-MM-DD) and how many days it covers. */
  startDate: string;
  days: number;
  /** Share of requests repeating one of a few popular searches (the rest are distinct). */
  repeatShare: number;
}

export interface SoakLoadResult {
  requests: number;
  byStatus: Record<string, number>;
  /** 503 answers whose problem type is `overloaded`. */
  overloaded: number;
  /** Network errors (refused, reset). */
  failed: number;
  /** Searches per second answered 200 by a miss (x-cache MISS). */
  misses: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
const between = (low: number, high: number): number => low + Math.floor(Math.random() * (high - low + 1));

function dateAfter(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A search path: distinct by its mix of route, date and passengers, or one of ten popular ones. */
export function searchPath(options: SoakLoadOptions, popular: boolean): string {
  if (popular) {
    const [origin, destination] = options.routes[between(0, 9) % options.routes.length] as [string, string];
    return `/v1/flights/search?origin=${origin}&destination=${destination}&departureDate=${dateAfter(options.startDate, 1)}`;
  }
  const date = dateAfter(options.startDate, between(1, options.days - 4));
  const passengers = `adults=${between(1, 6)}&children=${between(0, 3)}`;
  const draw = Math.random();
  if (draw < 0.45) {
    const [origin, destination] = pick(options.routes);
    return `/v1/flights/search?origin=${origin}&destination=${destination}&departureDate=${date}&${passengers}&maxStops=${between(0, 2)}`;
  }
  if (draw < 0.9) {
    const origin = pick(options.hubs);
    const destination = pick(options.hubs.filter((hub) => hub !== origin));
    return `/v1/flights/search?origin=${origin}&destination=${destination}&departureDate=${date}&${passengers}&maxStops=${between(1, 2)}`;
  }
  const rooms = between(1, 2);
  return `/v1/hotels/search?cityCode=${pick(options.cities)}&checkIn=${date}&checkOut=${dateAfter(date, between(1, 3))}&adults=${between(rooms, 4)}&rooms=${rooms}`;
}

export async function runSoakLoad(options: SoakLoadOptions): Promise<SoakLoadResult> {
  const result: SoakLoadResult = { requests: 0, byStatus: {}, overloaded: 0, failed: 0, misses: 0 };
  const deadline = performance.now() + options.seconds * 1000;
  const connection = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const path = searchPath(options, Math.random() < options.repeatShare);
      result.requests += 1;
      try {
        const response = await fetch(`${options.baseUrl}${path}`, {
          headers: { 'x-api-key': options.apiKey },
          signal: AbortSignal.timeout(30_000),
        });
        const body = await response.text();
        result.byStatus[response.status] = (result.byStatus[response.status] ?? 0) + 1;
        if (response.status === 503 && body.includes('overloaded')) result.overloaded += 1;
        if (response.status === 200 && response.headers.get('x-cache') === 'MISS') result.misses += 1;
        // A shed answer costs the server nothing: pause as a client honouring retry-after would.
        if (response.status === 503) await new Promise((resolve) => setTimeout(resolve, 100));
      } catch {
        result.failed += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, connection));
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as SoakLoadOptions;
  const result = await runSoakLoad(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
