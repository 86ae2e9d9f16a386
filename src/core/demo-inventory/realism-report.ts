import { CABINS, type Cabin } from '../../ports/store.js';
import type { DemoNetwork, NetworkRoute } from './network.js';
import { BUSIEST_ROUTES_2024 } from './reference/busiest-routes.js';

/** Distance bands fares are summarised by, km (lower bounds). */
export const DISTANCE_BANDS: readonly { label: string; from: number; to: number }[] = [
  { label: '<800 km', from: 0, to: 800 },
  { label: '800–1,500 km', from: 800, to: 1_500 },
  { label: '1,500–3,000 km', from: 1_500, to: 3_000 },
  { label: '3,000–6,000 km', from: 3_000, to: 6_000 },
  { label: '6,000–9,000 km', from: 6_000, to: 9_000 },
  { label: '≥9,000 km', from: 9_000, to: Number.POSITIVE_INFINITY },
];

/** Markets the report always shows: the ones a newcomer tries first. */
const SHOWCASE_MARKETS = [
  'JFK-LAX',
  'JFK-LHR',
  'FRA-JFK',
  'DEN-LAS',
  'CTS-HND',
  'CDG-LHR',
  'CJU-GMP',
  'MEL-SYD',
];

/** Base fares (USD cents) of every flight, by distance band and cabin. */
export class FareSample {
  readonly #fares = new Map<string, number[]>();

  /** The base fare of one cabin (`cabin`: its index in CABINS) of a flight `distanceKm` long. */
  add(distanceKm: number, cabin: number, fare: number): void {
    const band = DISTANCE_BANDS.findIndex((b) => distanceKm >= b.from && distanceKm < b.to);
    const key = `${band}|${CABINS[cabin]}`;
    const list = this.#fares.get(key) ?? [];
    list.push(fare);
    this.#fares.set(key, list);
  }

  percentiles(
    band: number,
    cabin: Cabin,
  ): { count: number; p10: number; p50: number; p90: number } | undefined {
    const list = this.#fares.get(`${band}|${cabin}`);
    if (!list || list.length === 0) return undefined;
    const sorted = Float64Array.from(list).sort();
    const at = (q: number): number =>
      Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) / 100);
    return { count: sorted.length, p10: at(0.1), p50: at(0.5), p90: at(0.9) };
  }
}

export interface MarketLine {
  market: string;
  distanceKm: number;
  /** Each carrier with its aircraft and departures a week each way. */
  carriers: { carrier: string; aircraft: string; weekly: number }[];
}

export interface RealismReport {
  airports: number;
  carriers: number;
  /** City pairs with nonstop service, and carrier routes (each direction counted). */
  markets: number;
  routes: number;
  flights: number;
  departuresPerDay: number;
  /** Markets by how many carriers fly them. */
  marketsByCarrierCount: Record<number, number>;
  /** Carrier routes by aircraft category. */
  routesByAircraft: Record<string, number>;
  topMarkets: MarketLine[];
  showcase: MarketLine[];
  busiestRoutes: { listed: number; inNetwork: number; nonstop: number; missing: string[] };
  fares: { band: string; cabin: Cabin; count: number; p10: number; p50: number; p90: number }[];
}

function line(network: DemoNetwork, key: string): MarketLine | undefined {
  const routes = network.routes.filter((r) => `${r.a.iata}-${r.b.iata}` === key);
  const first = routes[0];
  if (!first) return undefined;
  return {
    market: key,
    distanceKm: first.distanceKm,
    carriers: routes.map((r: NetworkRoute) => ({
      carrier: r.carrier.iata,
      aircraft: r.aircraft.code,
      weekly: r.perDay * r.daysPerWeek,
    })),
  };
}

/** How the generated world compares with the real one: network shape, busiest routes, fares. */
export function realismReport(
  network: DemoNetwork,
  fares: FareSample,
  flights: number,
  days: number,
): RealismReport {
  const marketsByCarrierCount: Record<number, number> = {};
  for (const m of network.markets)
    marketsByCarrierCount[m.carriers.length] = (marketsByCarrierCount[m.carriers.length] ?? 0) + 1;
  const routesByAircraft: Record<string, number> = {};
  for (const r of network.routes)
    routesByAircraft[r.aircraft.category] = (routesByAircraft[r.aircraft.category] ?? 0) + 2;
  const inNetwork = new Set(network.airports.map((a) => a.iata));
  const flown = new Set(network.markets.map((m) => `${m.a.iata}-${m.b.iata}`));
  const listedInNetwork = BUSIEST_ROUTES_2024.filter((r) => inNetwork.has(r.a) && inNetwork.has(r.b));
  const top = [...network.markets].sort((x, y) => y.demand - x.demand).slice(0, 15);
  const fareRows: RealismReport['fares'] = [];
  for (const [index, band] of DISTANCE_BANDS.entries()) {
    for (const cabin of CABINS) {
      const p = fares.percentiles(index, cabin);
      if (p) fareRows.push({ band: band.label, cabin, ...p });
    }
  }
  return {
    airports: network.airports.length,
    carriers: network.carriers.length,
    markets: network.markets.length,
    routes: network.routes.length * 2,
    flights,
    departuresPerDay: Math.round(flights / Math.max(1, days)),
    marketsByCarrierCount,
    routesByAircraft,
    topMarkets: top
      .map((m) => line(network, `${m.a.iata}-${m.b.iata}`))
      .filter((l): l is MarketLine => l !== undefined),
    showcase: SHOWCASE_MARKETS.map((k) => line(network, k)).filter((l): l is MarketLine => l !== undefined),
    busiestRoutes: {
      listed: BUSIEST_ROUTES_2024.length,
      inNetwork: listedInNetwork.length,
      nonstop: listedInNetwork.filter((r) => flown.has(`${r.a}-${r.b}`)).length,
      missing: BUSIEST_ROUTES_2024.filter((r) => !flown.has(`${r.a}-${r.b}`)).map((r) => `${r.a}-${r.b}`),
    },
    fares: fareRows,
  };
}
