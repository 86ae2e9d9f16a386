import { Type } from '@sinclair/typebox';
import { AmadeusCabin, AmadeusDate, AmadeusIata, Links, open, TravelerName } from '../schemas.js';

/*
 * Requests and answers of the discovery APIs, after Amadeus's published specifications (Flight
 * Inspiration Search v1, Flight Cheapest Date Search v1, Airline Code Lookup v1, Airport Nearest
 * Relevant v1, Airport Routes v1, Airline Routes v1, Flight Availabilities Search v1, Hotel List v1,
 * Hotel Name Autocomplete v1, Hotel Booking v1, On-Demand Flight Status v2). Every parameter of the
 * specification is declared; others are ignored, as Amadeus ignored them.
 */

const GeoCode = Type.Object({ latitude: Type.Number(), longitude: Type.Number() });
const Issue = Type.Object({
  status: Type.Optional(Type.Integer()),
  code: Type.Integer(),
  title: Type.String(),
  detail: Type.Optional(Type.String()),
});
const CountryCode = Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 country code' });
const DateOrRange = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}(,\\d{4}-\\d{2}-\\d{2})?$',
  description: 'A date, or an inclusive range "from,to" (YYYY-MM-DD)',
});

const fareQuery = {
  origin: AmadeusIata,
  departureDate: Type.Optional(DateOrRange),
  oneWay: Type.Boolean({ default: false }),
  duration: Type.Optional(
    Type.String({
      pattern: '^\\d{1,2}(,\\d{1,2})?$',
      description: 'Days, exact or a range "min,max" (1–15)',
    }),
  ),
  nonStop: Type.Boolean({ default: false }),
  maxPrice: Type.Optional(Type.Integer({ minimum: 0, description: 'Whole units of meta.currency' })),
};

export const FlightDestinationsQuery = Type.Object(
  {
    ...fareQuery,
    viewBy: Type.Optional(
      Type.Union([
        Type.Literal('COUNTRY'),
        Type.Literal('DATE'),
        Type.Literal('DESTINATION'),
        Type.Literal('DURATION'),
        Type.Literal('WEEK'),
      ]),
    ),
  },
  open,
);

export const FlightDatesQuery = Type.Object(
  {
    ...fareQuery,
    destination: AmadeusIata,
    viewBy: Type.Optional(Type.Union([Type.Literal('DATE'), Type.Literal('DURATION'), Type.Literal('WEEK')])),
  },
  open,
);

const fareAnswer = (type: string, linkName: string) =>
  Type.Object({
    data: Type.Array(
      Type.Object({
        type: Type.Literal(type),
        origin: Type.String(),
        destination: Type.String(),
        departureDate: Type.String(),
        returnDate: Type.Optional(Type.String()),
        price: Type.Object({ total: Type.String() }),
        links: Type.Object({ [linkName]: Type.String(), flightOffers: Type.String() }),
      }),
    ),
    dictionaries: Type.Object({
      currencies: Type.Record(Type.String(), Type.String()),
      locations: Type.Record(
        Type.String(),
        Type.Object({ subType: Type.String(), detailedName: Type.String() }),
      ),
    }),
    meta: Type.Object({
      currency: Type.String(),
      links: Type.Object({ self: Type.String() }),
      defaults: Type.Object({}, open),
      directFlightsOnly: Type.Literal(true, {
        description:
          'Always true: prices are of direct flights only (connecting itineraries are not aggregated; docs/amadeus.md)',
      }),
    }),
    warnings: Type.Optional(Type.Array(Issue)),
  });

export const FlightDestinationsResponse = fareAnswer('flight-destination', 'flightDates');
export const FlightDatesResponse = fareAnswer('flight-date', 'flightDestinations');

export const AirlinesQuery = Type.Object(
  {
    airlineCodes: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9]{2,3}(,[A-Za-z0-9]{2,3})*$',
        maxLength: 400,
        description: 'IATA airline codes, comma-separated; all airlines when absent',
      }),
    ),
  },
  open,
);

export const AirlinesResponse = Type.Object({
  meta: Type.Object({ count: Type.Integer(), links: Type.Object({ self: Type.String() }) }),
  data: Type.Array(
    Type.Object({
      type: Type.Literal('airline'),
      iataCode: Type.String(),
      businessName: Type.String(),
      commonName: Type.String(),
    }),
  ),
  warnings: Type.Optional(Type.Array(Issue)),
});

export const NearestAirportsQuery = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    radius: Type.Integer({ minimum: 0, maximum: 500, default: 500, description: 'Kilometres' }),
    'page[limit]': Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
    'page[offset]': Type.Integer({ minimum: 0, default: 0 }),
    sort: Type.Union(
      [
        Type.Literal('relevance'),
        Type.Literal('distance'),
        Type.Literal('analytics.flights.score'),
        Type.Literal('analytics.travelers.score'),
      ],
      { default: 'relevance' },
    ),
  },
  open,
);

export const NearestAirportsResponse = Type.Object({
  meta: Type.Object({ count: Type.Integer(), links: Links }),
  data: Type.Array(
    Type.Object({
      type: Type.Literal('location'),
      subType: Type.Literal('AIRPORT'),
      name: Type.String(),
      detailedName: Type.String(),
      timeZoneOffset: Type.String(),
      iataCode: Type.String(),
      geoCode: GeoCode,
      address: Type.Object({
        cityName: Type.String(),
        cityCode: Type.String(),
        countryName: Type.String(),
        countryCode: Type.Optional(Type.String()),
      }),
      distance: Type.Object({ value: Type.Integer(), unit: Type.Literal('KM') }),
      analytics: Type.Object({
        flights: Type.Object({ score: Type.Integer() }),
        travelers: Type.Object({ score: Type.Integer() }),
      }),
      relevance: Type.Number(),
    }),
  ),
});

const routeFilters = {
  max: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Most destinations answered' })),
  arrivalCountryCode: Type.Optional(CountryCode),
};

export const DirectDestinationsQuery = Type.Object(
  { departureAirportCode: AmadeusIata, ...routeFilters },
  open,
);

export const AirlineDestinationsQuery = Type.Object(
  {
    airlineCode: Type.String({ pattern: '^[A-Za-z0-9]{2,3}$', description: 'IATA airline code' }),
    ...routeFilters,
  },
  open,
);

export const RouteDestinationsResponse = Type.Object({
  meta: Type.Object({ count: Type.Integer(), links: Type.Object({ self: Type.String() }) }),
  data: Type.Array(
    Type.Object({
      type: Type.Literal('location'),
      subtype: Type.Literal('airport'),
      name: Type.String(),
      iataCode: Type.String(),
      geoCode: GeoCode,
      address: Type.Object({
        cityName: Type.String(),
        countryName: Type.String(),
        countryCode: Type.Optional(Type.String()),
      }),
      timeZone: Type.Object({ offSet: Type.String(), referenceLocalDateTime: Type.String() }),
      metrics: Type.Object({ relevance: Type.Integer() }),
    }),
  ),
});

const AvailabilityOriginDestination = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 20 }),
    originLocationCode: AmadeusIata,
    destinationLocationCode: AmadeusIata,
    departureDateTime: Type.Object(
      {
        date: AmadeusDate,
        time: Type.Optional(Type.String({ pattern: '^\\d{2}:\\d{2}(:\\d{2})?$' })),
      },
      open,
    ),
  },
  open,
);

export const FlightAvailabilitiesBody = Type.Object(
  {
    originDestinations: Type.Array(AvailabilityOriginDestination, { minItems: 1, maxItems: 6 }),
    travelers: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, maxLength: 20 }),
          travelerType: Type.Union([
            Type.Literal('ADULT'),
            Type.Literal('CHILD'),
            Type.Literal('SENIOR'),
            Type.Literal('YOUNG'),
            Type.Literal('HELD_INFANT'),
            Type.Literal('SEATED_INFANT'),
            Type.Literal('STUDENT'),
          ]),
        },
        open,
      ),
      { minItems: 1, maxItems: 18 },
    ),
    sources: Type.Array(Type.String(), { minItems: 1 }),
    searchCriteria: Type.Optional(
      Type.Object(
        {
          includeClosedContent: Type.Optional(Type.Boolean()),
          class: Type.Optional(Type.String({ pattern: '^[A-Z]$' })),
          flightFilters: Type.Optional(
            Type.Object(
              {
                carrierRestrictions: Type.Optional(
                  Type.Object(
                    {
                      includedCarrierCodes: Type.Optional(
                        Type.Array(Type.String({ pattern: '^[A-Za-z0-9]{2}$' })),
                      ),
                      excludedCarrierCodes: Type.Optional(
                        Type.Array(Type.String({ pattern: '^[A-Za-z0-9]{2}$' })),
                      ),
                    },
                    open,
                  ),
                ),
                cabinRestrictions: Type.Optional(
                  Type.Array(Type.Object({ cabin: AmadeusCabin }, open), { minItems: 1, maxItems: 6 }),
                ),
                connectionRestriction: Type.Optional(
                  Type.Object(
                    { maxNumberOfConnections: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })) },
                    open,
                  ),
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

export const FlightAvailabilitiesResponse = Type.Object({
  meta: Type.Object({ count: Type.Integer() }),
  data: Type.Array(
    Type.Object(
      {
        type: Type.Literal('flight-availability'),
        id: Type.String(),
        originDestinationId: Type.String(),
        source: Type.Literal('GDS'),
        instantTicketingRequired: Type.Boolean(),
        paymentCardRequired: Type.Boolean(),
        duration: Type.String(),
        segments: Type.Array(
          Type.Object(
            {
              id: Type.String(),
              numberOfStops: Type.Integer(),
              blacklistedInEU: Type.Boolean(),
              departure: Type.Object({ iataCode: Type.String(), at: Type.String() }),
              arrival: Type.Object({ iataCode: Type.String(), at: Type.String() }),
              carrierCode: Type.String(),
              number: Type.String(),
              aircraft: Type.Object({ code: Type.String() }),
              operating: Type.Object({ carrierCode: Type.String() }),
              duration: Type.String(),
              availabilityClasses: Type.Array(
                Type.Object({
                  numberOfBookableSeats: Type.Integer(),
                  class: Type.String(),
                  closedStatus: Type.Optional(Type.String()),
                }),
              ),
            },
            open,
          ),
        ),
      },
      open,
    ),
  ),
  dictionaries: Type.Object({}, open),
});

const hotelFilters = {
  radius: Type.Integer({ minimum: 1, maximum: 300, default: 5 }),
  radiusUnit: Type.Union([Type.Literal('KM'), Type.Literal('MILE')], { default: 'KM' }),
  chainCodes: Type.Optional(
    Type.String({ maxLength: 400, description: 'Chain codes, comma-separated (we have no chains: ignored)' }),
  ),
  amenities: Type.Optional(Type.String({ maxLength: 400, description: 'Amenities, comma-separated' })),
  ratings: Type.Optional(
    Type.String({ pattern: '^[1-5](,[1-5]){0,3}$', description: 'Star ratings, comma-separated' }),
  ),
  hotelSource: Type.Union([Type.Literal('ALL'), Type.Literal('BEDBANK'), Type.Literal('DIRECTCHAIN')], {
    default: 'ALL',
  }),
};

export const HotelsByGeocodeQuery = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    ...hotelFilters,
  },
  open,
);

export const HotelsByIdsQuery = Type.Object(
  {
    hotelIds: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: '1 to 99 hotel ids, comma-separated',
    }),
  },
  open,
);

export const HotelListResponse = Type.Object({
  meta: Type.Object({ count: Type.Integer(), links: Type.Object({ self: Type.String() }) }),
  data: Type.Array(
    Type.Object(
      {
        hotelId: Type.String(),
        name: Type.String(),
        iataCode: Type.String(),
        rating: Type.Integer(),
        geoCode: GeoCode,
        address: Type.Object({ lines: Type.Array(Type.String()), cityName: Type.String() }, open),
        distance: Type.Optional(Type.Object({ value: Type.Number(), unit: Type.String() })),
        amenities: Type.Array(Type.String()),
      },
      open,
    ),
  ),
});

export const HotelNameQuery = Type.Object(
  {
    keyword: Type.String({ pattern: "^[A-Za-z0-9 *'-]{4,40}$", description: '4 to 40 characters' }),
    subType: Type.String({
      pattern: '^(HOTEL_LEISURE|HOTEL_GDS)(,(HOTEL_LEISURE|HOTEL_GDS))?$',
      description: 'HOTEL_LEISURE, HOTEL_GDS or both',
    }),
    countryCode: Type.Optional(CountryCode),
    lang: Type.String({ pattern: '^[A-Za-z]{2}$', default: 'EN' }),
    max: Type.Integer({ minimum: 1, maximum: 20, default: 20 }),
  },
  open,
);

export const HotelNameResponse = Type.Object({
  data: Type.Array(
    Type.Object({
      id: Type.Integer(),
      type: Type.Literal('location'),
      name: Type.String(),
      iataCode: Type.String(),
      subType: Type.String(),
      hotelIds: Type.Array(Type.String()),
      relevance: Type.Integer(),
      address: Type.Object({ cityName: Type.String(), countryCode: Type.Optional(Type.String()) }),
      geoCode: GeoCode,
    }),
  ),
});

const HotelGuest = Type.Object(
  {
    id: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
    name: Type.Object(
      { title: Type.Optional(Type.String()), firstName: TravelerName, lastName: TravelerName },
      open,
    ),
    contact: Type.Object(
      { phone: Type.String({ maxLength: 32 }), email: Type.String({ maxLength: 254 }) },
      open,
    ),
  },
  open,
);

export const HotelBookingBody = Type.Object(
  {
    data: Type.Object(
      {
        offerId: Type.String({ minLength: 1, maxLength: 4096 }),
        guests: Type.Array(HotelGuest, { minItems: 1, maxItems: 9 }),
        payments: Type.Optional(Type.Array(Type.Object({ method: Type.String() }, open), { maxItems: 9 })),
        rooms: Type.Optional(
          Type.Array(Type.Object({ guestIds: Type.Optional(Type.Array(Type.Integer())) }, open), {
            minItems: 1,
            maxItems: 9,
          }),
        ),
      },
      open,
    ),
  },
  open,
);

export const HotelBookingResponse = Type.Object({
  data: Type.Array(
    Type.Object({
      type: Type.Literal('hotel-booking'),
      id: Type.String(),
      providerConfirmationId: Type.String(),
      associatedRecords: Type.Array(
        Type.Object({ reference: Type.String(), originSystemCode: Type.String() }),
      ),
    }),
  ),
});

export const FlightStatusQuery = Type.Object(
  {
    carrierCode: Type.String({ pattern: '^[A-Za-z0-9]{2,3}$' }),
    flightNumber: Type.String({ pattern: '^\\d{1,4}$' }),
    scheduledDepartureDate: AmadeusDate,
    operationalSuffix: Type.Optional(Type.String({ pattern: '^[A-Za-z]$' })),
  },
  open,
);

const Timing = Type.Object({ qualifier: Type.String(), value: Type.String() });

export const FlightStatusResponse = Type.Object({
  meta: Type.Object({
    count: Type.Integer(),
    links: Type.Object({ self: Type.String() }),
    liveStatus: Type.Boolean({
      description: 'Always false: the answer is the schedule, not the flight as flown',
    }),
    detail: Type.String(),
  }),
  data: Type.Array(
    Type.Object({
      type: Type.Literal('DatedFlight'),
      scheduledDepartureDate: Type.String(),
      flightDesignator: Type.Object({ carrierCode: Type.String(), flightNumber: Type.Integer() }),
      flightPoints: Type.Array(
        Type.Object({
          iataCode: Type.String(),
          departure: Type.Optional(Type.Object({ timings: Type.Array(Timing) })),
          arrival: Type.Optional(Type.Object({ timings: Type.Array(Timing) })),
        }),
      ),
      segments: Type.Array(
        Type.Object({
          boardPointIataCode: Type.String(),
          offPointIataCode: Type.String(),
          scheduledSegmentDuration: Type.String(),
        }),
      ),
      legs: Type.Array(
        Type.Object({
          boardPointIataCode: Type.String(),
          offPointIataCode: Type.String(),
          aircraftEquipment: Type.Object({ aircraftType: Type.String() }),
          scheduledLegDuration: Type.String(),
        }),
      ),
    }),
  ),
});
