import { distanceKm } from '../../kernel/great-circle.js';
import { addDays, daysBetween, toUtcIso } from '../../kernel/zoned-time.js';
import type { HotelRecord, RoomNightRecord } from '../../ports/store.js';
import { hotelCityNightTag, stayNights } from '../cache/cache-tags.js';
import { hotelSearchCacheKey, singleAirportCity } from '../cache/search-cache-keys.js';
import { invalidField } from '../errors.js';
import { CITY_CENTRES } from '../geo/city-centres.js';
import { convert } from '../money/money.js';
import type { HotelOfferReference } from '../offers/offer-reference.js';
import type { TokenSigner } from '../offers/signed-token.js';
import { type PriceView, priceView } from '../pricing/price-quote.js';
import { type HotelSearchQuery, toHotelSearchRequest } from '../search/request-rules.js';
import type { SearchDependencies, SearchOptions } from '../search/search-dependencies.js';
import { SearchPages } from '../search/search-pages.js';
import type { SearchPage, SearchResults, SearchRun } from '../search/search-results.js';
import { DEFAULT_WORK_LIMITS, WorkBudget } from '../search/work-budget.js';

/** The centre of a city by IATA city code, when the table knows it. */
function cityCentre(cityCode: string | undefined): { latitude: number; longitude: number } | undefined {
  const point = cityCode === undefined ? undefined : CITY_CENTRES[cityCode];
  return point ? { latitude: point[0], longitude: point[1] } : undefined;
}

export type HotelSort = 'price' | 'stars' | 'distance';

/** A validated hotel search, with defaults applied. */
export interface HotelSearchRequest {
  cityCode?: string;
  /** Exactly these hotels, instead of a city or a point. */
  hotelIds?: string[];
  latitude?: number;
  longitude?: number;
  radiusKm?: number;
  checkIn: string;
  checkOut: string;
  adults: number;
  rooms: number;
  minStars?: number;
  /** Upper bound of the stay's total, minor units of `currency`. */
  maxPrice?: number;
  sort: HotelSort;
  currency: string;
}

export interface HotelOfferView {
  id: string;
  type: 'hotel-offer';
  hotel: Omit<HotelRecord, 'roomTypes'> & {
    /** From the search point, or from the city's main airport for a city search. */
    distanceKm: number;
  };
  room: { type: string; name: string; maxOccupancy: number };
  checkIn: string;
  checkOut: string;
  nights: number;
  rooms: number;
  adults: number;
  /** Average nightly price for all rooms booked. */
  nightlyPrice: PriceView;
  price: PriceView;
  /** Rooms of this type bookable for every night of the stay. */
  roomsLeft: number;
  expiresAt: string;
}

/** Hotels priced between two checks of the work budget. */
const HOTELS_PER_SLICE = 64;

/** Longest stay searchable, nights. */
export const MAX_NIGHTS = 30;

export interface HotelSearchDependencies extends SearchDependencies {
  /** The result cache and snapshots that pages are cut from. */
  results: SearchResults;
}

/** A hotel of a city, with its distance from the city's main airport. */
export interface CityHotelView {
  hotel: Omit<HotelRecord, 'roomTypes'>;
  distanceKm: number;
  /** ISO 3166-1 alpha-2 code of the city's country, when the airport registry gives it. */
  countryCode?: string;
}

/** Room availability and rates of a stay, priced and sorted. */
export class HotelSearch {
  readonly #deps: HotelSearchDependencies;
  /** Requests and cache keys of queries seen lately, by the transport's identity of the query. */
  readonly #pages: SearchPages<HotelSearchQuery, HotelSearchRequest, HotelOfferView>;

  constructor(deps: HotelSearchDependencies) {
    this.#deps = deps;
    this.#pages = new SearchPages({
      kind: 'hotels',
      results: deps.results,
      toRequest: toHotelSearchRequest,
      cacheKey: (request) => this.cacheKey(request),
      search: (request, options) => this.search(request, options),
    });
  }

  /** The first page for `queryId` when it is a fresh hit held in process (SearchPages.peek). */
  peek(queryId: string, limit: number): SearchPage<HotelOfferView> | undefined {
    return this.#pages.peek(queryId, limit);
  }

  /**
   * One page of offers for a query: the domain rules checked, the result from the cache or a fresh
   * search, the page cut from its snapshot. Every transport (v1, compatibility routes) calls this;
   * `signal` aborts when the client has gone (the search stops once no other request waits for it).
   * `queryId`, when given, identifies `query` exactly (the v1 routes pass the raw URL), so a query
   * asked again skips its normalisation.
   */
  page(
    query: HotelSearchQuery,
    limit: number,
    cursor?: string,
    signal?: AbortSignal,
    queryId?: string,
  ): Promise<SearchPage<HotelOfferView>> {
    return this.#pages.page(query, limit, cursor, signal, queryId);
  }

  /** The hotels of a city, nearest to its main airport first; field error when the city is unknown. */
  async hotelsInCity(cityCode: string): Promise<CityHotelView[]> {
    const { hotels, centre } = await this.#locate({ cityCode: cityCode.toUpperCase() });
    const countryCode = this.#deps.airports.byCityCode(cityCode.toUpperCase())[0]?.countryCode;
    return hotels
      .map(({ roomTypes: _rooms, ...hotel }) => ({
        hotel,
        distanceKm: Math.round(distanceKm(hotel, centre) * 10) / 10,
        ...(countryCode ? { countryCode } : {}),
      }))
      .sort((a, b) => a.distanceKm - b.distanceKm || a.hotel.id.localeCompare(b.hotel.id));
  }

  /** The cache key of a request: equivalent requests share it. */
  cacheKey(request: HotelSearchRequest): string {
    return hotelSearchCacheKey(
      { ...request },
      singleAirportCity((code) => this.#deps.airports.byCityCode(code)),
    );
  }

  /**
   * Offers of every available room type, sorted, with the tags of the city nights they read. The
   * work budget bounds the offers built (a radius can hold many hotels); past it the search ends with
   * what it has, flagged partial.
   */
  async search(request: HotelSearchRequest, options: SearchOptions = {}): Promise<SearchRun<HotelOfferView>> {
    const budget = new WorkBudget(
      this.#deps.workLimits ?? DEFAULT_WORK_LIMITS,
      this.#deps.clock,
      options.signal,
    );
    const nights = daysBetween(request.checkIn, request.checkOut);
    const today = toUtcIso(this.#deps.clock.now()).slice(0, 10);
    if (request.checkIn < addDays(today, -1))
      throw invalidField('query.checkIn', `${request.checkIn} is in the past`);
    if (nights < 1) throw invalidField('query.checkOut', 'checkOut must be after checkIn');
    if (nights > MAX_NIGHTS) throw invalidField('query.checkOut', `a stay is at most ${MAX_NIGHTS} nights`);

    budget.throwIfCancelled();
    const { hotels, centre } = await this.#locate(request);
    await budget.checkpoint();
    const nightsByHotel = groupNights(
      await this.#deps.store.findRoomNights(
        hotels.map((h) => h.id),
        request.checkIn,
        request.checkOut,
      ),
    );
    const expiresAt = this.#deps.clock.now() + this.#deps.offerTtlMs;
    await budget.checkpoint();
    const offers: (HotelOfferView & { sortTotal: number; sortDistance: number })[] = [];
    for (const [index, hotel] of hotels.entries()) {
      // A radius can hold many hotels: yield now and then, and stop once the budget is spent.
      if (index % HOTELS_PER_SLICE === 0 && !(await budget.checkpoint())) break;
      if (!budget.spend(hotel.roomTypes.length)) break;
      if (request.minStars !== undefined && hotel.stars < request.minStars) continue;
      for (const roomType of hotel.roomTypes) {
        if (roomType.maxOccupancy * request.rooms < request.adults) continue;
        const stay = nightsByHotel.get(`${hotel.id}|${roomType.code}`) ?? [];
        const priced = priceStay(stay, nights, request.rooms, request.currency);
        if (!priced) continue;
        if (request.maxPrice !== undefined && priced.total > request.maxPrice) continue;
        const reference: HotelOfferReference = {
          kind: 'hotel',
          hotelId: hotel.id,
          roomType: roomType.code,
          checkIn: request.checkIn,
          checkOut: request.checkOut,
          adults: request.adults,
          rooms: request.rooms,
          total: priced.total,
          currency: request.currency,
          expiresAt,
        };
        const distance = Math.round(distanceKm(hotel, centre) * 10) / 10;
        offers.push({
          ...hotelOfferView(hotel, roomType.code, reference, priced, distance, this.#deps.signer),
          sortTotal: priced.total,
          sortDistance: distance,
        });
      }
    }
    offers.sort((a, b) => {
      const byPrice = a.sortTotal - b.sortTotal;
      const primary =
        request.sort === 'stars'
          ? b.hotel.stars - a.hotel.stars || byPrice
          : request.sort === 'distance'
            ? a.sortDistance - b.sortDistance || byPrice
            : byPrice || b.hotel.stars - a.hotel.stars;
      return primary || a.id.localeCompare(b.id);
    });
    const tags: string[] = [];
    for (const city of new Set([
      ...hotels.map((h) => h.cityCode),
      ...(request.cityCode ? [request.cityCode] : []),
    ])) {
      for (const night of stayNights(request.checkIn, request.checkOut))
        tags.push(hotelCityNightTag(city, night));
    }
    return {
      offers: offers
        .slice(0, this.#deps.maxResults)
        .map(({ sortTotal: _t, sortDistance: _d, ...offer }) => offer),
      tags: tags.sort(),
      ...(budget.exhausted ? { partial: budget.exhausted } : {}),
    };
  }

  async #locate(
    request: Pick<HotelSearchRequest, 'cityCode' | 'hotelIds' | 'latitude' | 'longitude' | 'radiusKm'>,
  ): Promise<{ hotels: HotelRecord[]; centre: { latitude: number; longitude: number } }> {
    if (request.hotelIds !== undefined) {
      const hotels = (await this.#deps.store.getHotels(request.hotelIds)).sort((a, b) =>
        a.id.localeCompare(b.id),
      );
      const first = hotels[0];
      const anchor = first
        ? [...this.#deps.airports.byCityCode(first.cityCode)].sort((a, b) => b.size - a.size)[0]
        : undefined;
      return {
        hotels,
        centre: cityCentre(first?.cityCode) ?? anchor ?? first ?? { latitude: 0, longitude: 0 },
      };
    }
    if (request.cityCode !== undefined) {
      const airports = this.#deps.airports.byCityCode(request.cityCode);
      const anchor =
        [...airports].sort((a, b) => b.size - a.size)[0] ?? this.#deps.airports.byIata(request.cityCode);
      if (!anchor) throw invalidField('query.cityCode', `unknown city code "${request.cityCode}"`);
      return {
        hotels: await this.#deps.store.findHotels({ cityCode: anchor.cityCode }),
        // Distances are read from the city centre where it is known (a traveller's yardstick), else
        // from the city's main airport.
        centre: cityCentre(anchor.cityCode) ?? anchor,
      };
    }
    const latitude = request.latitude as number;
    const longitude = request.longitude as number;
    const radiusKm = request.radiusKm ?? 10;
    return {
      hotels: await this.#deps.store.findHotels({ latitude, longitude, radiusKm }),
      centre: { latitude, longitude },
    };
  }
}

export interface PricedStay {
  /** Stay total for all rooms, minor units of the asked currency. */
  total: number;
  roomsLeft: number;
}

/** Total of a stay when every night is available for `rooms` rooms, else undefined. */
export function priceStay(
  stay: readonly RoomNightRecord[],
  nights: number,
  rooms: number,
  currency: string,
): PricedStay | undefined {
  if (stay.length !== nights || stay.some((n) => n.roomsLeft < rooms)) return undefined;
  let total = 0;
  for (const night of stay)
    total += convert({ minor: night.rate, currency: night.currency }, currency).minor * rooms;
  return { total, roomsLeft: Math.min(...stay.map((n) => n.roomsLeft)) };
}

/** Renders one room type of a hotel for a stay as an offer. */
export function hotelOfferView(
  hotel: HotelRecord,
  roomTypeCode: string,
  reference: HotelOfferReference,
  priced: PricedStay,
  distance: number,
  signer: TokenSigner,
): HotelOfferView {
  const roomType = hotel.roomTypes.find((r) => r.code === roomTypeCode);
  const nights = daysBetween(reference.checkIn, reference.checkOut);
  return {
    id: signer.sign(reference),
    type: 'hotel-offer',
    hotel: {
      id: hotel.id,
      name: hotel.name,
      cityCode: hotel.cityCode,
      stars: hotel.stars,
      latitude: hotel.latitude,
      longitude: hotel.longitude,
      address: hotel.address,
      amenities: hotel.amenities,
      distanceKm: distance,
    },
    room: {
      type: roomTypeCode,
      name: roomType?.name ?? roomTypeCode,
      maxOccupancy: roomType?.maxOccupancy ?? 2,
    },
    checkIn: reference.checkIn,
    checkOut: reference.checkOut,
    nights,
    rooms: reference.rooms,
    adults: reference.adults,
    nightlyPrice: priceView(Math.round(priced.total / nights), 0, reference.currency),
    price: priceView(priced.total, 0, reference.currency),
    roomsLeft: priced.roomsLeft,
    expiresAt: toUtcIso(reference.expiresAt),
  };
}

/** Room nights grouped by "hotelId|roomType". */
export function groupNights(nights: readonly RoomNightRecord[]): Map<string, RoomNightRecord[]> {
  const grouped = new Map<string, RoomNightRecord[]>();
  for (const night of nights) {
    const key = `${night.hotelId}|${night.roomType}`;
    const list = grouped.get(key) ?? [];
    list.push(night);
    grouped.set(key, list);
  }
  return grouped;
}
