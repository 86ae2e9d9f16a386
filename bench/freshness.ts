import { openSqliteDatabase } from '../src/adapters/store/sqlite/database.js';
import { SqliteInventoryStore } from '../src/adapters/store/sqlite/inventory-store.js';
import { SeededRandom } from '../src/core/demo-inventory/random.js';
import { formatAmount } from '../src/core/money/money.js';
import type { FlightRecord } from '../src/ports/store.js';

/**
 * The freshness scenario: fares change continually (through the admin API, as a revenue system
 * would push them) while searches run; every price a search returns is checked against the fare
 * history the scenario itself wrote. Run once with event invalidation and once with TTL-only
 * caching (what API Gateway's cache offers), side by side.
 */

export interface FreshnessOptions {
  /** The API: fare updates go here, and searches too unless `searchUrl` is given. */
  baseUrl: string;
  /** Where searches are sent when not to the API itself (a caching proxy in front of it). */
  searchUrl?: string;
  apiKey: string;
  adminKey: string;
  sqliteFile: string;
  /** First date of the demo schedule, YYYY-MM-DD. */
  startDate: string;
  durationSeconds: number;
  /** Searches in flight at once. */
  concurrency: number;
  /** Fare updates per second. */
  updatesPerSecond: number;
  /** How many distinct searches the load cycles through (a hot set, so the cache matters). */
  searches: number;
  /** An answer counts as stale "after the delivery delay" when the fare it missed was acknowledged this long before the search was sent. */
  deliveryDelayMs: number;
  seed: number;
}

export interface FreshnessResult {
  searches: number;
  pricesChecked: number;
  fareUpdates: number;
  /** Answers with at least one price that was no longer current when the search was sent. */
  staleAnswers: number;
  /** Stale answers whose missed update was acknowledged more than the delivery delay before the search. */
  staleAfterDelay: number;
  /** The longest a price stayed visible after its replacement was acknowledged, ms. */
  worstStalenessMs: number;
}

interface FareVersion {
  /** Minor units, USD, total for one adult (fare + taxes) as a search shows it. */
  total: number;
  /** When the update was sent (the earliest it can be visible) and acknowledged (the latest). */
  sentAt: number;
  ackedAt: number;
}

interface Search {
  path: string;
  flightIds: string[];
}

/** Routes with several direct flights on one day, searched direct-only so each price is one flight's. */
async function pickSearches(
  options: FreshnessOptions,
): Promise<{ searches: Search[]; flights: Map<string, FlightRecord> }> {
  const store = new SqliteInventoryStore(openSqliteDatabase(options.sqliteFile));
  try {
    const random = new SeededRandom(options.seed);
    const routes = await store.listRoutes();
    const searches: Search[] = [];
    const flights = new Map<string, FlightRecord>();
    for (let attempt = 0; searches.length < options.searches && attempt < options.searches * 20; attempt++) {
      const route = random.pick(routes);
      const date = new Date(Date.parse(`${options.startDate}T00:00:00Z`) + random.int(2, 4) * 86_400_000)
        .toISOString()
        .slice(0, 10);
      const from = Date.parse(`${date}T00:00:00Z`);
      const found = (
        await store.findFlights({
          origin: route.origin,
          destination: route.destination,
          departFrom: from - 86_400_000,
          departTo: from + 2 * 86_400_000,
        })
      ).filter((f) => f.cabins.some((c) => c.cabin === 'economy' && c.seatsLeft > 0));
      if (found.length === 0) continue;
      const path = `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${date}&maxStops=0&limit=100`;
      if (searches.some((s) => s.path === path)) continue;
      for (const flight of found) flights.set(flight.id, flight);
      searches.push({ path, flightIds: found.map((f) => f.id) });
    }
    return { searches, flights };
  } finally {
    await store.close();
  }
}

const economyTotal = (flight: FlightRecord, fare?: number): number => {
  const economy = flight.cabins.find((c) => c.cabin === 'economy');
  return (fare ?? economy?.fare ?? 0) + (economy?.taxes ?? 0);
};

export async function runFreshness(options: FreshnessOptions): Promise<FreshnessResult> {
  const { searches, flights } = await pickSearches(options);
  const history = new Map<string, FareVersion[]>();
  for (const [id, flight] of flights)
    history.set(id, [{ total: economyTotal(flight), sentAt: 0, ackedAt: 0 }]);
  const flightIds = [...flights.keys()];
  const random = new SeededRandom(options.seed + 1);
  const deadline = performance.now() + options.durationSeconds * 1000;
  const now = (): number => performance.now();
  const result: FreshnessResult = {
    searches: 0,
    pricesChecked: 0,
    fareUpdates: 0,
    staleAnswers: 0,
    staleAfterDelay: 0,
    worstStalenessMs: 0,
  };

  async function changeFares(): Promise<void> {
    const interval = 1000 / options.updatesPerSecond;
    while (now() < deadline) {
      const id = random.pick(flightIds);
      const flight = flights.get(id) as FlightRecord;
      const base = flight.cabins.find((c) => c.cabin === 'economy')?.fare ?? 10_000;
      const fare = Math.round((base * random.between(0.7, 1.3)) / 100) * 100;
      const sentAt = now();
      const response = await fetch(`${options.baseUrl}/v1/admin/fares`, {
        method: 'POST',
        headers: { 'x-api-key': options.adminKey, 'content-type': 'application/json' },
        body: JSON.stringify({
          flights: [{ flightId: id, cabin: 'economy', fare: formatAmount({ minor: fare, currency: 'USD' }) }],
        }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`fare update answered ${response.status}`);
      history.get(id)?.push({ total: economyTotal(flight, fare), sentAt, ackedAt: now() });
      result.fareUpdates++;
      const wait = interval - (now() - sentAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** How long the shown total had been superseded when the search was sent; 0 when it was current. */
  function staleness(flightId: string, shown: number, sentAt: number, receivedAt: number): number {
    const versions = history.get(flightId) ?? [];
    let stalest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < versions.length; i++) {
      const version = versions[i] as FareVersion;
      if (version.total !== shown || version.sentAt > receivedAt) continue;
      const next = versions[i + 1];
      // Current at some moment of the request: fresh.
      if (!next || next.ackedAt >= sentAt) return 0;
      stalest = Math.min(stalest, sentAt - next.ackedAt);
    }
    return stalest;
  }

  async function search(worker: number): Promise<void> {
    let index = worker;
    while (now() < deadline) {
      const target = searches[index % searches.length] as Search;
      index += options.concurrency;
      const sentAt = now();
      const response = await fetch(`${options.searchUrl ?? options.baseUrl}${target.path}`, {
        headers: { 'x-api-key': options.apiKey },
      });
      const body = (await response.json()) as {
        data?: { price: { total: string }; itineraries: { segments: { id: string }[] }[] }[];
      };
      const receivedAt = now();
      if (response.status !== 200 || !body.data) continue;
      result.searches++;
      let worst = 0;
      for (const offer of body.data) {
        const segment = offer.itineraries[0]?.segments[0];
        if (!segment || !history.has(segment.id)) continue;
        result.pricesChecked++;
        const shown = Math.round(Number(offer.price.total) * 100);
        worst = Math.max(worst, staleness(segment.id, shown, sentAt, receivedAt));
      }
      if (worst > 0) {
        result.staleAnswers++;
        if (worst > options.deliveryDelayMs) result.staleAfterDelay++;
        if (Number.isFinite(worst)) result.worstStalenessMs = Math.max(result.worstStalenessMs, worst);
      }
    }
  }

  await Promise.all([changeFares(), ...Array.from({ length: options.concurrency }, (_, i) => search(i))]);
  result.worstStalenessMs = Math.round(result.worstStalenessMs);
  return result;
}

export type InvalidationMode = 'events' | 'ttl-only' | 'nginx-ttl';

/** The Markdown body of the "Freshness" section. */
export function freshnessMarkdown(
  command: string,
  options: Omit<FreshnessOptions, 'baseUrl' | 'apiKey' | 'adminKey' | 'sqliteFile' | 'startDate'>,
  rows: readonly { mode: InvalidationMode; result: FreshnessResult; hitRatio: number | undefined }[],
): string {
  const label: Record<InvalidationMode, string> = {
    events: 'event invalidation (CACHE_INVALIDATION=events)',
    'ttl-only': 'TTL only, 300 s (CACHE_INVALIDATION=ttl-only, the API Gateway cache peer)',
    'nginx-ttl': 'nginx proxy_cache, TTL 300 s, in front of the API (searches through nginx)',
  };
  const lines = [
    `Command: \`${command}\`. One API process with the memory cache per row (the nginx row: the API behind nginx); for ${options.durationSeconds} s,`,
    `${options.concurrency} clients cycle through ${options.searches} direct-flight searches while fares of the flights`,
    `they show change ${options.updatesPerSecond} times a second through \`POST /v1/admin/fares\`. Every price returned is`,
    'checked against the fare history the scenario wrote: an answer is stale when a price it shows had been',
    `replaced by an acknowledged update before the search was sent; "after delay" counts those replaced more than`,
    `${options.deliveryDelayMs} ms before (the event delivery allowance).`,
    '',
    '| caching | searches | prices checked | fare updates | stale answers | stale after delay | worst staleness ms | hit ratio |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      ({ mode, result, hitRatio }) =>
        `| ${label[mode]} | ${result.searches} | ${result.pricesChecked} | ${result.fareUpdates} | ${result.staleAnswers} | ${result.staleAfterDelay} | ${result.worstStalenessMs} | ${hitRatio === undefined ? '–' : `${(hitRatio * 100).toFixed(1)}%`} |`,
    ),
  ];
  return lines.join('\n');
}
