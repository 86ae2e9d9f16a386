import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { invalidField, withFieldNames } from '../../core/errors.js';
import type { FlightOfferView } from '../../core/flights/flight-offer-view.js';
import type { MultiCityQuery } from '../../core/flights/multi-city-search.js';
import type { TravelerType } from '../../core/pricing/passenger-pricing.js';
import type { FlightSearchQuery } from '../../core/search/request-rules.js';
import { addDays } from '../../kernel/zoned-time.js';
import type { Cabin } from '../../ports/store.js';
import type { ApiServices } from '../services.js';
import { AMADEUS_TAG, baseUrl } from './context.js';
import {
  AMADEUS_TRAVELER_TYPE,
  flightDictionaries,
  numberedTravelers,
  type TravelerRef,
  toAmadeusFlightOffer,
} from './flight-offer-mapper.js';
import {
  FlightOffersQuery,
  FlightOffersResponse,
  FlightOffersSearchBody,
  PricingBody,
  PricingQuery,
  PricingResponse,
} from './flight-schemas.js';
import {
  applyCriteria,
  judgesWholeOffers,
  legCriteria,
  NO_CRITERIA,
  type OfferCriteria,
  timeWindow,
} from './offer-filters.js';
import { verifyFlightOffer } from './offer-verification.js';
import { pricingIncluded } from './pricing-included.js';
import { listParameter } from './query-lists.js';
import { amadeusBody, amadeusErrorResponses } from './schemas.js';
import { type AmadeusWarning, notAppliedWarning, priceChangedWarning, withWarnings } from './warnings.js';

const OUR_CABIN: Readonly<Record<string, Cabin>> = {
  ECONOMY: 'economy',
  PREMIUM_ECONOMY: 'premium_economy',
  BUSINESS: 'business',
  FIRST: 'first',
};

/** How each Amadeus traveller type is priced (docs/amadeus.md): the fares the inventory sells. */
const TRAVELER_TYPE: Readonly<Record<string, TravelerType>> = {
  ADULT: 'adult',
  SENIOR: 'adult',
  YOUNG: 'adult',
  STUDENT: 'adult',
  CHILD: 'child',
  // An infant in a seat of its own takes a seat and pays the child fare (core: fareTypeOf).
  SEATED_INFANT: 'child',
  HELD_INFANT: 'infant',
};

const GET_FIELDS = {
  'query.origin': 'originLocationCode',
  'query.destination': 'destinationLocationCode',
  'query.currency': 'currencyCode',
  'query.carriers': 'includedAirlineCodes',
};

const POST_FIELDS = {
  'query.origin': '/originDestinations/0/originLocationCode',
  'query.destination': '/originDestinations/0/destinationLocationCode',
  'query.departureDate': '/originDestinations/0/departureDateTimeRange/date',
  'query.returnDate': '/originDestinations/1/departureDateTimeRange/date',
  'query.currency': '/currencyCode',
  'query.adults': '/travelers',
  'query.children': '/travelers',
  'query.infants': '/travelers',
  'query.carriers': '/searchCriteria/flightFilters/carrierRestrictions/includedCarrierCodes',
};

const SEARCH_ERRORS = amadeusErrorResponses(400, 401, 429, 500);

/** Offers fetched per core search: the most Amadeus returns, so filters never leave a page short. */
const OFFERS_PER_SEARCH = 250;

/** What one search asks of the core (one query per date of a date window), and how to show its answer. */
interface MappedSearch {
  queries: FlightSearchQuery[];
  max: number;
  travelers: TravelerRef[];
  criteria: OfferCriteria;
  /** What the search could not apply as asked. */
  warnings?: AmadeusWarning[];
  /** A multi-city or open-jaw journey (then `queries` is empty): each leg searched, then combined. */
  journey?: MultiCityQuery;
}

function fromQuery(q: Static<typeof FlightOffersQuery>): MappedSearch {
  return {
    queries: [
      {
        origin: q.originLocationCode,
        destination: q.destinationLocationCode,
        departureDate: q.departureDate,
        returnDate: q.returnDate,
        adults: q.adults,
        children: q.children,
        infants: q.infants,
        cabin: OUR_CABIN[q.travelClass ?? 'ECONOMY'] ?? 'economy',
        maxStops: q.nonStop ? 0 : 2,
        sort: 'price',
        carriers: q.includedAirlineCodes,
        currency: q.currencyCode,
      },
    ],
    max: q.max,
    travelers: numberedTravelers(q),
    criteria: {
      ...NO_CRITERIA,
      excludedCarriers: new Set(listParameter(q.excludedAirlineCodes?.toUpperCase())),
      maxPricePerTraveler: q.maxPrice,
    },
  };
}

type OriginDestination = Static<typeof FlightOffersSearchBody>['originDestinations'][number];

/** The dates a departure range covers: its date, and the days its dateWindow adds (M before, P after, I both). */
function datesOf(range: OriginDestination['departureDateTimeRange']): string[] {
  const match = /^([MPI])([1-3])D$/.exec(range.dateWindow ?? '');
  if (!match) return [range.date];
  const days = Number(match[2]);
  const from = match[1] === 'P' ? 0 : -days;
  const to = match[1] === 'M' ? 0 : days;
  const dates: string[] = [];
  for (let offset = from; offset <= to; offset++) dates.push(addDays(range.date, offset));
  return dates;
}

const upperSet = (codes: readonly string[] | undefined) =>
  codes === undefined ? undefined : new Set(codes.map((code) => code.toUpperCase()));

/** True when the origin-destinations are a one-way trip or a round trip (back from where it went, to where it began). */
function isOneWayOrRoundTrip(legs: readonly OriginDestination[]): boolean {
  const [outbound, inbound, ...more] = legs;
  if (!outbound || more.length > 0) return false;
  if (!inbound) return true;
  const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
  return (
    same(inbound.originLocationCode, outbound.destinationLocationCode) &&
    same(inbound.destinationLocationCode, outbound.originLocationCode)
  );
}

function fromBody(body: Static<typeof FlightOffersSearchBody>): MappedSearch {
  const legs = body.originDestinations;
  const [outbound] = legs;
  if (!outbound) throw invalidField('body.originDestinations', 'at least one origin-destination is required');
  const travelers = body.travelers.map((t): TravelerRef => {
    const type = TRAVELER_TYPE[t.travelerType] ?? 'adult';
    return {
      id: t.id,
      type,
      ...(t.travelerType !== AMADEUS_TRAVELER_TYPE[type] ? { label: t.travelerType } : {}),
    };
  });
  const count = (type: TravelerType) => travelers.filter((t) => t.type === type).length;
  const criteria = body.searchCriteria;
  const filters = criteria?.flightFilters;
  const cabins = new Set(filters?.cabinRestrictions?.map((c) => c.cabin) ?? []);
  if (cabins.size > 1) {
    throw invalidField(
      'body.searchCriteria.flightFilters.cabinRestrictions',
      'one cabin for the whole journey is served (each itinerary is sold in one cabin)',
    );
  }
  const included = filters?.carrierRestrictions?.includedCarrierCodes;
  const partial = filters?.cabinRestrictions?.some(
    (restriction) =>
      restriction.originDestinationIds !== undefined &&
      legs.some((leg) => !restriction.originDestinationIds?.includes(leg.id)),
  );
  const warnings = partial
    ? [
        notAppliedWarning(
          'cabinRestrictions',
          'a cabin for some origin-destinations only: it applies to the whole journey (one cabin per itinerary pair is sold)',
        ),
      ]
    : [];
  const shared = {
    adults: count('adult'),
    children: count('child'),
    infants: count('infant'),
    cabin: OUR_CABIN[[...cabins][0] ?? 'ECONOMY'] ?? 'economy',
    maxStops: filters?.connectionRestriction?.maxNumberOfConnections ?? 2,
    carriers: included && included.length > 0 ? included.join(',') : undefined,
    currency: body.currencyCode,
  };
  const mapped = {
    max: criteria?.maxFlightOffers ?? 250,
    travelers,
    criteria: {
      excludedCarriers: upperSet(filters?.carrierRestrictions?.excludedCarrierCodes) ?? new Set<string>(),
      maxPricePerTraveler: criteria?.maxPrice,
      departureWindows: legs.map((leg) =>
        timeWindow(leg.departureDateTimeRange.time, leg.departureDateTimeRange.timeWindow),
      ),
      includedConnectionPoints: legs.map((leg) => upperSet(leg.includedConnectionPoints)),
      excludedConnectionPoints: legs.map((leg) => upperSet(leg.excludedConnectionPoints)),
      maxFlightTimePercent: filters?.maxFlightTime,
      nonStopPreferred: filters?.connectionRestriction?.nonStopPreferred === true,
      oneFlightOfferPerDay: criteria?.oneFlightOfferPerDay === true,
    },
    warnings,
  };
  if (!isOneWayOrRoundTrip(legs)) {
    return {
      ...mapped,
      queries: [],
      journey: {
        ...shared,
        legs: legs.map((leg) => ({
          origin: leg.originLocationCode,
          destination: leg.destinationLocationCode,
          departureDates: datesOf(leg.departureDateTimeRange),
        })),
      },
    };
  }
  const inbound = legs[1];
  const returnDates = inbound ? datesOf(inbound.departureDateTimeRange) : [undefined];
  const queries = datesOf(outbound.departureDateTimeRange).flatMap((departureDate) =>
    returnDates
      .filter((returnDate) => returnDate === undefined || returnDate >= departureDate)
      .map(
        (returnDate): FlightSearchQuery => ({
          ...shared,
          origin: outbound.originLocationCode,
          destination: outbound.destinationLocationCode,
          departureDate,
          returnDate,
          sort: 'price',
        }),
      ),
  );
  if (queries.length === 0) {
    throw invalidField(
      'body.originDestinations.1.departureDateTimeRange',
      'no return date is on or after a departure date',
    );
  }
  return { ...mapped, queries };
}

/** The members of Flight Offers Search a multi-city leg's field errors name (`query.legs.1.origin`). */
const LEG_FIELDS: Readonly<Record<string, string>> = {
  origin: 'originLocationCode',
  destination: 'destinationLocationCode',
  departureDate: 'departureDateTimeRange.date',
};

/** A multi-city search's field names, as the body names them. */
function journeyField(field: string): string {
  const leg = /^query\.legs\.(\d+)\.(\w+)$/.exec(field);
  if (leg) {
    const member = LEG_FIELDS[leg[2] ?? ''];
    if (member) return `body.originDestinations.${leg[1]}.${member}`;
    return (POST_FIELDS as Record<string, string>)[`query.${leg[2]}`] ?? field;
  }
  return field === 'query.legs' ? 'body.originDestinations' : field;
}

/** Flight offers search (GET and POST) and flight offers price, over the core's search and re-pricing. */
export const flightOfferRoutes: FastifyPluginAsyncTypebox<{ services: ApiServices }> = async (
  app,
  { services },
) => {
  async function search(request: FastifyRequest, mapped: MappedSearch) {
    // The core refuses a party without an adult (request-rules.ts), named query.adults → /travelers.
    const offers = applyCriteria(await offersFor(mapped), mapped.criteria).slice(0, mapped.max);
    return {
      ...withWarnings(mapped.warnings ?? []),
      meta: { count: offers.length, links: { self: `${baseUrl(request)}${request.url}` } },
      data: offers.map((offer) => toAmadeusFlightOffer(offer, mapped.travelers, services.offerSeal)),
      dictionaries: flightDictionaries(offers),
    };
  }

  /** Every offer the search finds, cheapest first, before the criteria the core does not take. */
  async function offersFor(mapped: MappedSearch): Promise<FlightOfferView[]> {
    const journey = mapped.journey;
    if (journey) {
      // Each leg's own criteria apply before legs are combined, so the combinations are all candidates;
      // only criteria on whole offers need more than the page's offers priced and rendered.
      const wanted = judgesWholeOffers(mapped.criteria) ? OFFERS_PER_SEARCH : mapped.max;
      return withFieldNames(journeyField, () =>
        services.journeys.search(journey, wanted, {
          legFilter: (offers, leg) => applyCriteria(offers, legCriteria(mapped.criteria, leg)),
        }),
      );
    }
    const pages = await Promise.all(
      mapped.queries.map((query) => services.flights.page(query, OFFERS_PER_SEARCH)),
    );
    // One date: already in price order. A date window: merged, then in price order again.
    return pages.length === 1
      ? (pages[0]?.data ?? [])
      : pages.flatMap((page) => page.data).sort((a, b) => Number(a.price.total) - Number(b.price.total));
  }

  app.get(
    '/v2/shopping/flight-offers',
    {
      config: { amadeusFields: GET_FIELDS },
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Flight offers search (Amadeus Flight Offers Search v2, GET)',
        description: 'One-way or round-trip offers from live inventory, in Amadeus shape.',
        querystring: FlightOffersQuery,
        response: { 200: amadeusBody(FlightOffersResponse, 'Flight offers'), ...SEARCH_ERRORS },
      },
    },
    async (request) => search(request, fromQuery(request.query)),
  );

  app.post(
    '/v2/shopping/flight-offers',
    {
      config: { amadeusFields: POST_FIELDS },
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Flight offers search (Amadeus Flight Offers Search v2, POST)',
        description:
          'The same search with travellers by id. X-HTTP-Method-Override is ignored: the request stays a POST.',
        body: FlightOffersSearchBody,
        response: { 200: amadeusBody(FlightOffersResponse, 'Flight offers'), ...SEARCH_ERRORS },
      },
    },
    async (request) => search(request, fromBody(request.body)),
  );

  app.post(
    '/v1/shopping/flight-offers/pricing',
    {
      schema: {
        tags: [AMADEUS_TAG],
        summary: 'Confirm the price of flight offers (Amadeus Flight Offers Price v1)',
        description:
          'Each offer must be sent back exactly as issued; it is then re-priced from live inventory. A changed offer is 400 INVALID DATA RECEIVED.',
        querystring: PricingQuery,
        body: PricingBody,
        response: { 200: amadeusBody(PricingResponse, 'Offers with their current price'), ...SEARCH_ERRORS },
      },
    },
    async (request, reply) => {
      const verified = [];
      for (const [index, sent] of request.body.data.flightOffers.entries()) {
        verified.push(
          await verifyFlightOffer(services, sent, `body.data.flightOffers.${index}`, {
            acceptPriceChange: true,
          }),
        );
      }
      const warnings = verified.flatMap((v, index) =>
        v.previousPrice
          ? [
              priceChangedWarning(
                v.previousPrice,
                v.offer.price,
                `/data/flightOffers/${index}/price/grandTotal`,
              ),
            ]
          : [],
      );
      const { included, warnings: notIncluded } = pricingIncluded(
        listParameter(request.query.include),
        verified,
      );
      warnings.push(...notIncluded);
      reply.header('cache-control', 'no-store');
      return {
        ...withWarnings(warnings),
        data: {
          type: 'flight-offers-pricing',
          flightOffers: verified.map((v) => v.offer),
          bookingRequirements: bookingRequirements(verified.flatMap((v) => v.travelers)),
        },
        ...(included ? { included } : {}),
        dictionaries: flightDictionaries(verified.map((v) => v.confirmed.offer)),
      };
    },
  );
};

/**
 * What a flight order must carry, as booking checks it: a contact email and phone (flight-order
 * routes) and each traveller's date of birth (the core's passenger rules).
 */
function bookingRequirements(travelers: readonly TravelerRef[]) {
  return {
    emailAddressRequired: true,
    mobilePhoneNumberRequired: true,
    travelerRequirements: [...new Map(travelers.map((t) => [t.id, t])).values()].map((t) => ({
      travelerId: t.id,
      dateOfBirthRequired: true,
    })),
  };
}
