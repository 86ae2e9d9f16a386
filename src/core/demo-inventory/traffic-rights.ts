import type { Airport } from '../../ports/airports.js';
import { type DemoCarrier, EU_SINGLE_MARKET, FIFTH_FREEDOM_ROUTES } from './carriers.js';
import { typesInRange } from './fleet.js';
import { countryOf } from './market-demand.js';

/** Longest sector a low-cost carrier flies in the demo world (short and medium haul). */
const LOW_COST_MAX_KM = 4_500;

export interface EligibleCarrier {
  carrier: DemoCarrier;
  /** How well placed the carrier is on the market: hubs count most, then bases; wide-bodies on long haul. */
  score: number;
}

const fifthFreedom = new Set(FIFTH_FREEDOM_ROUTES.map((r) => `${r.carrier}:${[r.a, r.b].sort().join('-')}`));

/**
 * Whether traffic rights let a carrier fly between two airports: within its home countries
 * (cabotage is reserved to home carriers), from a home country abroad (third and fourth freedoms),
 * anywhere inside the EU single market for an EU-licensed carrier, or a listed fifth-freedom route.
 */
export function mayFly(carrier: DemoCarrier, a: Airport, b: Airport): boolean {
  const home = new Set([carrier.country, ...(carrier.alsoHomeIn ?? [])]);
  const ca = countryOf(a);
  const cb = countryOf(b);
  const euCarrier = carrier.euLicence === true || EU_SINGLE_MARKET.has(carrier.country);
  if (euCarrier && EU_SINGLE_MARKET.has(ca) && EU_SINGLE_MARKET.has(cb)) return true;
  if (ca === cb) return home.has(ca);
  if (home.has(ca) || home.has(cb)) return true;
  return fifthFreedom.has(`${carrier.iata}:${[a.iata, b.iata].sort().join('-')}`);
}

const fifthFreedomCarriers = new Set(FIFTH_FREEDOM_ROUTES.map((r) => r.carrier));

function present(carrier: DemoCarrier, airport: Airport): boolean {
  return carrier.hubs.includes(airport.iata) || carrier.focus.includes(airport.iata);
}

function presence(carrier: DemoCarrier, airport: Airport): number {
  if (carrier.hubs.includes(airport.iata)) return 3;
  if (carrier.focus.includes(airport.iata)) return 2;
  return 0;
}

/**
 * Which carriers a market could have at all, found without trying every carrier on every city
 * pair: those with a hub or base at either end, and those holding a listed fifth-freedom right on
 * the pair. `marketCarriers` given only these answers exactly what it answers given all of them
 * (any other carrier fails its first test), and the network tries millions of pairs at 3,000 airports.
 */
export class CarrierPresence {
  readonly #atAirport = new Map<string, DemoCarrier[]>();
  readonly #onPair = new Map<string, DemoCarrier[]>();
  readonly #fifthFreedomAirports = new Set<string>();

  constructor(carriers: readonly DemoCarrier[]) {
    const byIata = new Map(carriers.map((c) => [c.iata, c]));
    for (const carrier of carriers) {
      for (const code of new Set([...carrier.hubs, ...carrier.focus])) {
        const list = this.#atAirport.get(code) ?? [];
        list.push(carrier);
        this.#atAirport.set(code, list);
      }
    }
    for (const route of FIFTH_FREEDOM_ROUTES) {
      const carrier = byIata.get(route.carrier);
      if (!carrier) continue;
      const pair = [route.a, route.b].sort().join('-');
      this.#onPair.set(pair, [...(this.#onPair.get(pair) ?? []), carrier]);
      this.#fifthFreedomAirports.add(route.a).add(route.b);
    }
  }

  /** The carriers worth testing on the market a–b, each once (empty for most pairs). */
  candidates(a: Airport, b: Airport): readonly DemoCarrier[] {
    const atA = this.#atAirport.get(a.iata);
    const atB = this.#atAirport.get(b.iata);
    const onPair =
      this.#fifthFreedomAirports.has(a.iata) && this.#fifthFreedomAirports.has(b.iata)
        ? this.#onPair.get([a.iata, b.iata].sort().join('-'))
        : undefined;
    if (!atB && !onPair) return atA ?? NONE;
    if (!atA && !onPair) return atB ?? NONE;
    return [...new Set([...(atA ?? []), ...(atB ?? []), ...(onPair ?? [])])];
  }
}

const NONE: readonly DemoCarrier[] = [];

/**
 * The carriers that may and would fly a market, best placed first: present at one end (hub or
 * base) or holding a listed fifth-freedom right, allowed by traffic rights, with an aircraft of the
 * range; low-cost carriers only on short and medium haul.
 */
export function marketCarriers(
  carriers: readonly DemoCarrier[],
  a: Airport,
  b: Airport,
  km: number,
): EligibleCarrier[] {
  const eligible: EligibleCarrier[] = [];
  for (const carrier of carriers) {
    if (!present(carrier, a) && !present(carrier, b) && !fifthFreedomCarriers.has(carrier.iata)) continue;
    const placed = presence(carrier, a) + presence(carrier, b);
    const tagOn = fifthFreedom.has(`${carrier.iata}:${[a.iata, b.iata].sort().join('-')}`);
    if (placed === 0 && !tagOn) continue;
    if (carrier.model === 'lcc' && km > LOW_COST_MAX_KM) continue;
    if (carrier.minKm !== undefined && km < carrier.minKm) continue;
    if (!mayFly(carrier, a, b)) continue;
    const types = typesInRange(carrier, km);
    if (types.length === 0) continue;
    // On long haul the carriers with wide-bodies are the ones that build the market.
    const longHaulFleet = km >= 5_000 && types.some((t) => t.category === 'wide') ? 1 : 0;
    eligible.push({ carrier, score: Math.max(placed, 1.5) + longHaulFleet });
  }
  return eligible.sort((x, y) => y.score - x.score || x.carrier.iata.localeCompare(y.carrier.iata));
}
