import { distanceKm } from '../../kernel/great-circle.js';
import type { AirportDirectory } from '../../ports/airports.js';
import type { Cache } from '../../ports/cache.js';
import type { HotelRecord, InventoryStore } from '../../ports/store.js';
import type { RouteNetwork } from './route-network.js';

export interface HotelDirectoryDependencies {
  store: InventoryStore;
  airports: AirportDirectory;
  cache: Cache;
  network: RouteNetwork;
  /** How long the name index is reused, ms (hotels change only with inventory loads). */
  ttlMs: number;
}

/** A hotel without its room types, with the country of its city. */
export interface HotelListing extends Omit<HotelRecord, 'roomTypes'> {
  /** ISO 3166-1 alpha-2 code of the hotel's country, when the airport registry knows it. */
  countryCode?: string;
  /** Name of the hotel's city, as the airport registry spells it. */
  cityName: string;
}

/** A hotel at some distance from a point. */
export interface NearbyHotel {
  hotel: HotelListing;
  distanceKm: number;
}

/** A hotel whose name matches a keyword, scored 1–100 by how well. */
export interface HotelNameMatch {
  hotel: HotelListing;
  relevance: number;
}

const NAME_INDEX_KEY = 'discovery:v1:hotel-names';

/**
 * Hotels looked up by place, by id and by name. The name index holds the hotels of every city our
 * route network serves (the store lists hotels only by city or point), built once per TTL.
 */
export class HotelDirectory {
  readonly #deps: HotelDirectoryDependencies;

  constructor(deps: HotelDirectoryDependencies) {
    this.#deps = deps;
  }

  /** Hotels within `radiusKm` of a point, nearest first. */
  async near(latitude: number, longitude: number, radiusKm: number): Promise<NearbyHotel[]> {
    const point = { latitude, longitude };
    const hotels = await this.#deps.store.findHotels({ latitude, longitude, radiusKm });
    return hotels
      .map((hotel) => ({
        hotel: this.#listing(hotel),
        distanceKm: Math.round(distanceKm(point, hotel) * 10) / 10,
      }))
      .filter((h) => h.distanceKm <= radiusKm)
      .sort((a, b) => a.distanceKm - b.distanceKm || a.hotel.id.localeCompare(b.hotel.id));
  }

  /** Hotels by id, in the order asked; unknown ids are left out. */
  async byIds(ids: readonly string[]): Promise<HotelListing[]> {
    const found = new Map((await this.#deps.store.getHotels(ids)).map((h) => [h.id, h]));
    return ids.flatMap((id) => {
      const hotel = found.get(id);
      return hotel ? [this.#listing(hotel)] : [];
    });
  }

  /**
   * Hotels whose name (or name and city) contains every word of `keyword`, best first: a name
   * starting with the keyword, then a word of the name starting with it, then the rest.
   */
  async byName(keyword: string, options: { countryCode?: string; max: number }): Promise<HotelNameMatch[]> {
    const words = normalise(keyword)
      .split(' ')
      .filter((w) => w !== '');
    const phrase = words.join(' ');
    const country = options.countryCode?.toUpperCase();
    const matches: HotelNameMatch[] = [];
    for (const hotel of await this.#nameIndex()) {
      if (country !== undefined && hotel.countryCode !== country) continue;
      const name = normalise(hotel.name);
      const haystack = `${name} ${normalise(hotel.cityName)}`;
      if (!words.every((word) => haystack.includes(word))) continue;
      const relevance = name.startsWith(phrase) ? 100 : ` ${name}`.includes(` ${phrase}`) ? 80 : 50;
      matches.push({ hotel, relevance });
    }
    return matches
      .sort((a, b) => b.relevance - a.relevance || a.hotel.name.localeCompare(b.hotel.name))
      .slice(0, options.max);
  }

  async #nameIndex(): Promise<readonly HotelListing[]> {
    const { entry } = await this.#deps.cache.getOrSet(
      NAME_INDEX_KEY,
      async () => {
        const cities = new Set<string>();
        for (const route of await this.#deps.network.routes()) {
          for (const iata of [route.origin, route.destination]) {
            cities.add(this.#deps.airports.byIata(iata)?.cityCode ?? iata);
          }
        }
        const perCity = await Promise.all(
          [...cities].sort().map((cityCode) => this.#deps.store.findHotels({ cityCode })),
        );
        return perCity.flat().map((hotel) => this.#listing(hotel));
      },
      { ttlMs: this.#deps.ttlMs },
    );
    return entry.value;
  }

  #listing(hotel: HotelRecord): HotelListing {
    const { roomTypes: _rooms, ...rest } = hotel;
    const airport =
      this.#deps.airports.byCityCode(hotel.cityCode)[0] ?? this.#deps.airports.byIata(hotel.cityCode);
    return {
      ...rest,
      cityName: airport?.city ?? hotel.cityCode,
      ...(airport?.countryCode ? { countryCode: airport.countryCode } : {}),
    };
  }
}

/** Lower case, accents and punctuation dropped, single spaces: how names are compared. */
function normalise(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
