import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DomainError, invalidField } from '../../core/errors.js';
import type { HotelOfferView } from '../../core/hotels/hotel-search.js';
import { parseAmount } from '../../core/money/money.js';
import { addDays, toUtcIso } from '../../kernel/zoned-time.js';
import type { ApiServices } from '../services.js';
import { AMADEUS_TAG, baseUrl } from './context.js';
import {
  HotelOfferParams,
  HotelOfferResponse,
  HotelOffersQuery,
  HotelOffersResponse,
  HotelsByCityQuery,
  HotelsByCityResponse,
} from './place-schemas.js';
import { listParameter } from './query-lists.js';
import { estimateRoomType } from './room-type-estimate.js';
import { amadeusBody, amadeusErrorResponses } from './schemas.js';
import { type AmadeusWarning, notAppliedWarning, priceChangedWarning, withWarnings } from './warnings.js';

const KM_PER_MILE = 1.609344;
const MAX_HOTEL_IDS = 20;
/** A stay's offers are searched in one page: at most this many. */
const OFFERS_PER_SEARCH = 1000;

const OFFER_FIELDS = {
  'query.hotelIds': 'hotelIds',
  'query.checkIn': 'checkInDate',
  'query.checkOut': 'checkOutDate',
  'query.rooms': 'roomQuantity',
  'query.maxPrice': 'priceRange',
  'query.currency': 'currency',
};

const HOTEL_OFFERS_PATH = '/v3/shopping/hotel-offers';

/** Amadeus's Hotel List amenity codes for the amenities the inventory records. */
const AMADEUS_AMENITIES: Readonly<Record<string, string>> = {
  SWIMMING_POOL: 'pool',
  SPA: 'spa',
  FITNESS_CENTER: 'gym',
  PARKING: 'parking',
  WIFI: 'wifi',
  AIRPORT_SHUTTLE: 'airport-shuttle',
  RESTAURANT: 'restaurant',
  'BAR or LOUNGE': 'bar',
};

/** One room offer as Amadeus's Hotel Search v3 shows it. */
export function amadeusRoomOffer(offer: HotelOfferView, base: string) {
  return {
    id: offer.id,
    checkInDate: offer.checkIn,
    checkOutDate: offer.checkOut,
    rateCode: 'RAC',
    room: {
      type: offer.room.type,
      typeEstimated: estimateRoomType(offer.room.name),
      description: { text: offer.room.name, lang: 'EN' },
    },
    guests: { adults: offer.adults },
    price: {
      currency: offer.price.currency,
      base: offer.price.base,
      total: offer.price.total,
      ...(Number(offer.price.taxes) > 0
        ? { taxes: [{ amount: offer.price.taxes, code: 'XT', included: true }] }
        : {}),
      variations: { average: { base: offer.nightlyPrice.total } },
    },
    policies: {
      paymentType: 'guarantee',
      // As the booking rules have it: cancellable free of charge until the first night begins
      // (00:00 UTC of the check-in date), after which the whole stay is due.
      cancellations: [
        { type: 'FULL_STAY', amount: offer.price.total, deadline: `${offer.checkIn}T00:00:00+00:00` },
      ],
      refundable: { cancellationRefund: 'REFUNDABLE_UP_TO_DEADLINE' },
    },
    self: `${base}${HOTEL_OFFERS_PATH}/${offer.id}`,
  };
}

/** A hotel with its offers, as Amadeus groups them. */
function hotelOffers(offers: readonly HotelOfferView[], base: string, self: string) {
  const first = offers[0] as HotelOfferView;
  return {
    type: 'hotel-offers' as const,
    hotel: {
      type: 'hotel' as const,
      hotelId: first.hotel.id,
      name: first.hotel.name,
      cityCode: first.hotel.cityCode,
      latitude: first.hotel.latitude,
      longitude: first.hotel.longitude,
    },
    available: true,
    offers: offers.map((offer) => amadeusRoomOffer(offer, base)),
    self,
  };
}

/** `priceRange` (per night, as Amadeus reads it): "200-300", "-300" or "100". */
function priceRange(range: string | undefined, currency: string): { min?: number; max?: number } {
  if (range === undefined) return {};
  const [low, high] = range.includes('-') ? range.split('-') : [range, undefined];
  const minor = (value: string | undefined) =>
    value === undefined || value === '' ? undefined : parseAmount(value, currency);
  return { min: minor(low), max: minor(high) };
}

/** Hotel List by city and Hotel Search v3, over the core's hotel search and price confirmation. */
export const hotelRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/v1/reference-data/locations/hotels/by-city',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Hotels of a city (Amadeus Hotel List v1)',
        description: 'Nearest to the city’s main airport first; radius and ratings filter them.',
        querystring: HotelsByCityQuery,
        response: {
          200: amadeusBody(HotelsByCityResponse, 'Hotels'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const { cityCode, radius, radiusUnit, ratings, chainCodes, amenities } = request.query;
      const radiusKm =
        radius === undefined ? undefined : radiusUnit === 'MILE' ? radius * KM_PER_MILE : radius;
      const stars = ratings === undefined ? undefined : new Set(ratings.split(',').map(Number));
      const warnings: AmadeusWarning[] = [];
      if (chainCodes !== undefined) {
        warnings.push(notAppliedWarning('chainCodes', 'the inventory records no hotel chains'));
      }
      // Amenities the inventory does not record cannot be had: a hotel must have every one asked.
      const wanted = listParameter(amenities).map((code) => AMADEUS_AMENITIES[code] ?? `unrecorded:${code}`);
      const hotels = (await services.hotels.hotelsInCity(cityCode)).filter(
        (h) =>
          (radiusKm === undefined || h.distanceKm <= radiusKm) &&
          (!stars || stars.has(h.hotel.stars)) &&
          wanted.every((amenity) => h.hotel.amenities.includes(amenity)),
      );
      const unit = radiusUnit === 'MILE' ? 'MILE' : 'KM';
      return {
        ...withWarnings(warnings),
        meta: { count: hotels.length, links: { self: `${baseUrl(request)}${request.url}` } },
        data: hotels.map(({ hotel, distanceKm, countryCode }) => ({
          hotelId: hotel.id,
          name: hotel.name,
          iataCode: hotel.cityCode,
          rating: hotel.stars,
          geoCode: { latitude: hotel.latitude, longitude: hotel.longitude },
          address: { lines: [hotel.address], ...(countryCode ? { countryCode } : {}) },
          distance: {
            value: Math.round((unit === 'MILE' ? distanceKm / KM_PER_MILE : distanceKm) * 10) / 10,
            unit,
          },
          amenities: hotel.amenities,
        })),
      };
    },
  );

  app.get(
    HOTEL_OFFERS_PATH,
    {
      config: { amadeusFields: OFFER_FIELDS },
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Room offers of hotels (Amadeus Hotel Search v3)',
        description:
          'Offers of up to 20 hotels for a stay, cheapest first; bestRateOnly keeps one per hotel.',
        querystring: HotelOffersQuery,
        response: {
          200: amadeusBody(HotelOffersResponse, 'Hotels with offers'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const hotelIds = q.hotelIds.split(',').filter((id) => id !== '');
      if (hotelIds.length === 0 || hotelIds.length > MAX_HOTEL_IDS) {
        throw invalidField('query.hotelIds', `give 1 to ${MAX_HOTEL_IDS} hotel ids`);
      }
      const checkIn = q.checkInDate ?? toUtcIso(services.clock.now()).slice(0, 10);
      const checkOut = q.checkOutDate ?? addDays(checkIn, 1);
      const currency = (q.currency ?? 'USD').toUpperCase();
      const range = priceRange(q.priceRange, currency);
      const nights = Math.max(1, Math.round((Date.parse(checkOut) - Date.parse(checkIn)) / 86_400_000));
      const page = await services.hotels.page(
        {
          hotelIds,
          checkIn,
          checkOut,
          adults: q.adults,
          rooms: q.roomQuantity,
          sort: 'price',
          currency: q.currency,
          maxPrice: range.max === undefined ? undefined : ((range.max * nights) / 100).toFixed(2),
        },
        OFFERS_PER_SEARCH,
      );
      const warnings: AmadeusWarning[] = [];
      if (q.boardType !== undefined) {
        warnings.push(notAppliedWarning('boardType', 'the inventory records no board basis for its rates'));
      }
      if (q.includeClosed) {
        warnings.push(
          notAppliedWarning('includeClosed', 'only hotels with an offer for the stay are listed'),
        );
      }
      if (q.lang !== undefined && q.lang.toUpperCase() !== 'EN') {
        warnings.push(notAppliedWarning('lang', 'descriptions exist in English only'));
      }
      // Every rate of the inventory is guaranteed by a card at booking: none asks for a deposit.
      const offersWanted = q.paymentPolicy !== 'DEPOSIT';
      const byHotel = new Map<string, HotelOfferView[]>();
      for (const offer of offersWanted ? page.data : []) {
        const nightly = parseAmount(offer.nightlyPrice.total, offer.nightlyPrice.currency) ?? 0;
        if (range.min !== undefined && nightly < range.min) continue;
        const list = byHotel.get(offer.hotel.id) ?? [];
        if (!q.bestRateOnly || list.length === 0) list.push(offer);
        byHotel.set(offer.hotel.id, list);
      }
      const base = baseUrl(request);
      const available = [...byHotel.values()].map((offers) =>
        hotelOffers(offers, base, `${base}${HOTEL_OFFERS_PATH}?hotelIds=${offers[0]?.hotel.id}`),
      );
      return { ...withWarnings(warnings), data: available };
    },
  );

  app.get(
    `${HOTEL_OFFERS_PATH}/:offerId`,
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Confirm a room offer (Amadeus Hotel Search v3)',
        description: 'Re-prices the offer from live availability.',
        params: HotelOfferParams,
        response: {
          200: amadeusBody(HotelOfferResponse, 'The offer at its current price'),
          ...amadeusErrorResponses(400, 401, 404, 429),
        },
      },
    },
    async (request, reply) => {
      const confirmed = await services.offers.reprice(request.params.offerId);
      if (confirmed.kind !== 'hotel') throw new DomainError('offer-not-found', 'no hotel offer has this id');
      const base = baseUrl(request);
      reply.header('cache-control', 'no-store');
      // A changed price answers with the offer at its new price under a new id (Amadeus did the same);
      // booking the old id is refused as a price discrepancy.
      const warnings = confirmed.previousPrice
        ? [priceChangedWarning(confirmed.previousPrice, confirmed.offer.price, '/data/offers/0/price/total')]
        : [];
      return {
        ...withWarnings(warnings),
        data: hotelOffers([confirmed.offer], base, `${base}${HOTEL_OFFERS_PATH}/${confirmed.offer.id}`),
      };
    },
  );
};
