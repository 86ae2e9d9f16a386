import { Type } from '@sinclair/typebox';
import { AmadeusDate, AmadeusIata, Links, open, openQuery, TravelerName, Warnings } from './schemas.js';

/*
 * Locations and hotels, after Amadeus's Airport & City Search v1, Hotel List v1, Hotel Search v3 and
 * Hotel Booking v2 specifications.
 */

export const AmadeusLocation = Type.Object(
  {
    type: Type.Literal('location'),
    subType: Type.Union([Type.Literal('AIRPORT'), Type.Literal('CITY')]),
    name: Type.String(),
    detailedName: Type.String(),
    id: Type.String(),
    self: Type.Object({ href: Type.String(), methods: Type.Array(Type.String()) }),
    timeZoneOffset: Type.String(),
    iataCode: Type.String(),
    geoCode: Type.Object({ latitude: Type.Number(), longitude: Type.Number() }),
    address: Type.Object({
      cityName: Type.String(),
      cityCode: Type.String(),
      countryName: Type.String(),
      countryCode: Type.Optional(Type.String({ description: 'ISO 3166-1 alpha-2' })),
    }),
  },
  { $id: 'AmadeusLocation' },
);

export const LocationsQuery = Type.Object(
  {
    keyword: Type.String({ minLength: 1, maxLength: 64 }),
    subType: Type.String({
      pattern: '^(AIRPORT|CITY)(,(AIRPORT|CITY))?$',
      description: 'AIRPORT, CITY or both, comma-separated',
    }),
    countryCode: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2' })),
    'page[limit]': Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
    'page[offset]': Type.Integer({ minimum: 0, maximum: 49, default: 0 }),
    view: Type.Union([Type.Literal('LIGHT'), Type.Literal('FULL')], { default: 'FULL' }),
    sort: Type.Optional(Type.Literal('analytics.travelers.score')),
  },
  openQuery,
);

export const LocationsResponse = Type.Object({
  meta: Type.Object({ count: Type.Integer(), links: Links }),
  data: Type.Array(Type.Ref('AmadeusLocation')),
});

export const LocationParams = Type.Object({
  locationId: Type.String({
    minLength: 2,
    maxLength: 16,
    description: 'A then an airport code, or C then a city code',
  }),
});

export const LocationResponse = Type.Object({
  meta: Type.Object({ links: Type.Object({ self: Type.String() }) }),
  data: Type.Ref('AmadeusLocation'),
});

export const HotelsByCityQuery = Type.Object(
  {
    cityCode: AmadeusIata,
    radius: Type.Optional(Type.Integer({ minimum: 1, maximum: 300 })),
    radiusUnit: Type.Union([Type.Literal('KM'), Type.Literal('MILE')], { default: 'KM' }),
    ratings: Type.Optional(
      Type.String({ pattern: '^[1-5](,[1-5]){0,3}$', description: 'Star ratings, comma-separated' }),
    ),
    hotelSource: Type.Union([Type.Literal('ALL'), Type.Literal('BEDBANK'), Type.Literal('DIRECTCHAIN')], {
      default: 'ALL',
    }),
    chainCodes: Type.Optional(
      Type.String({
        maxLength: 400,
        description: 'Not applied (no chains recorded); answered with a warning',
      }),
    ),
    amenities: Type.Optional(
      Type.String({
        maxLength: 800,
        description:
          'Amadeus amenity codes, comma list; SWIMMING_POOL, SPA, FITNESS_CENTER, PARKING, WIFI, AIRPORT_SHUTTLE, RESTAURANT and BAR or LOUNGE are recorded',
      }),
    ),
  },
  openQuery,
);

export const HotelsByCityResponse = Type.Object({
  warnings: Warnings,
  meta: Type.Object({ count: Type.Integer(), links: Links }),
  data: Type.Array(
    Type.Object({
      hotelId: Type.String(),
      name: Type.String(),
      iataCode: Type.String(),
      rating: Type.Integer(),
      geoCode: Type.Object({ latitude: Type.Number(), longitude: Type.Number() }),
      address: Type.Object({
        lines: Type.Array(Type.String()),
        cityName: Type.Optional(Type.String()),
        countryCode: Type.Optional(Type.String({ description: 'ISO 3166-1 alpha-2' })),
      }),
      distance: Type.Object({ value: Type.Number(), unit: Type.String() }),
      amenities: Type.Array(Type.String()),
    }),
  ),
});

export const HotelOffersQuery = Type.Object(
  {
    hotelIds: Type.String({
      minLength: 1,
      maxLength: 400,
      description: '1 to 20 hotel ids, comma-separated',
    }),
    adults: Type.Integer({ minimum: 1, maximum: 9, default: 1 }),
    checkInDate: Type.Optional(AmadeusDate),
    checkOutDate: Type.Optional(AmadeusDate),
    roomQuantity: Type.Integer({ minimum: 1, maximum: 9, default: 1 }),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    priceRange: Type.Optional(
      Type.String({ pattern: '^(\\d{1,9})?-?\\d{1,9}$', description: 'e.g. 200-300, -300 or 100' }),
    ),
    bestRateOnly: Type.Boolean({ default: true }),
    countryOfResidence: Type.Optional(
      Type.String({ pattern: '^[A-Za-z]{2}$', description: 'Accepted; rates do not depend on it' }),
    ),
    paymentPolicy: Type.Optional(
      Type.Union([Type.Literal('GUARANTEE'), Type.Literal('DEPOSIT'), Type.Literal('NONE')], {
        description: 'Every rate is guaranteed by card: DEPOSIT finds none',
      }),
    ),
    boardType: Type.Optional(
      Type.String({
        maxLength: 80,
        description: 'Not applied (no board basis recorded); answered with a warning',
      }),
    ),
    includeClosed: Type.Optional(Type.Boolean({ description: 'Not applied; answered with a warning' })),
    lang: Type.Optional(Type.String({ maxLength: 8, description: 'Descriptions are in English only' })),
  },
  openQuery,
);

export const AmadeusHotelOffers = Type.Object(
  {
    type: Type.Literal('hotel-offers'),
    hotel: Type.Object({
      type: Type.Literal('hotel'),
      hotelId: Type.String(),
      name: Type.String(),
      cityCode: Type.String(),
      latitude: Type.Number(),
      longitude: Type.Number(),
    }),
    available: Type.Boolean(),
    offers: Type.Array(
      Type.Object({
        id: Type.String(),
        checkInDate: Type.String(),
        checkOutDate: Type.String(),
        rateCode: Type.String(),
        room: Type.Object({
          type: Type.String(),
          typeEstimated: Type.Object({
            category: Type.Optional(Type.String()),
            beds: Type.Optional(Type.Integer()),
            bedType: Type.Optional(Type.String()),
          }),
          description: Type.Object({ text: Type.String(), lang: Type.String() }),
        }),
        guests: Type.Object({ adults: Type.Integer() }),
        price: Type.Object({
          currency: Type.String(),
          base: Type.String(),
          total: Type.String(),
          taxes: Type.Optional(
            Type.Array(Type.Object({ amount: Type.String(), code: Type.String(), included: Type.Boolean() })),
          ),
          variations: Type.Object({ average: Type.Object({ base: Type.String() }) }),
        }),
        policies: Type.Object({
          paymentType: Type.String(),
          cancellations: Type.Array(
            Type.Object({ type: Type.String(), amount: Type.String(), deadline: Type.String() }),
          ),
          refundable: Type.Object({ cancellationRefund: Type.String() }),
        }),
        self: Type.String(),
      }),
    ),
    self: Type.String(),
  },
  { $id: 'AmadeusHotelOffers' },
);

export const HotelOffersResponse = Type.Object({
  warnings: Warnings,
  data: Type.Array(Type.Ref('AmadeusHotelOffers')),
});
export const HotelOfferResponse = Type.Object({ warnings: Warnings, data: Type.Ref('AmadeusHotelOffers') });
export const HotelOfferParams = Type.Object({ offerId: Type.String({ minLength: 1, maxLength: 4096 }) });

const Guest = Type.Object(
  {
    tid: Type.Integer({ minimum: 1, maximum: 99 }),
    title: Type.Optional(Type.String()),
    firstName: TravelerName,
    lastName: TravelerName,
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
  },
  open,
);

const HotelOrderData = Type.Object(
  {
    type: Type.Optional(Type.Literal('hotel-order')),
    guests: Type.Array(Guest, { minItems: 1, maxItems: 9 }),
    travelAgent: Type.Optional(Type.Object({ contact: Type.Object({ email: Type.String() }, open) }, open)),
    roomAssociations: Type.Array(
      Type.Object(
        {
          guestReferences: Type.Array(Type.Object({ guestReference: Type.String() }, open), {
            minItems: 1,
            maxItems: 9,
          }),
          hotelOfferId: Type.String({ minLength: 1, maxLength: 4096 }),
        },
        open,
      ),
      { minItems: 1, maxItems: 1 },
    ),
    payment: Type.Optional(Type.Object({ method: Type.String() }, open)),
  },
  open,
);

export const HotelOrderBody = Type.Object({ data: HotelOrderData }, open);

export const HotelOrderResponse = Type.Object({
  data: Type.Object({
    type: Type.Literal('hotel-order'),
    id: Type.String(),
    hotelBookings: Type.Array(
      Type.Object({
        type: Type.Literal('hotel-booking'),
        id: Type.String(),
        bookingStatus: Type.String(),
        hotelProviderInformation: Type.Array(
          Type.Object({ hotelProviderCode: Type.String(), confirmationNumber: Type.String() }),
        ),
        roomAssociations: Type.Array(Type.Object({}, open)),
        hotelOffer: Type.Object({}, open),
        hotel: Type.Object({ hotelId: Type.String(), name: Type.String() }),
      }),
    ),
    guests: Type.Array(Type.Object({}, open)),
    associatedRecords: Type.Array(Type.Object({ reference: Type.String(), originSystemCode: Type.String() })),
  }),
});
