import { distanceKm } from '../../kernel/great-circle.js';
import type { Airport } from '../../ports/airports.js';
import { DEMO_CARRIERS, type DemoCarrier } from './carriers.js';
import { type AircraftType, chooseFleet } from './fleet.js';
import { demandOf, MIN_SECTOR_KM } from './market-demand.js';
import { ensureReachability } from './reachability.js';
import { annualPassengers } from './reference/airport-traffic.js';
import { BUSIEST_ROUTES_2024 } from './reference/busiest-routes.js';
import { CarrierPresence, marketCarriers } from './traffic-rights.js';

/** A city pair the network flies nonstop, with its carriers. */
export interface Market {
  a: Airport;
  b: Airport;
  distanceKm: number;
  /** Gravity-model demand, relative. */
  demand: number;
  /** Seats a day each way the real market would have, all carriers together (sets gauge and competition). */
  dailySeats: number;
  carriers: string[];
}

/** A route one carrier flies in both directions. */
export interface NetworkRoute {
  carrier: DemoCarrier;
  a: Airport;
  b: Airport;
  distanceKm: number;
  aircraft: AircraftType;
  /** Departures a day each way on the days it flies. */
  perDay: number;
  /** Days a week it flies (7 = daily). */
  daysPerWeek: number;
  /** Carriers on the market and whether one of them is low-cost: competition moves fares. */
  competitors: number;
  lowCostOnMarket: boolean;
}

export interface DemoNetwork {
  airports: Airport[];
  carriers: DemoCarrier[];
  markets: Market[];
  routes: NetworkRoute[];
  /** Annual passengers (millions) of an airport of the network: real where known, else a proxy. */
  passengers(airport: Airport): number;
}

/** City pairs per airport the network picks from the world's best by demand. */
const MARKETS_PER_AIRPORT = 1;
/** Each airport's own best city pairs by demand, flown whatever their world rank. */
const OWN_BEST_MARKETS = 3;
/** Long-haul markets (3,000 km or more) a hub gets to other hubs, its best by demand: one per this many million passengers. */
const HUB_LONG_HAUL_PASSENGERS_PER_LINK = 6;
const LONG_HAUL_KM = 3_000;
/**
 * Seats a day each way per unit of gravity demand in the real world: calibrated so that JFK–LAX
 * comes out near its real ~5,000 (OAG: about 3.6 million seats a year), JFK–LHR near 6,000 and
 * HND–CTS near 12,000. Gauge and the number of carriers follow these real-world seats.
 */
const REAL_SEATS_PER_DEMAND = 1.2;

/**
 * Departures a day per airport the demo world is scaled to: the real world has many times more,
 * so every route keeps its real gauge and carriers but flies a fraction of its real frequency
 * (never less than three times a week), and the world stays the size it was.
 */
const DEPARTURES_PER_AIRPORT = 18.7;
/**
 * The busiest routes carry several times what the gravity model gives them (islands without road
 * or rail, capital pairs, diaspora markets): their demand is raised by this factor.
 */
const LISTED_ROUTE_BOOST = 3;
/** Hubs every airport is linked to at least, so that the world connects. */
const MIN_HUB_LINKS = 2;

/**
 * Builds the demo network from demand: the `airportCount` airports with the most passengers, the
 * city pairs with the highest gravity-model demand (plus every pair of the public busiest-routes
 * list and links to hubs so every airport connects), each flown by the carriers that may and would
 * fly it, with a fleet and frequency that carry the demand. The whole world is scaled so that it
 * has about `DEPARTURES_PER_AIRPORT` departures a day per airport.
 */
export function buildNetwork(all: readonly Airport[], airportCount: number): DemoNetwork {
  const passengersByIata = new Map<string, number>();
  const passengers = (airport: Airport): number => {
    let known = passengersByIata.get(airport.iata);
    if (known === undefined) {
      known = annualPassengers(airport.iata, airport.size);
      passengersByIata.set(airport.iata, known);
    }
    return known;
  };
  const airports = all
    .filter((a) => a.size > 0 || annualPassengers(a.iata, 0) > 0.3)
    .sort((x, y) => passengers(y) - passengers(x) || x.iata.localeCompare(y.iata))
    .slice(0, airportCount);
  const inNetwork = new Set(airports.map((a) => a.iata));
  const carriers = DEMO_CARRIERS.filter((c) => [...c.hubs, ...c.focus].some((code) => inNetwork.has(code)));
  const hubs = new Set(carriers.flatMap((c) => c.hubs).filter((code) => inNetwork.has(code)));

  const listed = new Set(BUSIEST_ROUTES_2024.map((r) => `${r.a}-${r.b}`));
  const presence = new CarrierPresence(carriers);
  const candidates: Candidate[] = [];
  for (let i = 0; i < airports.length; i++) {
    for (let j = i + 1; j < airports.length; j++) {
      const a = airports[i] as Airport;
      const b = airports[j] as Airport;
      if (a.cityCode === b.cityCode) continue;
      // Most of the 4.5M pairs of 3,000 airports have no carrier at either end: skipped before any arithmetic.
      const present = presence.candidates(a, b);
      if (present.length === 0) continue;
      const d = distanceKm(a, b);
      if (d < MIN_SECTOR_KM) continue;
      const eligible = marketCarriers(present, a, b, d);
      if (eligible.length === 0) continue;
      const [x, y] = a.iata < b.iata ? [a, b] : [b, a];
      const boost = listed.has(`${x.iata}-${y.iata}`) ? LISTED_ROUTE_BOOST : 1;
      candidates.push({
        a: x,
        b: y,
        distanceKm: Math.round(d),
        demand: demandOf(x, y, d, passengers) * boost,
        eligible,
      });
    }
  }
  candidates.sort((x, y) => y.demand - x.demand || key(x).localeCompare(key(y)));

  const chosen = new Map<string, Candidate>();
  for (const c of candidates) if (listed.has(key(c))) chosen.set(key(c), c);
  for (const c of candidates) {
    if (chosen.size >= MARKETS_PER_AIRPORT * airports.length) break;
    chosen.set(key(c), c);
  }
  const ownBest = new Map<string, number>();
  for (const c of candidates) {
    for (const end of [c.a.iata, c.b.iata]) {
      const taken = ownBest.get(end) ?? 0;
      if (taken >= OWN_BEST_MARKETS) continue;
      ownBest.set(end, taken + 1);
      chosen.set(key(c), c);
    }
  }
  for (const hub of airports.filter((a) => hubs.has(a.iata))) {
    const wanted = Math.round(passengers(hub) / HUB_LONG_HAUL_PASSENGERS_PER_LINK);
    let links = 0;
    for (const c of candidates) {
      if (links >= wanted) break;
      if (c.distanceKm < LONG_HAUL_KM || !hubs.has(c.a.iata) || !hubs.has(c.b.iata)) continue;
      if (c.a.iata !== hub.iata && c.b.iata !== hub.iata) continue;
      chosen.set(key(c), c);
      links++;
    }
  }
  linkToHubs(airports, candidates, chosen, hubs);
  ensureReachability(airports.slice(0, 50), candidates, chosen, key);

  const markets = [...chosen.values()].sort((x, y) => key(x).localeCompare(key(y)));
  const plans = plan(markets);
  const thinning = calibrate(plans, DEPARTURES_PER_AIRPORT * airports.length);
  return {
    airports,
    carriers,
    markets: plans.map((p) => p.market),
    routes: routesOf(plans, thinning),
    passengers,
  };
}

/** A city pair that could be flown, with the carriers allowed and present to fly it, best first. */
export interface Candidate {
  a: Airport;
  b: Airport;
  distanceKm: number;
  demand: number;
  eligible: ReturnType<typeof marketCarriers>;
}

function key(c: { a: Airport; b: Airport }): string {
  return `${c.a.iata}-${c.b.iata}`;
}

/** Adds each airport's best markets to hubs until it has `MIN_HUB_LINKS` of them. */
function linkToHubs(
  airports: readonly Airport[],
  candidates: readonly Candidate[],
  chosen: Map<string, Candidate>,
  hubs: ReadonlySet<string>,
): void {
  const hubLinks = new Map<string, number>();
  const count = (c: Candidate): void => {
    if (hubs.has(c.b.iata)) hubLinks.set(c.a.iata, (hubLinks.get(c.a.iata) ?? 0) + 1);
    if (hubs.has(c.a.iata)) hubLinks.set(c.b.iata, (hubLinks.get(c.b.iata) ?? 0) + 1);
  };
  for (const c of chosen.values()) count(c);
  const byAirport = new Map<string, Candidate[]>();
  for (const c of candidates) {
    for (const [end, other] of [
      [c.a, c.b],
      [c.b, c.a],
    ] as const) {
      if (!hubs.has(other.iata)) continue;
      const list = byAirport.get(end.iata) ?? [];
      list.push(c);
      byAirport.set(end.iata, list);
    }
  }
  for (const airport of airports) {
    for (const c of byAirport.get(airport.iata) ?? []) {
      if ((hubLinks.get(airport.iata) ?? 0) >= MIN_HUB_LINKS) break;
      if (chosen.has(key(c))) continue;
      chosen.set(key(c), c);
      count(c);
    }
  }
}

/** Carriers a market gets for the seats it needs: one on thin markets, up to six on trunk routes. */
function carrierCount(dailySeats: number): number {
  if (dailySeats < 1_200) return 1;
  if (dailySeats < 3_000) return 2;
  if (dailySeats < 4_500) return 3;
  if (dailySeats < 6_000) return 4;
  if (dailySeats < 8_000) return 5;
  return 6;
}

/** The carriers that fly a market: the best placed, with a low-cost carrier on short haul when one may. */
function pickCarriers(market: Candidate, dailySeats: number): Candidate['eligible'] {
  const n = Math.min(market.eligible.length, carrierCount(dailySeats));
  const picked = market.eligible.slice(0, n);
  if (n >= 2 && market.distanceKm < 3_000 && !picked.some((e) => e.carrier.model === 'lcc')) {
    const lcc = market.eligible.find((e) => e.carrier.model === 'lcc');
    if (lcc) picked[n - 1] = lcc;
  }
  return picked;
}

/** A carrier's weight in splitting a market's seats: its placing, less for low-cost carriers (smaller on trunks). */
function shareWeight(e: Candidate['eligible'][number]): number {
  return e.score * (e.carrier.model === 'lcc' ? 0.6 : 1);
}

/** A carrier's route as real demand would have it: its type and real departures a day. */
interface RoutePlan {
  carrier: DemoCarrier;
  aircraft: AircraftType;
  realDailyFlights: number;
}

interface MarketPlan {
  market: Market;
  routes: RoutePlan[];
  lowCostOnMarket: boolean;
}

/**
 * Demo departures for a real frequency: a route flown daily or more stays daily with a fraction
 * of its real departures; a thinner one keeps its real days a week (at least three).
 */
function demoFrequency(realDailyFlights: number, thinning: number): { perDay: number; daysPerWeek: number } {
  if (realDailyFlights >= 0.93)
    return { perDay: Math.max(1, Math.round(realDailyFlights * thinning)), daysPerWeek: 7 };
  return { perDay: 1, daysPerWeek: Math.max(3, Math.min(7, Math.round(realDailyFlights * 7))) };
}

/** Splits each market's real seats among its carriers by how well placed they are; gauge follows. */
function plan(markets: readonly Candidate[]): MarketPlan[] {
  const plans: MarketPlan[] = [];
  for (const market of markets) {
    const dailySeats = market.demand * REAL_SEATS_PER_DEMAND;
    const picked = pickCarriers(market, dailySeats);
    const totalWeight = picked.reduce((sum, e) => sum + shareWeight(e), 0);
    const routes: RoutePlan[] = [];
    for (const eligible of picked) {
      const choice = chooseFleet(
        eligible.carrier,
        market.distanceKm,
        (dailySeats * shareWeight(eligible)) / totalWeight,
      );
      if (choice)
        routes.push({
          carrier: eligible.carrier,
          aircraft: choice.aircraft,
          realDailyFlights: choice.dailyFlights,
        });
    }
    if (routes.length === 0) continue;
    plans.push({
      market: {
        a: market.a,
        b: market.b,
        distanceKm: market.distanceKm,
        demand: market.demand,
        dailySeats: Math.round(dailySeats),
        carriers: routes.map((r) => r.carrier.iata),
      },
      routes,
      lowCostOnMarket: routes.some((r) => r.carrier.model === 'lcc'),
    });
  }
  return plans;
}

function departuresPerDay(plans: readonly MarketPlan[], thinning: number): number {
  let total = 0;
  for (const { routes } of plans) {
    for (const route of routes) {
      const { perDay, daysPerWeek } = demoFrequency(route.realDailyFlights, thinning);
      total += (2 * perDay * daysPerWeek) / 7;
    }
  }
  return total;
}

/** The routes of the plans flown at `thinning` of their real frequency. */
function routesOf(plans: readonly MarketPlan[], thinning: number): NetworkRoute[] {
  const routes: NetworkRoute[] = plans.flatMap(({ market, routes: planned, lowCostOnMarket }) =>
    planned.map((route) => ({
      carrier: route.carrier,
      a: market.a,
      b: market.b,
      distanceKm: market.distanceKm,
      aircraft: route.aircraft,
      ...demoFrequency(route.realDailyFlights, thinning),
      competitors: planned.length,
      lowCostOnMarket,
    })),
  );
  return routes.sort((x, y) =>
    `${x.carrier.iata}${x.a.iata}${x.b.iata}`.localeCompare(`${y.carrier.iata}${y.a.iata}${y.b.iata}`),
  );
}

/** The share of real frequencies that gives the network about `targetDepartures` departures a day. */
function calibrate(plans: readonly MarketPlan[], targetDepartures: number): number {
  let low = 1e-3;
  let high = 1;
  for (let i = 0; i < 30; i++) {
    const mid = Math.sqrt(low * high);
    if (departuresPerDay(plans, mid) > targetDepartures) high = mid;
    else low = mid;
  }
  return Math.sqrt(low * high);
}
