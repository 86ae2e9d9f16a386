import { beforeAll, describe, expect, it } from 'vitest';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import type { FiledFares } from '../../src/core/flights/filed-fares.js';
import { priceJourney } from '../../src/core/flights/flight-pricing.js';
import type { AirportDirectory } from '../../src/ports/airports.js';
import type { FareFiling } from '../../src/ports/fare-filings.js';
import type { FlightRecord } from '../../src/ports/store.js';

/*
 * Which fares a journey's shape takes (flight-pricing.ts journeyTerms): every market has a one-way
 * fare of 500.00 and a round-trip fare of 300.00, so a price tells which applied.
 */
const DAY = 86_400_000;
const START = Date.UTC(2030, 2, 11, 9);
const NOW = Date.UTC(2030, 2, 1, 8);
let airports: AirportDirectory;
beforeAll(async () => {
  airports = await loadAirportDirectory();
});

function flight(origin: string, destination: string, day: number): FlightRecord {
  const departureUtc = START + day * DAY;
  return {
    id: `XA-${origin}-${destination}-${day}`,
    carrier: 'XA',
    flightNumber: 1,
    origin,
    destination,
    departureUtc,
    arrivalUtc: departureUtc + 7 * 3_600_000,
    aircraft: '789',
    distanceKm: 5_500,
    currency: 'EUR',
    fareSource: 'filed',
    cabins: [{ cabin: 'economy', fare: 0, taxes: 0, seatsLeft: 100, capacity: 200 }],
  };
}

function filing(origin: string, destination: string, tripType: 'one_way' | 'round_trip'): FareFiling {
  return {
    carrier: 'XA',
    origin,
    destination,
    cabin: 'economy',
    fareBasis: tripType === 'one_way' ? 'YOW' : 'YRT',
    bookingClass: 'Y',
    amount: tripType === 'one_way' ? 50_000 : 30_000,
    currency: 'EUR',
    firstTravelDate: '2030-01-01',
    lastTravelDate: '2030-12-31',
    refundable: false,
    checkedBags: 1,
    tripType,
  };
}

function fares(markets: [string, string][]): FiledFares {
  const byMarket = new Map(
    markets.map(([o, d]) => [`XA|${o}|${d}`, [filing(o, d, 'one_way'), filing(o, d, 'round_trip')]]),
  );
  return { byMarket, routes: [], now: NOW, airports };
}

const MARKETS: [string, string][] = [
  ['LHR', 'JFK'],
  ['JFK', 'LHR'],
  ['JFK', 'LGW'],
  ['EWR', 'LHR'],
  ['JFK', 'CDG'],
  ['CDG', 'LHR'],
];
const request = { adults: 1, children: 0, infants: 0, cabin: 'economy' as const, currency: 'EUR' };
const total = (itineraries: FlightRecord[][]) =>
  priceJourney(itineraries, request, fares(MARKETS))?.price.total;

describe('the fares a journey’s shape takes', () => {
  it('prices one itinerary with one-way fares', () => {
    expect(total([[flight('LHR', 'JFK', 0)]])).toBe('500.00');
  });

  it('prices a round trip, to the airport or the city it began in, with round-trip fares', () => {
    expect(total([[flight('LHR', 'JFK', 0)], [flight('JFK', 'LHR', 4)]])).toBe('600.00');
    expect(total([[flight('LHR', 'JFK', 0)], [flight('JFK', 'LGW', 4)]])).toBe('600.00');
  });

  it('prices an open jaw back home (out to JFK, back from EWR) as half round trips', () => {
    expect(total([[flight('LHR', 'JFK', 0)], [flight('EWR', 'LHR', 4)]])).toBe('600.00');
  });

  it('prices an open jaw that does not come back, and a three-city journey, with one-way fares', () => {
    expect(total([[flight('LHR', 'JFK', 0)], [flight('JFK', 'CDG', 4)]])).toBe('1000.00');
    expect(total([[flight('LHR', 'JFK', 0)], [flight('JFK', 'CDG', 4)], [flight('CDG', 'LHR', 6)]])).toBe(
      '1500.00',
    );
  });
});
