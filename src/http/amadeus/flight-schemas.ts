import { Type } from '@sinclair/typebox';
import {
  AmadeusCabin,
  AmadeusDate,
  AmadeusIata,
  Links,
  open,
  openQuery,
  TravelerName,
  Warnings,
} from './schemas.js';

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

const TravelerPrice = Type.Object({
  currency: Type.String(),
  total: Type.String(),
  base: Type.String(),
  taxes: Type.Array(Type.Object({ amount: Type.String(), code: Type.String() })),
});

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
      refundableFare: Type.Optional(Type.Boolean()),
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
            brandedFareLabel: Type.Optional(Type.String()),
            class: Type.String(),
            includedCheckedBags: Type.Optional(Type.Object({ quantity: Type.Integer() })),
          }),
        ),
      }),
    ),
  },
  { $id: 'AmadeusFlightOffer', ...open, description: 'A flight offer in Amadeus shape' },
);

const Dictionaries = Type.Object({
  locations: Type.Record(
    Type.String(),
    Type.Object({ cityCode: Type.String(), countryCode: Type.Optional(Type.String()) }),
  ),
  aircraft: Type.Record(Type.String(), Type.String()),
  currencies: Type.Record(Type.String(), Type.String()),
  carriers: Type.Record(Type.String(), Type.String()),
});

export const FlightOffersResponse = Type.Object({
  warnings: Warnings,
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
  openQuery,
);

const AirportList = Type.Array(AmadeusIata, { maxItems: 3 });

const OriginDestination = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 8 }),
    originLocationCode: AmadeusIata,
    destinationLocationCode: AmadeusIata,
    departureDateTimeRange: Type.Object(
      {
        date: AmadeusDate,
        time: Type.Optional(Type.String({ pattern: '^\\d{2}:\\d{2}(:\\d{2})?$', description: 'Local time' })),
        dateWindow: Type.Optional(
          Type.String({ pattern: '^[MPI][1-3]D$', description: 'M/P/I (minus, plus, either side) 1–3 days' }),
        ),
        timeWindow: Type.Optional(
          Type.String({ pattern: '^([1-9]|1[0-2])H$', description: '1H to 12H either side' }),
        ),
      },
      open,
    ),
    includedConnectionPoints: Type.Optional(AirportList),
    excludedConnectionPoints: Type.Optional(AirportList),
  },
  open,
);

/** Amadeus's traveller types; YOUNG, STUDENT and SENIOR pay the adult fare (docs/amadeus.md). */
export const AmadeusTravelerType = Type.Union(
  [
    Type.Literal('ADULT'),
    Type.Literal('SENIOR'),
    Type.Literal('YOUNG'),
    Type.Literal('STUDENT'),
    Type.Literal('CHILD'),
    Type.Literal('HELD_INFANT'),
    Type.Literal('SEATED_INFANT'),
  ],
  { default: 'ADULT' },
);

export const FlightOffersSearchBody = Type.Object(
  {
    currencyCode: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    originDestinations: Type.Array(OriginDestination, { minItems: 1, maxItems: 6 }),
    travelers: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, maxLength: 8 }),
          travelerType: AmadeusTravelerType,
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
          maxPrice: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 999_999_999, description: 'Highest price per traveller' }),
          ),
          oneFlightOfferPerDay: Type.Optional(Type.Boolean()),
          flightFilters: Type.Optional(
            Type.Object(
              {
                maxFlightTime: Type.Optional(
                  Type.Integer({
                    minimum: 1,
                    maximum: 1000,
                    description: 'Percent of the shortest flight time',
                  }),
                ),
                cabinRestrictions: Type.Optional(
                  Type.Array(
                    Type.Object(
                      {
                        cabin: AmadeusCabin,
                        coverage: Type.Optional(Type.String()),
                        originDestinationIds: Type.Optional(Type.Array(Type.String(), { maxItems: 6 })),
                      },
                      open,
                    ),
                    { maxItems: 6 },
                  ),
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
                  Type.Object(
                    {
                      maxNumberOfConnections: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 })),
                      nonStopPreferred: Type.Optional(Type.Boolean()),
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
  warnings: Warnings,
  data: Type.Object({
    type: Type.Literal('flight-offers-pricing'),
    flightOffers: Type.Array(Type.Ref('AmadeusFlightOffer')),
    bookingRequirements: Type.Object({}, open),
  }),
  included: Type.Optional(
    Type.Object(
      {},
      {
        ...open,
        description:
          'The sections `include` asked for: bags, detailed-fare-rules, credit-card-fees (docs/amadeus.md)',
      },
    ),
  ),
  dictionaries: Dictionaries,
});

export const PricingQuery = Type.Object(
  {
    include: Type.Optional(
      Type.String({
        maxLength: 100,
        description:
          'credit-card-fees, bags, detailed-fare-rules (answered in `included`), other-services (a warning); comma list or repeated',
      }),
    ),
    forceClass: Type.Optional(Type.Boolean()),
  },
  openQuery,
);

const ContactDetails = {
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
};

/** One entry of an order's `contacts` (who the agency or traveller reaches about the order). */
export const OrderContact = Type.Object(
  {
    ...ContactDetails,
    addresseeName: Type.Optional(Type.Object({}, open)),
    companyName: Type.Optional(Type.String({ maxLength: 100 })),
    purpose: Type.Optional(Type.String({ maxLength: 40 })),
    address: Type.Optional(Type.Object({}, open)),
  },
  open,
);

export const FlightOrderTraveler = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 8 }),
    dateOfBirth: AmadeusDate,
    name: Type.Object({ firstName: TravelerName, lastName: TravelerName }, open),
    gender: Type.Optional(Type.String()),
    contact: Type.Optional(Type.Object(ContactDetails, open)),
    documents: Type.Optional(
      Type.Array(
        Type.Object(
          {
            documentType: Type.Optional(Type.String({ maxLength: 40 })),
            number: Type.Optional(Type.String({ maxLength: 40 })),
            expiryDate: Type.Optional(AmadeusDate),
            issuanceCountry: Type.Optional(Type.String({ maxLength: 3 })),
            nationality: Type.Optional(Type.String({ maxLength: 3 })),
            holder: Type.Optional(Type.Boolean()),
          },
          open,
        ),
        { maxItems: 3 },
      ),
    ),
  },
  open,
);

export const FlightOrderData = Type.Object(
  {
    type: Type.Optional(Type.Literal('flight-order')),
    flightOffers: Type.Array(Type.Object({ id: Type.String({ maxLength: 4096 }) }, open), {
      minItems: 1,
      maxItems: 1,
    }),
    travelers: Type.Array(FlightOrderTraveler, { minItems: 1, maxItems: 18 }),
    contacts: Type.Optional(Type.Array(OrderContact, { maxItems: 9 })),
    remarks: Type.Optional(
      Type.Object({}, { ...open, description: 'Kept with the order and returned as given' }),
    ),
    ticketingAgreement: Type.Optional(
      Type.Object({}, { ...open, description: 'Kept with the order and returned as given' }),
    ),
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
