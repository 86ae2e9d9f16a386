import { addDays, daysBetween, isCalendarDate, zonedDate } from '../../kernel/zoned-time.js';
import type { Airport, AirportDirectory } from '../../ports/airports.js';
import type { Cache } from '../../ports/cache.js';
import type { Clock } from '../../ports/clock.js';
import { fareRouteTag } from '../cache/cache-tags.js';
import { normalisedCacheKey } from '../cache/search-cache-keys.js';
import { invalidField } from '../errors.js';
import { currencyExponent } from '../money/currencies.js';
import { FARE_CURRENCY, FARE_HORIZON_DAYS, type FareCalendar } from './fare-calendar.js';
import type { RouteNetwork } from './route-network.js';

/** How answers are grouped, each group giving its cheapest fare (Amadeus's `viewBy`). */
export type FareView = 'COUNTRY' | 'DATE' | 'DESTINATION' | 'DURATION' | 'WEEK';

/** A cheapest-fare question, as Flight Inspiration (no destination) or Cheapest Date asks it. */
export interface FareQuery {
  /** IATA airport or city code. */
  origin: string;
  /** Absent: every destination flown direct from the origin. */
  destination?: string;
  /** A date or an inclusive range "from,to"; absent: today to the horizon. */
  departureDate?: string;
  oneWay: boolean;
  /** Days of stay, exact or an inclusive range "min,max" (1–15); round trips only. */
  duration?: string;
  nonStop: boolean;
  /** Whole units of FARE_CURRENCY. */
  maxPrice?: number;
  viewBy?: FareView;
}

/** One cheapest fare: a one-way or round trip for one adult in economy. */
export interface CheapestFare {
  origin: string;
  destination: string;
  departureDate: string;
  returnDate?: string;
  /** Minor units of `FareAnswer.currency`. */
  total: number;
}

/** The answer, with the values used for what the query left out (Amadeus's `meta.defaults`). */
export interface FareAnswer {
  currency: string;
  fares: CheapestFare[];
  /** The query with every default filled in. */
  resolved: Required<Omit<FareQuery, 'maxPrice' | 'destination'>> & {
    destination?: string;
    maxPrice?: number;
  };
  /** Names of the parameters whose defaults were used. */
  defaulted: (keyof FareQuery)[];
  /** Destination airports the origin reaches: the dictionaries' locations. */
  airports: Airport[];
}

export interface CheapestFaresDependencies {
  airports: AirportDirectory;
  cache: Cache;
  clock: Clock;
  network: RouteNetwork;
  calendar: FareCalendar;
}

const MAX_DURATION = 15;

/**
 * Cheapest fares by destination or by date, from the per-route fare calendars of direct flights.
 * Each answer is cached whole under its normalised query and the `fares:` tags of every route it
 * read (both directions), so a repeated question costs one cache read, like a cached search, and a
 * fare or seat change on any of those routes recomputes it.
 */
export class CheapestFares {
  readonly #deps: CheapestFaresDependencies;

  constructor(deps: CheapestFaresDependencies) {
    this.#deps = deps;
  }

  /** Flight Inspiration: the cheapest fares to every destination flown direct from the origin. */
  destinations(query: FareQuery): Promise<FareAnswer> {
    return this.#answer({ ...query, destination: undefined }, 'DESTINATION');
  }

  /** Cheapest Date: the cheapest fares of one origin and destination, by date. */
  dates(query: FareQuery & { destination: string }): Promise<FareAnswer> {
    return this.#answer(query, query.oneWay ? 'DATE' : 'DURATION');
  }

  async #answer(query: FareQuery, defaultView: FareView): Promise<FareAnswer> {
    const origins = this.#airportsOf(query.origin, 'query.origin');
    const destinations =
      query.destination === undefined ? undefined : this.#airportsOf(query.destination, 'query.destination');
    const today = zonedDate(this.#deps.clock.now(), origins[0]?.timeZone ?? 'UTC');
    const resolved = {
      origin: query.origin.toUpperCase(),
      ...(query.destination === undefined ? {} : { destination: query.destination.toUpperCase() }),
      departureDate: query.departureDate ?? `${today},${addDays(today, FARE_HORIZON_DAYS)}`,
      oneWay: query.oneWay,
      duration: query.oneWay ? '' : (query.duration ?? `1,${MAX_DURATION}`),
      nonStop: query.nonStop,
      ...(query.maxPrice === undefined ? {} : { maxPrice: query.maxPrice }),
      viewBy: query.viewBy ?? defaultView,
    };
    const defaulted = (['departureDate', 'duration', 'viewBy'] as const).filter(
      (name) => query[name] === undefined && !(name === 'duration' && query.oneWay),
    );
    const [from, to] = this.#dateRange(resolved.departureDate, today);
    const durations = query.oneWay ? undefined : this.#durations(query.duration, resolved.duration);
    if (query.oneWay && query.duration !== undefined) {
      throw invalidField('query.duration', 'duration must not be set for one-way trips (oneWay=true)');
    }
    const routes = (await this.#deps.network.routes()).filter(
      (r) =>
        origins.some((o) => o.iata === r.origin) &&
        (destinations === undefined || destinations.some((d) => d.iata === r.destination)),
    );
    const tags = [
      ...new Set(
        routes.flatMap((r) => [fareRouteTag(r.origin, r.destination), fareRouteTag(r.destination, r.origin)]),
      ),
    ].sort();
    const key = normalisedCacheKey('cheapest-fares', { ...resolved, today, oneWay: String(resolved.oneWay) });
    const { entry } = await this.#deps.cache.getOrSet(
      key,
      () =>
        this.#deps.calendar.consistent(tags, async () => {
          const fares = await this.#fares(routes, resolved.origin, { from, to, durations });
          const cap =
            resolved.maxPrice === undefined
              ? undefined
              : resolved.maxPrice * 10 ** currencyExponent(FARE_CURRENCY);
          return grouped(
            fares.filter((f) => cap === undefined || f.total <= cap),
            resolved.viewBy,
            this.#deps.airports,
          );
        }),
      this.#deps.calendar.cacheOptions(tags),
    );
    const reached = new Set(routes.map((r) => r.destination));
    return {
      currency: FARE_CURRENCY,
      fares: entry.value,
      resolved: { ...resolved },
      defaulted,
      airports: [...reached].flatMap((iata) => this.#deps.airports.byIata(iata) ?? []),
    };
  }

  /** Every candidate fare: one per destination airport and date (and duration for round trips). */
  async #fares(
    routes: readonly { origin: string; destination: string }[],
    origin: string,
    window: { from: string; to: string; durations: [number, number] | undefined },
  ): Promise<CheapestFare[]> {
    // Per destination airport, the cheapest fare out and back per date across the origin's airports.
    const byDestination = new Map<string, { out: Map<string, number>; back: Map<string, number> }>();
    await Promise.all(
      routes.map(async (route) => {
        const [out, back] = await Promise.all([
          this.#deps.calendar.route(route.origin, route.destination),
          window.durations ? this.#deps.calendar.route(route.destination, route.origin) : undefined,
        ]);
        const maps = byDestination.get(route.destination) ?? { out: new Map(), back: new Map() };
        byDestination.set(route.destination, maps);
        keepCheapest(maps.out, out.from, out.fares);
        if (back) keepCheapest(maps.back, back.from, back.fares);
      }),
    );
    const fares: CheapestFare[] = [];
    const days = daysBetween(window.from, window.to);
    for (const [destination, { out, back }] of byDestination) {
      for (let day = 0; day <= days; day++) {
        const departureDate = addDays(window.from, day);
        const outbound = out.get(departureDate);
        if (outbound === undefined) continue;
        if (!window.durations) {
          fares.push({ origin, destination, departureDate, total: outbound });
          continue;
        }
        for (let stay = window.durations[0]; stay <= window.durations[1]; stay++) {
          const returnDate = addDays(departureDate, stay);
          const inbound = back.get(returnDate);
          if (inbound !== undefined) {
            fares.push({ origin, destination, departureDate, returnDate, total: outbound + inbound });
          }
        }
      }
    }
    return fares;
  }

  #airportsOf(code: string, field: string): readonly Airport[] {
    const upper = code.toUpperCase();
    const city = this.#deps.airports.byCityCode(upper);
    if (city.length > 0) return city;
    const airport = this.#deps.airports.byIata(upper);
    if (airport) return [airport];
    throw invalidField(field, `unknown airport or city code "${code}"`);
  }

  #dateRange(value: string, today: string): [string, string] {
    const parts = value.split(',');
    const [from, to = from] = parts as [string, string?];
    if (parts.length > 2 || !isCalendarDate(from) || !isCalendarDate(to)) {
      throw invalidField('query.departureDate', 'departureDate is a date or a range "YYYY-MM-DD,YYYY-MM-DD"');
    }
    if (to < from) throw invalidField('query.departureDate', 'the range ends before it starts');
    // Anywhere on Earth it may still be "yesterday": one day of slack against the origin's today.
    if (from < addDays(today, -1)) throw invalidField('query.departureDate', `${from} is in the past`);
    if (to > addDays(today, FARE_HORIZON_DAYS)) {
      throw invalidField(
        'query.departureDate',
        `departureDate can be at most ${FARE_HORIZON_DAYS} days ahead`,
      );
    }
    return [from < today ? today : from, to];
  }

  #durations(given: string | undefined, value: string): [number, number] {
    const parts = value.split(',');
    const numbers = parts.map((p) => (/^\d{1,2}$/.test(p.trim()) ? Number(p) : Number.NaN));
    const [min, max = min] = numbers as [number, number?];
    const valid = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_DURATION;
    if (parts.length > 2 || !valid(min) || !valid(max) || max < min) {
      throw invalidField(
        'query.duration',
        `duration is a number of days or a range "min,max" from 1 to ${MAX_DURATION}${given === undefined ? '' : `, not "${given}"`}`,
      );
    }
    return [min, max];
  }
}

function keepCheapest(into: Map<string, number>, from: string, fares: readonly (number | null)[]): void {
  fares.forEach((fare, day) => {
    if (fare === null) return;
    const date = addDays(from, day);
    const known = into.get(date);
    if (known === undefined || fare < known) into.set(date, fare);
  });
}

/** The cheapest fare of each group of the view, cheapest first (by date for the calendar views). */
function grouped(fares: readonly CheapestFare[], view: FareView, airports: AirportDirectory): CheapestFare[] {
  const groupOf: Record<FareView, (f: CheapestFare) => string> = {
    DESTINATION: (f) => f.destination,
    COUNTRY: (f) => airports.byIata(f.destination)?.country ?? f.destination,
    DATE: (f) => `${f.destination}|${f.departureDate}`,
    DURATION: (f) => `${f.destination}|${f.departureDate}|${f.returnDate ?? ''}`,
    WEEK: (f) => `${f.destination}|${isoWeek(f.departureDate)}`,
  };
  const best = new Map<string, CheapestFare>();
  for (const fare of fares) {
    const group = groupOf[view](fare);
    const known = best.get(group);
    if (
      !known ||
      fare.total < known.total ||
      (fare.total === known.total && fare.departureDate < known.departureDate)
    ) {
      best.set(group, fare);
    }
  }
  const byPrice = (a: CheapestFare, b: CheapestFare) =>
    a.total - b.total ||
    a.destination.localeCompare(b.destination) ||
    a.departureDate.localeCompare(b.departureDate);
  const byDate = (a: CheapestFare, b: CheapestFare) =>
    a.departureDate.localeCompare(b.departureDate) ||
    (a.returnDate ?? '').localeCompare(b.returnDate ?? '') ||
    a.destination.localeCompare(b.destination);
  return [...best.values()].sort(view === 'DESTINATION' || view === 'COUNTRY' ? byPrice : byDate);
}

/** The ISO 8601 week of a date, "2026-W05": the week (Monday first) holding the date's Thursday. */
function isoWeek(date: string): string {
  const thursday = new Date(`${date}T00:00:00Z`);
  thursday.setUTCDate(thursday.getUTCDate() - ((thursday.getUTCDay() + 6) % 7) + 3);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor(daysBetween(`${year}-01-01`, thursday.toISOString().slice(0, 10)) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}
