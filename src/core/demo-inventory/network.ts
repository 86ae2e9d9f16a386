import type { Airport } from '../../ports/airports.js';
import { distanceKm } from '../geo/great-circle.js';
import { DEMO_CARRIERS, type DemoCarrier } from './carriers.js';
import type { SeededRandom } from './random.js';

/** An undirected route one carrier flies in both directions. */
export interface NetworkRoute {
  carrier: string;
  a: Airport;
  b: Airport;
  distanceKm: number;
  /** Departures per day in each direction. */
  frequency: number;
}

export interface DemoNetwork {
  airports: Airport[];
  carriers: DemoCarrier[];
  routes: NetworkRoute[];
}

/** Longest sector a demo aircraft flies (about Singapore–New York). */
const MAX_SECTOR_KM = 15_500;
/** Hubs linked to each hub besides the gateways. */
const NEAREST_HUB_LINKS = 8;
/** The biggest hubs are linked to every hub in range (global gateways). */
const GATEWAY_HUBS = 12;
/** Hubs a spoke airport is linked to. */
const SPOKE_HUB_LINKS = 2;

/**
 * Picks the `airportCount` largest airports (carrier hubs first) and links them hub-and-spoke:
 * hubs to their nearest hubs and to the gateway hubs, every other airport to its nearest hubs and
 * to its country's nearest hub.
 */
export function buildNetwork(
  all: readonly Airport[],
  airportCount: number,
  random: SeededRandom,
): DemoNetwork {
  const bySize = [...all]
    .filter((a) => a.size > 0)
    .sort((x, y) => y.size - x.size || x.iata.localeCompare(y.iata));
  const hubCarrier = new Map<string, DemoCarrier>();
  for (const carrier of DEMO_CARRIERS) {
    for (const hub of carrier.hubs) if (!hubCarrier.has(hub)) hubCarrier.set(hub, carrier);
  }
  const hubs = bySize.filter((a) => hubCarrier.has(a.iata)).slice(0, airportCount);
  const hubSet = new Set(hubs.map((h) => h.iata));
  const spokes = bySize.filter((a) => !hubSet.has(a.iata)).slice(0, Math.max(0, airportCount - hubs.length));
  const carriers = DEMO_CARRIERS.filter((c) => c.hubs.some((h) => hubSet.has(h)));

  const routes = new Map<string, NetworkRoute>();
  const link = (carrier: DemoCarrier, a: Airport, b: Airport, frequency: number): void => {
    const d = distanceKm(a, b);
    if (a.iata === b.iata || d > MAX_SECTOR_KM || d < 100) return;
    const [x, y] = a.iata < b.iata ? [a, b] : [b, a];
    const key = `${carrier.iata}:${x.iata}-${y.iata}`;
    if (!routes.has(key))
      routes.set(key, { carrier: carrier.iata, a: x, b: y, distanceKm: Math.round(d), frequency });
  };
  const frequencyFor = (d: number, base: number): number =>
    Math.max(1, Math.min(3, base + (d < 1200 ? 1 : 0) - (d > 9000 ? 1 : 0) + (random.next() < 0.3 ? 1 : 0)));

  const gateways = hubs.slice(0, GATEWAY_HUBS);
  for (const hub of hubs) {
    const carrier = hubCarrier.get(hub.iata)!;
    const nearest = nearestOf(hub, hubs, NEAREST_HUB_LINKS, (h) => hubCarrier.get(h.iata) !== carrier);
    for (const other of [...nearest, ...gateways])
      link(carrier, hub, other, frequencyFor(distanceKm(hub, other), 1));
    for (const own of carrier.hubs) {
      const sibling = hubs.find((h) => h.iata === own);
      if (sibling) link(carrier, hub, sibling, frequencyFor(distanceKm(hub, sibling), 2));
    }
  }
  for (const spoke of spokes) {
    const chosen = new Set(nearestOf(spoke, hubs, SPOKE_HUB_LINKS, () => true));
    const domestic = nearestOf(spoke, hubs, 1, (h) => h.country === spoke.country)[0];
    if (domestic) chosen.add(domestic);
    for (const hub of chosen)
      link(hubCarrier.get(hub.iata)!, hub, spoke, frequencyFor(distanceKm(hub, spoke), 1));
  }

  return {
    airports: [...hubs, ...spokes],
    carriers,
    routes: [...routes.values()].sort((x, y) =>
      `${x.carrier}${x.a.iata}${x.b.iata}`.localeCompare(`${y.carrier}${y.a.iata}${y.b.iata}`),
    ),
  };
}

function nearestOf(
  from: Airport,
  candidates: readonly Airport[],
  count: number,
  accept: (candidate: Airport) => boolean,
): Airport[] {
  return candidates
    .filter((c) => c.iata !== from.iata && accept(c))
    .map((c) => ({ c, d: distanceKm(from, c) }))
    .sort((x, y) => x.d - y.d || x.c.iata.localeCompare(y.c.iata))
    .slice(0, count)
    .map((x) => x.c);
}
