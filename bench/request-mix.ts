import { SeededRandom } from '../src/core/demo-inventory/random.js';
import type { AirportDirectory } from '../src/ports/airports.js';
import type { RouteRecord } from '../src/ports/store.js';
import { shuffled, ZipfSampler } from './zipf.js';

/** Shares of the mix; the rest of the requests are flight searches. */
export const HOTEL_SHARE = 0.15;
export const LOCATION_SHARE = 0.1;

export interface RequestMixInput {
  routes: readonly RouteRecord[];
  airports: AirportDirectory;
  /** First date of the demo inventory, YYYY-MM-DD. */
  startDate: string;
  days: number;
  skew: number;
  seed: number;
  /**
   * Keep only the hottest this-many flight keys (and a quarter as many hotel and location keys):
   * a key space the warm-up caches whole, to measure the cost of a cached answer itself.
   */
  hotKeys?: number;
}

/** How large each part of the mix's key space is, for the report. */
export interface RequestMixShape {
  flightKeys: number;
  hotelKeys: number;
  locationKeys: number;
}

const addDays = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The benchmark's traffic: 75% flight searches Zipf-distributed over (route, departure date) of
 * the demo inventory, 15% hotel searches Zipf-distributed over (city, check-in), 10% location
 * lookups Zipf-distributed over city-name prefixes, biggest cities first. Which routes and dates
 * are hot is a seeded shuffle, so every run (and every target of one run) sees the same stream.
 */
export class RequestMix {
  readonly shape: RequestMixShape;
  readonly #flights: string[];
  readonly #hotels: string[];
  readonly #locations: string[];
  readonly #flightRanks: ZipfSampler;
  readonly #hotelRanks: ZipfSampler;
  readonly #locationRanks: ZipfSampler;
  readonly #kind: SeededRandom;

  constructor(input: RequestMixInput) {
    const root = new SeededRandom(input.seed);
    // Departures from tomorrow on: today's may already have left, which would make thinner answers.
    const departureDays = Array.from({ length: Math.max(1, input.days - 1) }, (_, i) =>
      addDays(input.startDate, i + 1),
    );
    this.#flights = shuffled(
      input.routes.flatMap((route) =>
        departureDays.map(
          (date) =>
            `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${date}`,
        ),
      ),
      root.fork('flight-order'),
    );

    const networkAirports = [...new Set(input.routes.flatMap((route) => [route.origin, route.destination]))]
      .map((code) => input.airports.byIata(code))
      .filter((airport) => airport !== undefined)
      .sort((a, b) => b.size - a.size || a.iata.localeCompare(b.iata));
    const cities = [...new Set(networkAirports.map((airport) => airport.cityCode))];
    // Check-ins leave room for up to three nights inside the inventory's days.
    const checkInDays = departureDays.slice(0, Math.max(1, departureDays.length - 3));
    const stays = root.fork('stays');
    this.#hotels = shuffled(
      cities.flatMap((city) =>
        checkInDays.map((checkIn) => {
          const nights = stays.int(1, 3);
          return `/v1/hotels/search?cityCode=${city}&checkIn=${checkIn}&checkOut=${addDays(checkIn, nights)}`;
        }),
      ),
      root.fork('hotel-order'),
    );

    // Autocomplete as people type it: prefixes of city names, the biggest cities the most asked.
    const prefixes = new Set<string>();
    for (const airport of networkAirports) {
      const name = airport.city.toLowerCase();
      for (const length of [3, 4, 5]) if (name.length >= length) prefixes.add(name.slice(0, length));
    }
    this.#locations = [...prefixes].map((prefix) => `/v1/locations?q=${encodeURIComponent(prefix)}`);

    if (input.hotKeys !== undefined) {
      const quarter = Math.max(1, Math.floor(input.hotKeys / 4));
      this.#flights.splice(input.hotKeys);
      this.#hotels.splice(quarter);
      this.#locations.splice(quarter);
    }
    if (this.#flights.length === 0 || this.#hotels.length === 0 || this.#locations.length === 0) {
      throw new Error('the demo inventory is empty: seed it before building a request mix');
    }
    this.#flightRanks = new ZipfSampler(this.#flights.length, input.skew, root.fork('flights'));
    this.#hotelRanks = new ZipfSampler(this.#hotels.length, input.skew, root.fork('hotels'));
    this.#locationRanks = new ZipfSampler(this.#locations.length, input.skew, root.fork('locations'));
    this.#kind = root.fork('kind');
    this.shape = {
      flightKeys: this.#flights.length,
      hotelKeys: this.#hotels.length,
      locationKeys: this.#locations.length,
    };
  }

  /** Every distinct path the mix draws from, flights first. */
  distinctPaths(): string[] {
    return [...this.#flights, ...this.#hotels, ...this.#locations];
  }

  /** The flight search paths, hottest first. */
  flightPaths(): readonly string[] {
    return this.#flights;
  }

  /** The path of the next request. */
  next(): string {
    const u = this.#kind.next();
    if (u < LOCATION_SHARE) return this.#locations[this.#locationRanks.next()] as string;
    if (u < LOCATION_SHARE + HOTEL_SHARE) return this.#hotels[this.#hotelRanks.next()] as string;
    return this.#flights[this.#flightRanks.next()] as string;
  }
}
