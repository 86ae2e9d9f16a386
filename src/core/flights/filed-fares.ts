import { daysBetween, zonedDate } from '../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../ports/airports.js';
import type { FareFiling, FareFilings, FareMarket, FareTripType } from '../../ports/fare-filings.js';
import type { Cabin, FlightRecord } from '../../ports/store.js';
import { convert } from '../money/money.js';

/** Most flights one fare component may span (a search's itineraries have at most 3). */
const MAX_COMPONENT_FLIGHTS = 3;

/**
 * The filed fares a batch of candidate journeys may use, read from the store once (one `findFares`
 * call for every market of every candidate), with what applicability checks need: the time now and
 * each airport's time zone.
 */
export interface FiledFares {
  /** Filings by market, `carrier|origin|destination`. */
  readonly byMarket: ReadonlyMap<string, readonly FareFiling[]>;
  /** Origin–destination pairs of every market looked up: the search depends on their fares. */
  readonly routes: readonly { origin: string; destination: string }[];
  /** Epoch ms the journeys are priced at (advance purchase counts from its local date). */
  readonly now: number;
  readonly airports: AirportDirectory;
}

/** What loading filed fares needs. */
export interface FiledFareSource {
  /** Absent: no fare filings exist, so no `filed` flight can be priced. */
  fares?: FareFilings;
  airports: AirportDirectory;
  clock: { now(): number };
}

/** A fare component as priced: the flights it covers and the filing that prices it. */
export interface PricedComponent {
  /** Index of its first and last flight in the itinerary. */
  from: number;
  to: number;
  filing: FareFiling;
  /** Adult amount in the journey's currency, minor units. */
  amount: number;
}

/** Journey-wide facts a filing's rules look at. */
export interface JourneyTerms {
  tripType: Exclude<FareTripType, 'any'>;
  /**
   * Days from the outbound to the return departure (local dates); undefined when ranking one
   * direction of a round trip before its other half is known (stay rules then pass).
   */
  stayDays: number | undefined;
}

const marketKey = (carrier: string, origin: string, destination: string): string =>
  `${carrier}|${origin}|${destination}`;

/**
 * Markets a filed itinerary could be priced in: every run of consecutive `filed` flights of one
 * carrier, from the run's first origin to its last destination (single flights and through fares).
 */
export function fareMarketsOf(itinerary: readonly FlightRecord[]): FareMarket[] {
  const markets: FareMarket[] = [];
  for (let from = 0; from < itinerary.length; from++) {
    const first = itinerary[from] as FlightRecord;
    if (first.fareSource !== 'filed') continue;
    for (let to = from; to < Math.min(itinerary.length, from + MAX_COMPONENT_FLIGHTS); to++) {
      const last = itinerary[to] as FlightRecord;
      if (last.fareSource !== 'filed' || last.carrier !== first.carrier) break;
      markets.push({ carrier: first.carrier, origin: first.origin, destination: last.destination });
    }
  }
  return markets;
}

/** Reads the filings every candidate itinerary could use, in one store call (none when no flight is filed). */
export async function loadFiledFares(
  source: FiledFareSource,
  itineraries: readonly (readonly FlightRecord[])[],
): Promise<FiledFares> {
  const markets = new Map<string, FareMarket>();
  for (const itinerary of itineraries) {
    for (const m of fareMarketsOf(itinerary)) markets.set(marketKey(m.carrier, m.origin, m.destination), m);
  }
  const list = [...markets.values()];
  const answers = list.length > 0 && source.fares ? await source.fares.findFares(list) : [];
  const byMarket = new Map<string, readonly FareFiling[]>();
  list.forEach((m, i) => {
    byMarket.set(marketKey(m.carrier, m.origin, m.destination), answers[i] ?? []);
  });
  const routes = new Map(
    list.map((m) => [`${m.origin}-${m.destination}`, { origin: m.origin, destination: m.destination }]),
  );
  return { byMarket, routes: [...routes.values()], now: source.clock.now(), airports: source.airports };
}

/** Filed fares when none are loaded: prices inventory and estimated flights, and no filed one. */
export function noFiledFares(airports: AirportDirectory, now: number): FiledFares {
  return { byMarket: new Map(), routes: [], now, airports };
}

/** The local departure date of a flight at its origin. */
export function localDepartureDate(flight: FlightRecord, airports: AirportDirectory): string {
  return zonedDate(flight.departureUtc, airports.byIata(flight.origin)?.timeZone ?? 'UTC');
}

/**
 * Whether `filing` may price a component leaving `first` (its carrier and market already match): the
 * cabin; the local departure date within the travel dates and on an allowed weekday; booked at least
 * the advance purchase days before (both dates local to the origin); the trip type; the stay.
 */
export function fareApplies(
  filing: FareFiling,
  first: FlightRecord,
  cabin: Cabin,
  terms: JourneyTerms,
  fares: Pick<FiledFares, 'now' | 'airports'>,
): boolean {
  if (filing.cabin !== cabin) return false;
  const timeZone = fares.airports.byIata(first.origin)?.timeZone ?? 'UTC';
  const travelDate = zonedDate(first.departureUtc, timeZone);
  if (travelDate < filing.firstTravelDate || travelDate > filing.lastTravelDate) return false;
  if (filing.daysOfWeek !== undefined && !filing.daysOfWeek.includes(String(isoWeekday(travelDate))))
    return false;
  if (
    filing.advancePurchaseDays !== undefined &&
    daysBetween(zonedDate(fares.now, timeZone), travelDate) < filing.advancePurchaseDays
  ) {
    return false;
  }
  if (filing.tripType !== 'any' && filing.tripType !== terms.tripType) return false;
  if (filing.minStayDays !== undefined || filing.maxStayDays !== undefined) {
    if (terms.tripType !== 'round_trip') return false;
    if (terms.stayDays !== undefined) {
      if (filing.minStayDays !== undefined && terms.stayDays < filing.minStayDays) return false;
      if (filing.maxStayDays !== undefined && terms.stayDays > filing.maxStayDays) return false;
    }
  }
  return true;
}

/**
 * The cheapest way to price a filed itinerary: fare components covering its flights in order, each a
 * run of flights of one carrier priced by the cheapest filing that applies to the run's market — so a
 * connection is priced from its flights' fares unless a fare for the whole journey (or a longer run)
 * is cheaper. Flights that are not `filed` are components of their own, priced by `inventoryFare`.
 * Answers undefined when some filed flight is covered by no applicable fare. Ties go to fewer
 * components, then to the filing first in (fare basis, booking class, first travel date) order, so
 * search and price confirmation always pick the same fares.
 */
export function cheapestComponents(
  itinerary: readonly FlightRecord[],
  cabin: Cabin,
  terms: JourneyTerms,
  fares: FiledFares,
  currency: string,
  inventoryFare: (flight: FlightRecord) => number,
): (PricedComponent | { from: number; to: number; filing: undefined; amount: number })[] | undefined {
  type Step = { cost: number; parts: number; previous: number; component: PricedComponent | undefined };
  const best: (Step | undefined)[] = [{ cost: 0, parts: 0, previous: -1, component: undefined }];
  for (let end = 1; end <= itinerary.length; end++) {
    let chosen: Step | undefined;
    const consider = (start: number, cost: number, component: PricedComponent | undefined): void => {
      const before = best[start];
      if (before === undefined) return;
      const candidate = { cost: before.cost + cost, parts: before.parts + 1, previous: start, component };
      if (
        chosen === undefined ||
        candidate.cost < chosen.cost ||
        (candidate.cost === chosen.cost && candidate.parts < chosen.parts)
      ) {
        chosen = candidate;
      }
    };
    const last = itinerary[end - 1] as FlightRecord;
    if (last.fareSource !== 'filed') {
      consider(end - 1, inventoryFare(last), undefined);
    } else {
      for (let start = end - 1; start >= Math.max(0, end - MAX_COMPONENT_FLIGHTS); start--) {
        const first = itinerary[start] as FlightRecord;
        const run = itinerary.slice(start, end);
        if (run.some((f) => f.fareSource !== 'filed' || f.carrier !== first.carrier)) break;
        const filing = cheapestFiling(
          fares.byMarket.get(marketKey(first.carrier, first.origin, last.destination)) ?? [],
          first,
          cabin,
          terms,
          fares,
          currency,
        );
        if (filing !== undefined)
          consider(start, filing.amount, {
            from: start,
            to: end - 1,
            filing: filing.filing,
            amount: filing.amount,
          });
      }
    }
    best[end] = chosen;
  }
  const parts: (PricedComponent | { from: number; to: number; filing: undefined; amount: number })[] = [];
  let at = itinerary.length;
  if (best[at] === undefined) return undefined;
  while (at > 0) {
    const step = best[at] as Step;
    parts.unshift(
      step.component ?? {
        from: step.previous,
        to: at - 1,
        filing: undefined,
        amount: step.cost - (best[step.previous] as Step).cost,
      },
    );
    at = step.previous;
  }
  return parts;
}

function cheapestFiling(
  filings: readonly FareFiling[],
  first: FlightRecord,
  cabin: Cabin,
  terms: JourneyTerms,
  fares: FiledFares,
  currency: string,
): { filing: FareFiling; amount: number } | undefined {
  let chosen: { filing: FareFiling; amount: number } | undefined;
  for (const filing of filings) {
    if (!fareApplies(filing, first, cabin, terms, fares)) continue;
    const amount = convert({ minor: filing.amount, currency: filing.currency }, currency).minor;
    if (
      chosen === undefined ||
      amount < chosen.amount ||
      (amount === chosen.amount && order(filing, chosen.filing) < 0)
    ) {
      chosen = { filing, amount };
    }
  }
  return chosen;
}

function order(a: FareFiling, b: FareFiling): number {
  const key = (f: FareFiling) => `${f.fareBasis}|${f.bookingClass}|${f.firstTravelDate}|${f.tripType}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

/** ISO weekday of a calendar date: 1 Monday … 7 Sunday. */
function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}
