/**
 * What the official Java SDK (amadeus-java 10.0.0) sends back of an offer it received: Gson reads the
 * JSON into the SDK's classes and writes them out again. Written from the classes' field lists
 * (com.amadeus.resources.FlightOfferSearch, FlightOrder.Traveler), in declaration order, with Gson's
 * rules: members the class does not declare are dropped; a primitive `boolean`/`int` the JSON lacks
 * is written as false/0; a missing String, boxed Boolean, object or array stays absent (Gson writes
 * no nulls); a String field given a number or boolean is written as its text.
 */

type JavaType = 'String' | 'boolean' | 'int' | 'Boolean' | JavaClass | readonly [JavaType];
interface JavaClass {
  readonly [jsonName: string]: JavaType;
}

const FlightStop: JavaClass = {
  iataCode: 'String',
  duration: 'String',
  arrivalAt: 'String',
  departureAt: 'String',
};
const Co2Emissions: JavaClass = { weight: 'int', weightUnit: 'String', cabin: 'String' };
const AirportInfo: JavaClass = { iataCode: 'String', terminal: 'String', at: 'String' };
const SearchSegment: JavaClass = {
  departure: AirportInfo,
  arrival: AirportInfo,
  carrierCode: 'String',
  number: 'String',
  aircraft: { code: 'String' },
  operating: { carrierCode: 'String' },
  duration: 'String',
  stops: [FlightStop],
  id: 'String',
  numberOfStops: 'int',
  blacklistedInEU: 'boolean',
  co2Emissions: [Co2Emissions],
};
const Fee: JavaClass = { amount: 'String', type: 'String' };
const Tax: JavaClass = { amount: 'String', code: 'String' };
const SearchPrice: JavaClass = {
  currency: 'String',
  total: 'String',
  base: 'String',
  fees: [Fee],
  grandTotal: 'String',
  taxes: [Tax],
  refundableTaxes: 'String',
  margin: 'String',
  billingCurrency: 'String',
  additionalServices: [{ amount: 'String', type: 'String' }],
};
const PricingOptions: JavaClass = {
  includedCheckedBagsOnly: 'boolean',
  fareType: ['String'],
  corporateCodes: ['String'],
  refundableFare: 'boolean',
  noRestrictionFare: 'boolean',
  noPenaltyFare: 'boolean',
};
const BaggageAllowance: JavaClass = { quantity: 'int', weight: 'int', weightUnit: 'String' };
const FareDetailsBySegment: JavaClass = {
  segmentId: 'String',
  cabin: 'String',
  fareBasis: 'String',
  brandedFare: 'String',
  class: 'String', // segmentClass, @SerializedName("class")
  isAllotment: 'boolean',
  allotmentDetails: { tourName: 'String', tourReference: 'String' },
  sliceDiceIndicator: 'String',
  includedCheckedBags: BaggageAllowance,
  additionalServices: {
    chargeableCheckedBags: BaggageAllowance,
    chargeableSeatNumber: 'String',
    otherServices: ['String'],
  },
  amenities: [{ code: 'String', description: 'String', isChargeable: 'Boolean', amenityType: 'String' }],
};
const TravelerPricing: JavaClass = {
  travelerId: 'String',
  fareOption: 'String',
  travelerType: 'String',
  associatedAdultId: 'String',
  price: SearchPrice,
  fareDetailsBySegment: [FareDetailsBySegment],
};
const FareRules: JavaClass = {
  currency: 'String',
  rules: [
    {
      category: 'String',
      circumstances: 'String',
      notApplicable: 'boolean',
      maxPenaltyAmount: 'String',
      descriptions: [{ descriptionType: 'String', text: 'String' }],
    },
  ],
};

/** com.amadeus.resources.FlightOfferSearch. */
export const FLIGHT_OFFER_SEARCH: JavaClass = {
  type: 'String',
  id: 'String',
  source: 'String',
  instantTicketingRequired: 'boolean',
  disablePricing: 'boolean',
  nonHomogeneous: 'boolean',
  oneWay: 'boolean',
  paymentCardRequired: 'boolean',
  lastTicketingDate: 'String',
  numberOfBookableSeats: 'int',
  itineraries: [{ duration: 'String', segments: [SearchSegment] }],
  price: SearchPrice,
  pricingOptions: PricingOptions,
  validatingAirlineCodes: ['String'],
  travelerPricings: [TravelerPricing],
  choiceProbability: 'String',
  fareRules: FareRules,
};

/** com.amadeus.resources.FlightOrder.Traveler (its Contact has phones only: no email address). */
export const FLIGHT_ORDER_TRAVELER: JavaClass = {
  id: 'String',
  dateOfBirth: 'String',
  gender: 'String',
  name: { firstName: 'String', lastName: 'String', middleName: 'String' },
  contact: { phones: [{ countryCallingCode: 'String', number: 'String', deviceType: 'String' }] },
  documents: [
    {
      documentType: 'String',
      number: 'String',
      issuanceCountry: 'String',
      nationality: 'String',
      holder: 'boolean',
    },
  ],
};

/** `json` read into `type` and written out again, as Gson does. */
export function gsonRoundTrip(json: unknown, type: JavaType): unknown {
  if (type === 'boolean') return typeof json === 'boolean' ? json : false;
  if (type === 'int')
    return typeof json === 'number'
      ? Math.trunc(json)
      : typeof json === 'string'
        ? Number.parseInt(json, 10)
        : 0;
  if (json === null || json === undefined) return undefined;
  if (type === 'Boolean') return typeof json === 'boolean' ? json : undefined;
  if (type === 'String') return typeof json === 'object' ? undefined : String(json);
  if (Array.isArray(type)) {
    if (!Array.isArray(json)) return undefined;
    return json.map((item) => gsonRoundTrip(item, type[0] as JavaType) ?? null);
  }
  if (typeof json !== 'object' || Array.isArray(json)) return undefined;
  const written: Record<string, unknown> = {};
  for (const [name, memberType] of Object.entries(type as JavaClass)) {
    const value = gsonRoundTrip((json as Record<string, unknown>)[name], memberType);
    if (value !== undefined) written[name] = value;
  }
  return written;
}
