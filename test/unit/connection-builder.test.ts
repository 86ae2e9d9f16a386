import { describe, expect, it } from 'vitest';
import { buildConnections, type ConnectionRules } from '../../src/core/flights/connection-builder.js';
import type { FlightRecord } from '../../src/ports/store.js';

const T0 = Date.parse('2026-12-01T00:00:00Z');
const minutes = (m: number): number => T0 + m * 60_000;

function flight(
  id: string,
  origin: string,
  destination: string,
  dep: number,
  arr: number,
  seats = 9,
): FlightRecord {
  return {
    id,
    carrier: 'XX',
    flightNumber: 1,
    origin,
    destination,
    departureUtc: minutes(dep),
    arrivalUtc: minutes(arr),
    aircraft: '320',
    distanceKm: 1000,
    currency: 'USD',
    cabins: [{ cabin: 'economy', fare: 10000, taxes: 1000, seatsLeft: seats, capacity: 150 }],
  };
}

const rules: ConnectionRules = {
  minimumConnectionMinutes: () => 60,
  maxLayoverMinutes: 600,
  maxJourneyMinutes: 1000,
  usable: (f) => (f.cabins[0]?.seatsLeft ?? 0) > 0,
  limit: 100,
};

describe('connection building', () => {
  it('connects only flights leaving at least the minimum connection time after arrival', () => {
    const first = [flight('A1', 'AAA', 'BBB', 0, 120)];
    const second = [
      flight('B1', 'BBB', 'CCC', 150, 250),
      flight('B2', 'BBB', 'CCC', 180, 280),
      flight('B3', 'BBB', 'CCC', 300, 400),
    ];
    const ids = buildConnections([first, second], rules).map((c) => c.map((f) => f.id).join('+'));
    expect(ids).toEqual(['A1+B2', 'A1+B3']);
  });

  it('drops layovers over the cap and journeys over the journey cap', () => {
    const first = [flight('A1', 'AAA', 'BBB', 0, 100)];
    const second = [flight('B1', 'BBB', 'CCC', 800, 900), flight('B2', 'BBB', 'CCC', 500, 1100)];
    expect(buildConnections([first, second], rules)).toEqual([]);
  });

  it('skips sold-out flights and keeps time order across two stops', () => {
    const legs = [
      [flight('A1', 'AAA', 'BBB', 0, 60), flight('A2', 'AAA', 'BBB', 30, 90, 0)],
      [flight('B1', 'BBB', 'CCC', 130, 200)],
      [flight('C1', 'CCC', 'DDD', 270, 330), flight('C2', 'CCC', 'DDD', 240, 300)],
    ];
    const chains = buildConnections(legs, rules);
    expect(chains.map((c) => c.map((f) => f.id).join('+'))).toEqual(['A1+B1+C1']);
  });

  it('returns direct flights in departure order and respects the limit', () => {
    const direct = [flight('D2', 'AAA', 'BBB', 60, 160), flight('D1', 'AAA', 'BBB', 0, 100)];
    expect(buildConnections([direct], rules).map((c) => c[0]?.id)).toEqual(['D1', 'D2']);
    expect(buildConnections([direct], { ...rules, limit: 1 })).toHaveLength(1);
  });
});
