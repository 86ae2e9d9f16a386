import { Type } from '@sinclair/typebox';
import { AmadeusCabin, AmadeusDate, AmadeusIata, Links, open, TravelerName } from './schemas.js';

/*
 * Flight offers, pricing and orders, after Amadeus's Flight Offers Search v2, Flight Offers Price v1
 * and Flight Create Orders v1 specifications.
 */

const CarrierList = Type.String({
  pattern: '^[A-Za-z0-9]{2}(,[A-Za-z0-9]{2}){0,98}$',
  description: 'Comma-separated IATA airline codes',
});
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
  stops: Type.Optional(
    Type.Array(
      Type.Object({
        iataCode: Type.String(),
        duration: Type.String(),
        arrivalAt: Type.String({ description: 'Local time without offset' }),
        departureAt: Type.String({ description: 'Local time without offset' }),
      }),
    ),
  ),
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
