import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { HotelListing } from '../../../core/discovery/hotel-directory.js';
import { invalidField } from '../../../core/errors.js';
import type { ApiServices } from '../../services.js';
import { AMADEUS_TAG, baseUrl } from '../context.js';
import { amadeusBody, amadeusErrorResponses } from '../schemas.js';
import {
  HotelListResponse,
  HotelNameQuery,
  HotelNameResponse,
  HotelsByGeocodeQuery,
  HotelsByIdsQuery,
} from './discovery-schemas.js';

const KM_PER_MILE = 1.609344;
/** Hotel List's own limit on ids per request. */
const MAX_HOTEL_IDS = 99;

/** Hotel List's amenity names for ours; one it has no name for is shown upper-cased ("breakfast" → BREAKFAST). */
const AMADEUS_AMENITY: Readonly<Record<string, string>> = {
  wifi: 'WIFI',
  gym: 'FITNESS_CENTER',
  pool: 'SWIMMING_POOL',
  spa: 'SPA',
  parking: 'PARKING',
  'airport-shuttle': 'AIRPORT_SHUTTLE',
  restaurant: 'RESTAURANT',
  bar: 'BAR or LOUNGE',
};
const amadeusAmenity = (amenity: string) =>
  AMADEUS_AMENITY[amenity] ?? amenity.toUpperCase().replace(/-/g, '_');

/** A hotel as Hotel List shows it (the by-city route shows the same members). */
function listedHotel(hotel: HotelListing, distance?: { value: number; unit: string }) {
  return {
    hotelId: hotel.id,
    name: hotel.name,
    iataCode: hotel.cityCode,
    rating: hotel.stars,
    geoCode: { latitude: hotel.latitude, longitude: hotel.longitude },
    address: {
      lines: [hotel.address],
      cityName: hotel.cityName.toUpperCase(),
      ...(hotel.countryCode ? { countryCode: hotel.countryCode } : {}),
    },
    ...(distance ? { distance } : {}),
    amenities: hotel.amenities.map(amadeusAmenity),
  };
}

/** Hotel List by geocode and by hotel ids, and Hotel Name Autocomplete (core/discovery/hotel-directory.ts). */
export const hotelListRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  const hotels = services.discovery.hotels;

  app.get(
    '/v1/reference-data/locations/hotels/by-geocode',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Hotels around a point (Amadeus Hotel List v1)',
        description:
          'Nearest first; radius (default 5 KM), ratings and amenities filter them. We keep no hotel chains: chainCodes and hotelSource are ignored.',
        querystring: HotelsByGeocodeQuery,
        response: { 200: amadeusBody(HotelListResponse, 'Hotels'), ...amadeusErrorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const { latitude, longitude, radius, radiusUnit, ratings, amenities } = request.query;
      const radiusKm = radiusUnit === 'MILE' ? radius * KM_PER_MILE : radius;
      const stars = ratings === undefined ? undefined : new Set(ratings.split(',').map(Number));
      const wanted =
        amenities === undefined
          ? []
          : amenities
              .toUpperCase()
              .split(',')
              .filter((a) => a !== '');
      const found = (await hotels.near(latitude, longitude, radiusKm)).filter(
        ({ hotel }) =>
          (!stars || stars.has(hotel.stars)) &&
          wanted.every((amenity) => hotel.amenities.map(amadeusAmenity).includes(amenity)),
      );
      return {
        meta: { count: found.length, links: { self: `${baseUrl(request)}${request.url}` } },
        data: found.map(({ hotel, distanceKm }) =>
          listedHotel(hotel, {
            value: Math.round((radiusUnit === 'MILE' ? distanceKm / KM_PER_MILE : distanceKm) * 100) / 100,
            unit: radiusUnit,
          }),
        ),
      };
    },
  );

  app.get(
    '/v1/reference-data/locations/hotels/by-hotels',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Hotels by id (Amadeus Hotel List v1)',
        description: 'In the order asked; unknown ids are left out.',
        querystring: HotelsByIdsQuery,
        response: { 200: amadeusBody(HotelListResponse, 'Hotels'), ...amadeusErrorResponses(400, 401, 429) },
      },
    },
    async (request) => {
      const ids = [...new Set(request.query.hotelIds.split(',').filter((id) => id !== ''))];
      if (ids.length === 0 || ids.length > MAX_HOTEL_IDS) {
        throw invalidField('query.hotelIds', `give 1 to ${MAX_HOTEL_IDS} hotel ids`);
      }
      const found = await hotels.byIds(ids);
      return {
        meta: { count: found.length, links: { self: `${baseUrl(request)}${request.url}` } },
        data: found.map((hotel) => listedHotel(hotel)),
      };
    },
  );

  app.get(
    '/v1/reference-data/locations/hotel',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Hotels by name (Amadeus Hotel Name Autocomplete v1)',
        description:
          'Hotels of the cities the network serves whose name (or name and city) holds every word of the keyword; names are in English whatever lang asks. Each answer is of the first subType asked.',
        querystring: HotelNameQuery,
        response: {
          200: amadeusBody(HotelNameResponse, 'Matching hotels'),
          ...amadeusErrorResponses(400, 401, 429),
        },
      },
    },
    async (request) => {
      const { keyword, subType, countryCode, max } = request.query;
      const matches = await hotels.byName(keyword.replace(/\*/g, ' '), {
        max,
        ...(countryCode === undefined ? {} : { countryCode }),
      });
      const answeredSubType = subType.split(',')[0] as string;
      return {
        data: matches.map(({ hotel, relevance }, index) => ({
          id: index + 1,
          type: 'location' as const,
          name: hotel.name.toUpperCase(),
          iataCode: hotel.cityCode,
          subType: answeredSubType,
          hotelIds: [hotel.id],
          relevance,
          address: {
            cityName: hotel.cityName.toUpperCase(),
            ...(hotel.countryCode ? { countryCode: hotel.countryCode } : {}),
          },
          geoCode: { latitude: hotel.latitude, longitude: hotel.longitude },
        })),
      };
    },
  );
};
