import { type TSchema, Type } from '@sinclair/typebox';

/**
 * Request and response shapes of the Amadeus-compatible routes, after Amadeus's published OpenAPI
 * specifications. Bodies Amadeus clients send back are open (extra members allowed): apps return
 * whole objects they were given.
 */

const open = { additionalProperties: true } as const;

export const AmadeusDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
export const AmadeusIata = Type.String({
  pattern: '^[A-Za-z]{3}$',
  description: 'IATA airport or city code',
});
const CarrierList = Type.String({
  pattern: '^[A-Za-z0-9]{2}(,[A-Za-z0-9]{2}){0,98}$',
  description: 'Comma-separated IATA airline codes',
});
export const AmadeusCabin = Type.Union(
  [Type.Literal('ECONOMY'), Type.Literal('PREMIUM_ECONOMY'), Type.Literal('BUSINESS'), Type.Literal('FIRST')],
  { description: 'Cabin (travelClass)' },
);

export const AmadeusErrorSchema = Type.Object(
  {
    errors: Type.Array(
      Type.Object({
        status: Type.Integer(),
        code: Type.Integer(),
        title: Type.String(),
        detail: Type.String(),
        source: Type.Optional(
          Type.Object({
            parameter: Type.Optional(Type.String()),
            pointer: Type.Optional(Type.String()),
            example: Type.Optional(Type.String()),
          }),
        ),
      }),
    ),
  },
  { $id: 'AmadeusError', description: 'Error body of the Amadeus-compatible routes' },
);

/** Error responses of a compatibility route, in Amadeus's shape and media type. */
export function amadeusErrorResponses(
  ...statuses: number[]
): Record<number, { description: string; content: Record<string, { schema: TSchema }> }> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: `Amadeus error (${status})`,
        content: { 'application/vnd.amadeus+json': { schema: Type.Ref('AmadeusError') } },
      },
    ]),
  );
}

/** A 2xx response of a compatibility route, in Amadeus's media type. */
export function amadeusBody(
  schema: TSchema,
  description: string,
  mediaType = 'application/vnd.amadeus+json',
): { description: string; content: Record<string, { schema: TSchema }> } {
  return { description, content: { [mediaType]: { schema } } };
}

const Endpoint = Type.Object({
  iataCode: Type.String(),
  terminal: Type.Optional(Type.String()),
  at: Type.String({ description: 'Local time without offset, e.g. 2026-12-17T08:00:00' }),
});

const Segment = Type.Object({
  departure: Endpoint,
  arrival: Endpoint,
  carrierCode: Type.String(),
  number: Type.String(),
  aircraft: Type.Object({ code: Type.String() }),
  operating: Type.Object({ carrierCode: Type.String() }),
  duration: Type.String({ description: 'ISO 8601 duration' }),
  id: Type.String(),
  numberOfStops: Type.Integer(),
  blacklistedInEU: Type.Boolean(),
});

const TravelerPrice = Type.Object({ currency: Type.String(), total: Type.String(), base: Type.String() });

export const AmadeusFlightOffer = Type.Object(
  {
    type: Type.Literal('flight-offer'),
    id: Type.String({ description: 'Offer id; the offer must be sent back unchanged to price or book it' }),
    source: Type.String(),
    instantTicketingRequired: Type.Boolean(),
    nonHomogeneous: Type.Boolean(),
    oneWay: Type.Boolean(),
    lastTicketingDate: Type.String(),
    numberOfBookableSeats: Type.Integer({ maximum: 9 }),
    itineraries: Type.Array(Type.Object({ duration: Type.String(), segments: Type.Array(Segment) })),
    price: Type.Object({
      currency: Type.String(),
      total: Type.String(),
      base: Type.String(),
      fees: Type.Array(Type.Object({ amount: Type.String(), type: Type.String() })),
      grandTotal: Type.String(),
    }),
    pricingOptions: Type.Object({
      fareType: Type.Array(Type.String()),
      includedCheckedBagsOnly: Type.Boolean(),
    }),
    validatingAirlineCodes: Type.Array(Type.String()),
    travelerPricings: Type.Array(
      Type.Object({
        travelerId: Type.String(),
        fareOption: Type.String(),
        travelerType: Type.String(),
        associatedAdultId: Type.Optional(Type.String()),
        price: TravelerPrice,
        fareDetailsBySegment: Type.Array(
          Type.Object({
            segmentId: Type.String(),
            cabin: Type.String(),
            fareBasis: Type.String(),
            class: Type.String(),
          }),
        ),
      }),
    ),
  },
  { $id: 'AmadeusFlightOffer', ...open, description: 'A flight offer in Amadeus shape' },
);

const Dictionaries = Type.Object({
  locations: Type.Record(Type.String(), Type.Object({ cityCode: Type.String() })),
  aircraft: Type.Record(Type.String(), Type.String()),
  currencies: Type.Record(Type.String(), Type.String()),
  carriers: Type.Record(Type.String(), Type.String()),
});

const Links = Type.Object({
  self: Type.String(),
  next: Type.Optional(Type.String()),
  previous: Type.Optional(Type.String()),
  first: Type.Optional(Type.String()),
  last: Type.Optional(Type.String()),
});

export const FlightOffersResponse = Type.Object({
  meta: Type.Object({ count: Type.Integer(), links: Links }),
  data: Type.Array(Type.Ref('AmadeusFlightOffer')),
  dictionaries: Dictionaries,
});

export const FlightOffersQuery = Type.Object(
  {
    originLocationCode: AmadeusIata,
    destinationLocationCode: AmadeusIata,
    departureDate: AmadeusDate,
    returnDate: Type.Optional(AmadeusDate),
    adults: Type.Integer({ minimum: 1, maximum: 9 }),
    children: Type.Integer({ minimum: 0, maximum: 8, default: 0 }),
    infants: Type.Integer({ minimum: 0, maximum: 9, default: 0 }),
    travelClass: Type.Optional(AmadeusCabin),
    includedAirlineCodes: Type.Optional(CarrierList),
    excludedAirlineCodes: Type.Optional(CarrierList),
    nonStop: Type.Boolean({ default: false }),
    currencyCode: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    maxPrice: Type.Optional(Type.Integer({ minimum: 1, maximum: 999_999_999 })),
    max: Type.Integer({ minimum: 1, maximum: 250, default: 250 }),
  },
  { additionalProperties: false },
);

const OriginDestination = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 8 }),
    originLocationCode: AmadeusIata,
    destinationLocationCode: AmadeusIata,
    departureDateTimeRange: Type.Object({ date: AmadeusDate, time: Type.Optional(Type.String()) }, open),
  },
  open,
);

export const FlightOffersSearchBody = Type.Object(
  {
    currencyCode: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    originDestinations: Type.Array(OriginDestination, { minItems: 1, maxItems: 2 }),
    travelers: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, maxLength: 8 }),
          travelerType: Type.Union(
            [
              Type.Literal('ADULT'),
              Type.Literal('SENIOR'),
              Type.Literal('CHILD'),
              Type.Literal('HELD_INFANT'),
            ],
            { default: 'ADULT' },
          ),
          associatedAdultId: Type.Optional(Type.String()),
        },
        open,
      ),
      { minItems: 1, maxItems: 18 },
    ),
    sources: Type.Optional(Type.Array(Type.String())),
    searchCriteria: Type.Optional(
      Type.Object(
        {
          maxFlightOffers: Type.Optional(Type.Integer({ minimum: 1, maximum: 250 })),
          flightFilters: Type.Optional(
            Type.Object(
              {
                cabinRestrictions: Type.Optional(
                  Type.Array(Type.Object({ cabin: AmadeusCabin }, open), { maxItems: 6 }),
                ),
                carrierRestrictions: Type.Optional(
                  Type.Object(
                    {
                      includedCarrierCodes: Type.Optional(
                        Type.Array(Type.String({ pattern: '^[A-Za-z0-9]{2}$' }), { maxItems: 99 }),
                      ),
                      excludedCarrierCodes: Type.Optional(
                        Type.Array(Type.String({ pattern: '^[A-Za-z0-9]{2}$' }), { maxItems: 99 }),
                      ),
                    },
                    open,
                  ),
                ),
                connectionRestriction: Type.Optional(
                  Type.Object({ maxNumberOfConnections: Type.Integer({ minimum: 0, maximum: 2 }) }, open),
                ),
              },
              open,
            ),
          ),
        },
        open,
      ),
    ),
  },
  open,
);

const OfferList = Type.Array(Type.Object({ id: Type.String({ maxLength: 4096 }) }, open), {
  minItems: 1,
  maxItems: 6,
});

export const PricingBody = Type.Object(
  {
    data: Type.Object(
      { type: Type.Optional(Type.Literal('flight-offers-pricing')), flightOffers: OfferList },
      open,
    ),
  },
  open,
);

export const PricingResponse = Type.Object({
  data: Type.Object({
    type: Type.Literal('flight-offers-pricing'),
    flightOffers: Type.Array(Type.Ref('AmadeusFlightOffer')),
  }),
  dictionaries: Dictionaries,
});

export const PricingQuery = Type.Object(
  {
    include: Type.Optional(Type.String({ maxLength: 100 })),
    forceClass: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const TravelerName = Type.String({ minLength: 1, maxLength: 60 });

export const FlightOrderTraveler = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 8 }),
    dateOfBirth: AmadeusDate,
    name: Type.Object({ firstName: TravelerName, lastName: TravelerName }, open),
    gender: Type.Optional(Type.String()),
    contact: Type.Optional(
      Type.Object(
        {
          emailAddress: Type.Optional(Type.String({ maxLength: 254 })),
          phones: Type.Optional(
            Type.Array(
              Type.Object(
                {
                  deviceType: Type.Optional(Type.String()),
                  countryCallingCode: Type.Optional(Type.String({ pattern: '^\\d{1,4}$' })),
                  number: Type.String({ pattern: '^\\d{4,15}$' }),
                },
                open,
              ),
              { maxItems: 3 },
            ),
          ),
        },
        open,
      ),
    ),
  },
  open,
);

const FlightOrderData = Type.Object(
  {
    type: Type.Optional(Type.Literal('flight-order')),
    flightOffers: Type.Array(Type.Object({ id: Type.String({ maxLength: 4096 }) }, open), {
      minItems: 1,
      maxItems: 1,
    }),
    travelers: Type.Array(FlightOrderTraveler, { minItems: 1, maxItems: 18 }),
  },
  open,
);

export const FlightOrderBody = Type.Union([Type.Object({ data: FlightOrderData }, open), FlightOrderData]);

export const FlightOrderSchema = Type.Object(
  {
    type: Type.Literal('flight-order'),
    id: Type.String(),
    associatedRecords: Type.Array(
      Type.Object({
        reference: Type.String(),
        creationDate: Type.String(),
        originSystemCode: Type.String(),
        flightOfferId: Type.String(),
      }),
    ),
    flightOffers: Type.Array(Type.Ref('AmadeusFlightOffer')),
    travelers: Type.Array(Type.Object({}, open)),
  },
  { $id: 'AmadeusFlightOrder', ...open },
);

export const FlightOrderResponse = Type.Object({ data: Type.Ref('AmadeusFlightOrder') });

export const OrderParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

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
    'page[limit]': Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
    'page[offset]': Type.Integer({ minimum: 0, maximum: 49, default: 0 }),
    view: Type.Union([Type.Literal('LIGHT'), Type.Literal('FULL')], { default: 'FULL' }),
    sort: Type.Optional(Type.Literal('analytics.travelers.score')),
  },
  { additionalProperties: false },
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
  },
  { additionalProperties: false },
);

export const HotelsByCityResponse = Type.Object({
  meta: Type.Object({ count: Type.Integer(), links: Links }),
  data: Type.Array(
    Type.Object({
      hotelId: Type.String(),
      name: Type.String(),
      iataCode: Type.String(),
      rating: Type.Integer(),
      geoCode: Type.Object({ latitude: Type.Number(), longitude: Type.Number() }),
      address: Type.Object({ lines: Type.Array(Type.String()), cityName: Type.String() }),
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
  },
  { additionalProperties: false },
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
          description: Type.Object({ text: Type.String(), lang: Type.String() }),
        }),
        guests: Type.Object({ adults: Type.Integer() }),
        price: Type.Object({
          currency: Type.String(),
          base: Type.String(),
          total: Type.String(),
          variations: Type.Object({ average: Type.Object({ base: Type.String() }) }),
        }),
        policies: Type.Object({ paymentType: Type.String() }),
        self: Type.String(),
      }),
    ),
    self: Type.String(),
  },
  { $id: 'AmadeusHotelOffers' },
);

export const HotelOffersResponse = Type.Object({ data: Type.Array(Type.Ref('AmadeusHotelOffers')) });
export const HotelOfferResponse = Type.Object({ data: Type.Ref('AmadeusHotelOffers') });
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

export const TokenBody = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ maxLength: 64 })),
    client_id: Type.Optional(Type.String({ maxLength: 256 })),
    client_secret: Type.Optional(Type.String({ maxLength: 256 })),
  },
  open,
);

export const TokenResponse = Type.Object({
  type: Type.Literal('amadeusOAuth2Token'),
  username: Type.String(),
  application_name: Type.String(),
  client_id: Type.String(),
  token_type: Type.Literal('Bearer'),
  access_token: Type.String(),
  expires_in: Type.Integer(),
  state: Type.Literal('approved'),
  scope: Type.String(),
});

export const OAuthErrorSchema = Type.Object({
  error: Type.String(),
  error_description: Type.String(),
  code: Type.Integer(),
  title: Type.String(),
});
