import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlightRecord } from '../../src/ports/store.js';
import { amadeusDiscoverySdk, type DiscoverySdk } from '../helpers/amadeus-discovery-sdk.js';
import { type AmadeusSdk, type SdkJson, sdkFailure } from '../helpers/amadeus-sdk.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

let tp: TestPlatform;
let sdk: AmadeusSdk & DiscoverySdk;

beforeAll(async () => {
  tp = await startTestPlatform({ airports: 40, days: 4 });
  const issued = await tp.platform.gateway.options.keys.issue({
    name: 'discovery app',
    plan: 'partner',
    overrides: { rateLimit: 100_000, burstLimit: 100_000, dailyQuota: 100_000_000 },
  });
  sdk = amadeusDiscoverySdk(tp.baseUrl, issued.record.id, issued.key);
  await tp.platform.store.putFlights(throughFlight(tp.date(2)));
});
afterAll(() => tp.close());

/** ZZ42 LHR → JFK → ORD: one flight number, two legs (an SSIM through flight). */
function throughFlight(date: string): FlightRecord[] {
  const leave = Date.parse(`${date}T10:00:00Z`);
  const leg = (
    n: number,
    origin: string,
    destination: string,
    departureUtc: number,
    minutes: number,
  ): FlightRecord => ({
    id: `${date}-ZZ42-${n}`,
    carrier: 'ZZ',
    flightNumber: 42,
    origin,
    destination,
    departureUtc,
    arrivalUtc: departureUtc + minutes * 60_000,
    aircraft: '77W',
    distanceKm: 5000,
    currency: 'USD',
    cabins: [{ cabin: 'economy', fare: 30_000, taxes: 5_000, seatsLeft: 10, capacity: 200 }],
    throughFlight: { id: `${date}-ZZ42`, legSequence: n },
  });
  return [leg(1, 'LHR', 'JFK', leave, 480), leg(2, 'JFK', 'ORD', leave + 600 * 60_000, 150)];
}

async function flightsOn(origin: string, destination: string, date: string): Promise<FlightRecord[]> {
  return tp.platform.store.findFlights({
    origin,
    destination,
    departFrom: Date.parse(`${date}T00:00:00Z`),
    departTo: Date.parse(`${date}T00:00:00Z`) + 86_400_000,
  });
}

describe('Airline Code Lookup through the official SDK', () => {
  it('answers the inventory’s airlines by code, and warns of unknown codes', async () => {
    const [airline] = await tp.platform.store.listAirlines();
    const response = await sdk.referenceData.airlines.get({ airlineCodes: `${airline?.iata},ZZ` });
    expect(response.data).toEqual([
      {
        type: 'airline',
        iataCode: airline?.iata,
        businessName: airline?.name.toUpperCase(),
        commonName: airline?.name.toUpperCase(),
      },
    ]);
    expect(response.result.meta.count).toBe(1);
    expect(response.result.warnings[0]).toMatchObject({ code: 1797, detail: expect.stringContaining('ZZ') });
    const all = await sdk.referenceData.airlines.get();
    expect(all.data).toHaveLength((await tp.platform.store.listAirlines()).length);
  });
});

describe('Airport Nearest Relevant through the official SDK', () => {
  it('answers airports with flights near a point, relevant first, with distance and scores, paged', async () => {
    const response = await sdk.referenceData.locations.airports.get({
      latitude: 51.47,
      longitude: -0.45,
      radius: 500,
      page: { limit: 2 },
    });
    expect(response.data[0]).toMatchObject({
      type: 'location',
      subType: 'AIRPORT',
      iataCode: 'LHR',
      address: { cityCode: 'LON', countryCode: 'GB' },
      distance: { unit: 'KM' },
    });
    expect(response.data[0].distance.value).toBeLessThan(5);
    expect(response.data).toHaveLength(2);
    const relevances = response.data.map((a: SdkJson) => a.relevance);
    expect(relevances).toEqual([...relevances].sort((a, b) => b - a));
    expect(response.result.meta.links.next).toContain('page%5Boffset%5D=2');
    const next = await sdk.next(response);
    expect(next?.data[0].iataCode).not.toBe('LHR');
    const byDistance = await sdk.referenceData.locations.airports.get({
      latitude: 51.47,
      longitude: -0.45,
      sort: 'distance',
    });
    const distances = byDistance.data.map((a: SdkJson) => a.distance.value);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(byDistance.data.every((a: SdkJson) => a.distance.value <= 500)).toBe(true);
  });

  it('refuses a latitude out of range, naming it', async () => {
    const failure = await sdkFailure(
      sdk.referenceData.locations.airports.get({ latitude: 91, longitude: 0 }),
    );
    expect(failure.response.statusCode).toBe(400);
    expect(failure.description[0]).toMatchObject({ code: 477, source: { parameter: 'latitude' } });
  });
});

describe('Airport Routes and Airline Routes through the official SDK', () => {
  it('lists the direct destinations of an airport, filtered by country and cut to max', async () => {
    const routes = (await tp.platform.store.listRoutes()).filter((r) => r.origin === 'LHR');
    const response = await sdk.airport.directDestinations.get({ departureAirportCode: 'LHR' });
    expect(new Set(response.data.map((d: SdkJson) => d.iataCode))).toEqual(
      new Set(routes.map((r) => r.destination)),
    );
    expect(response.data[0]).toMatchObject({
      type: 'location',
      subtype: 'airport',
      address: { countryCode: expect.stringMatching(/^[A-Z]{2}$/) },
      metrics: { relevance: 100 },
      timeZone: { offSet: expect.stringMatching(/^[+-]\d{2}:\d{2}$/) },
    });
    const us = await sdk.airport.directDestinations.get({
      departureAirportCode: 'LHR',
      arrivalCountryCode: 'US',
      max: 2,
    });
    expect(us.data.length).toBeGreaterThan(0);
    expect(us.data.length).toBeLessThanOrEqual(2);
    expect(us.data.every((d: SdkJson) => d.address.countryCode === 'US')).toBe(true);
  });

  it('lists where an airline flies', async () => {
    const [route] = await tp.platform.store.listRoutes();
    const carrier = route?.carriers[0] ?? '';
    const flown = new Set(
      (await tp.platform.store.listRoutes())
        .filter((r) => r.carriers.includes(carrier))
        .map((r) => r.destination),
    );
    const response = await sdk.airline.destinations.get({ airlineCode: carrier });
    expect(new Set(response.data.map((d: SdkJson) => d.iataCode))).toEqual(flown);
    expect(response.result.meta.count).toBe(flown.size);
  });

  it('refuses a missing departureAirportCode in Amadeus’s error shape', async () => {
    const failure = await sdkFailure(sdk.airport.directDestinations.get({ max: 2 }));
    expect(failure.code).toBe('ClientError');
    expect(failure.description[0].source).toEqual({ parameter: 'departureAirportCode' });
  });
});

describe('On-Demand Flight Status through the official SDK', () => {
  it('answers the scheduled times and aircraft of a flight, saying there is no live status', async () => {
    const [flight] = await flightsOn('LHR', 'JFK', tp.date(1));
    expect(flight).toBeDefined();
    const f = flight as FlightRecord;
    const date = f.id.slice(0, 10);
    const response = await sdk.schedule.flights.get({
      carrierCode: f.carrier,
      flightNumber: String(f.flightNumber),
      scheduledDepartureDate: date,
    });
    expect(response.result.meta).toMatchObject({
      count: 1,
      liveStatus: false,
      detail: expect.stringContaining('no live status'),
    });
    const dated = response.data[0];
    expect(dated).toMatchObject({
      type: 'DatedFlight',
      scheduledDepartureDate: date,
      flightDesignator: { carrierCode: f.carrier, flightNumber: f.flightNumber },
      legs: [
        {
          boardPointIataCode: 'LHR',
          offPointIataCode: 'JFK',
          aircraftEquipment: { aircraftType: f.aircraft },
        },
      ],
      segments: [{ boardPointIataCode: 'LHR', offPointIataCode: 'JFK' }],
    });
    const std = dated.flightPoints[0].departure.timings[0];
    expect(std.qualifier).toBe('STD');
    expect(Date.parse(std.value)).toBe(f.departureUtc);
    expect(Date.parse(dated.flightPoints[1].arrival.timings[0].value)).toBe(f.arrivalUtc);
    const none = await sdk.schedule.flights.get({
      carrierCode: f.carrier,
      flightNumber: '9999',
      scheduledDepartureDate: date,
    });
    expect(none.data).toEqual([]);
  });

  it('shows a through flight as one dated flight: three points, two legs, three segments', async () => {
    const response = await sdk.schedule.flights.get({
      carrierCode: 'ZZ',
      flightNumber: '42',
      scheduledDepartureDate: tp.date(2),
    });
    const dated = response.data[0];
    expect(dated.flightPoints.map((p: SdkJson) => p.iataCode)).toEqual(['LHR', 'JFK', 'ORD']);
    expect(dated.flightPoints[1].arrival.timings[0].qualifier).toBe('STA');
    expect(dated.flightPoints[1].departure.timings[0].qualifier).toBe('STD');
    expect(dated.legs.map((l: SdkJson) => `${l.boardPointIataCode}-${l.offPointIataCode}`)).toEqual([
      'LHR-JFK',
      'JFK-ORD',
    ]);
    expect(dated.segments.map((l: SdkJson) => `${l.boardPointIataCode}-${l.offPointIataCode}`)).toEqual([
      'LHR-JFK',
      'LHR-ORD',
      'JFK-ORD',
    ]);
    expect(dated.segments[1].scheduledSegmentDuration).toBe('PT12H30M');
  });

  it('refuses a malformed date, naming it', async () => {
    const failure = await sdkFailure(
      sdk.schedule.flights.get({ carrierCode: 'BA', flightNumber: '1', scheduledDepartureDate: '2026-13' }),
    );
    expect(failure.description[0].source).toEqual({ parameter: 'scheduledDepartureDate' });
  });
});

describe('Flight Availabilities Search through the official SDK', () => {
  const body = (date: string, extra: Record<string, unknown> = {}) => ({
    originDestinations: [
      {
        id: '1',
        originLocationCode: 'LHR',
        destinationLocationCode: 'JFK',
        departureDateTime: { date, time: '10:00:00' },
      },
    ],
    travelers: [
      { id: '1', travelerType: 'ADULT' },
      { id: '2', travelerType: 'HELD_INFANT', associatedAdultId: '1' },
    ],
    sources: ['GDS'],
    ...extra,
  });

  it('answers seats per booking class of every cabin on each flight, from the inventory', async () => {
    const response = await sdk.shopping.availability.flightAvailabilities.post(
      JSON.stringify(body(tp.date(1))),
    );
    expect(response.statusCode).toBe(200);
    expect(response.data.length).toBeGreaterThan(0);
    const direct = response.data.find((a: SdkJson) => a.segments.length === 1);
    expect(direct).toMatchObject({ type: 'flight-availability', originDestinationId: '1', source: 'GDS' });
    const segment = direct.segments[0];
    const [flight] = await tp.platform.store.getFlights([
      `${segment.departure.at.slice(0, 10)}-${segment.carrierCode}${segment.number}`,
    ]);
    expect(flight).toBeDefined();
    expect(segment.availabilityClasses).toEqual(
      (flight as FlightRecord).cabins.map((c) => ({
        numberOfBookableSeats: Math.min(9, c.seatsLeft),
        class: { economy: 'Y', premium_economy: 'W', business: 'J', first: 'F' }[c.cabin],
        ...(c.seatsLeft === 0 ? { closedStatus: 'WAITLIST_CLOSED' } : {}),
      })),
    );
    expect(response.result.dictionaries.carriers[segment.carrierCode]).toBeTruthy();
  });

  it('keeps only the booking class asked and direct flights when no connection is allowed', async () => {
    const response = await sdk.shopping.availability.flightAvailabilities.post(
      JSON.stringify(
        body(tp.date(1), {
          searchCriteria: {
            class: 'J',
            flightFilters: { connectionRestriction: { maxNumberOfConnections: 0 } },
          },
        }),
      ),
    );
    expect(response.data.length).toBeGreaterThan(0);
    for (const availability of response.data as SdkJson[]) {
      expect(availability.segments).toHaveLength(1);
      expect(availability.segments[0].availabilityClasses.every((c: SdkJson) => c.class === 'J')).toBe(true);
    }
  });

  it('refuses a body without travelers, pointing at it', async () => {
    const { travelers: _none, ...rest } = body(tp.date(1));
    const failure = await sdkFailure(
      sdk.shopping.availability.flightAvailabilities.post(JSON.stringify(rest)),
    );
    expect(failure.response.statusCode).toBe(400);
    expect(failure.description[0].source.pointer).toContain('travelers');
  });
});
