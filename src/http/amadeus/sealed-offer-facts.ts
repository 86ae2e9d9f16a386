/**
 * What the seal of an Amadeus flight offer covers: the facts a client must not change (ids, segments,
 * prices, seats, the fare of each segment), read in a form every official SDK's re-serialisation of
 * the offer leaves unchanged.
 *
 * The Java SDK (amadeus-java, Gson) deserialises offers into classes whose primitive members
 * (`boolean`, `int`) default to false / 0 when the server never sent them, and writes them back so;
 * it drops members its classes do not name and writes members in its own order. The Python and Node
 * SDKs pass dicts through. So the facts are a projection onto named members, where false, 0, null
 * and an empty object all count as absent: adding `pricingOptions.refundableFare: false` or
 * `isAllotment: false` changes nothing, changing a price, a time or a flight number does.
 */

/** A member's shape: a leaf value, an object of named members, or a list of one shape. */
type FactShape = true | { readonly [member: string]: FactShape } | readonly [FactShape];

const ENDPOINT: FactShape = { iataCode: true, terminal: true, at: true };
const MONEY = { currency: true, total: true, base: true, grandTotal: true } as const;
const TAXES: FactShape = [{ amount: true, code: true }];

/**
 * Members of FlightOfferSearch v2 that define what is sold and at what price. Not covered:
 * `pricingOptions` (they describe the search, not this fare), `instantTicketingRequired`,
 * `nonHomogeneous`, `oneWay`, `source`, `blacklistedInEU`: flags the client cannot change to its
 * advantage, which the server re-derives when it re-prices.
 */
const OFFER_FACTS: FactShape = {
  type: true,
  lastTicketingDate: true,
  numberOfBookableSeats: true,
  itineraries: [
    {
      duration: true,
      segments: [
        {
          departure: ENDPOINT,
          arrival: ENDPOINT,
          carrierCode: true,
          number: true,
          aircraft: { code: true },
          operating: { carrierCode: true },
          duration: true,
          id: true,
          numberOfStops: true,
        },
      ],
    },
  ],
  price: { ...MONEY, fees: [{ amount: true, type: true }], taxes: TAXES },
  validatingAirlineCodes: [true],
  travelerPricings: [
    {
      travelerId: true,
      travelerType: true,
      associatedAdultId: true,
      fareOption: true,
      price: { ...MONEY, taxes: TAXES },
      fareDetailsBySegment: [
        {
          segmentId: true,
          cabin: true,
          fareBasis: true,
          brandedFare: true,
          class: true,
          includedCheckedBags: { quantity: true, weight: true, weightUnit: true },
        },
      ],
    },
  ],
};

/** The sealed facts of an offer (as issued, or as a client sent it back). */
export function sealedOfferFacts(offer: unknown): unknown {
  return project(offer, OFFER_FACTS);
}

function project(value: unknown, shape: FactShape): unknown {
  if (value === null || value === undefined || value === false || value === 0) return undefined;
  if (shape === true) return value;
  if (Array.isArray(shape)) {
    // A list stays a list (positions matter); anything else is kept as sent, so it cannot match.
    if (!Array.isArray(value)) return value;
    return value.map((item) => project(item, shape[0] as FactShape) ?? null);
  }
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const facts: Record<string, unknown> = {};
  for (const [member, memberShape] of Object.entries(shape)) {
    const fact = project((value as Record<string, unknown>)[member], memberShape);
    if (fact !== undefined) facts[member] = fact;
  }
  return Object.keys(facts).length === 0 ? undefined : facts;
}
