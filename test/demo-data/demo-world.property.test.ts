import { beforeAll, describe, expect, it } from 'vitest';
import { loadAirportDirectory } from '../../src/adapters/airports/openflights.js';
import { EU_SINGLE_MARKET, FIFTH_FREEDOM_ROUTES } from '../../src/core/demo-inventory/carriers.js';
import { baseFareCents, type FareInputs } from '../../src/core/demo-inventory/fare-model.js';
import {
  cityHotels,
  type DemoCity,
  hotelPriceLevel,
  hotelRoomNights,
} from '../../src/core/demo-inventory/hotels.js';
import { countryOf } from '../../src/core/demo-inventory/market-demand.js';
import { buildNetwork, type DemoNetwork } from '../../src/core/demo-inventory/network.js';
import { SeededRandom } from '../../src/core/demo-inventory/random.js';
import { DISTANCE_BANDS } from '../../src/core/demo-inventory/realism-report.js';
import { BUSIEST_ROUTES_2024 } from '../../src/core/demo-inventory/reference/busiest-routes.js';
import { buildServices, datedFlight, fliesOn } from '../../src/core/demo-inventory/schedule.js';
import { distanceKm } from '../../src/kernel/great-circle.js';
import { addDays } from '../../src/kernel/zoned-time.js';
import type { Airport } from '../../src/ports/airports.js';
import type { FlightRecord } from '../../src/ports/store.js';

/** The default world (300 airports), built once: every property below is of it. */
let network: DemoNetwork;
let flights: FlightRecord[];
const START = '2026-12-01';

beforeAll(async () => {
  const airports = await loadAirportDirectory();
  network = buildNetwork(airports.all(), 300);
  // A week of flights three weeks out, as sold on the start date: typical booking conditions.
  const services = buildServices(network.routes, new SeededRandom(1), network.passengers);
  const random = new SeededRandom(2);
  flights = [];
  for (let day = 21; day < 28; day++) {
    const date = addDays(START, day);
    for (const service of services)
      if (fliesOn(service, date)) flights.push(datedFlight(service, date, START, 2000, random));
  }
}, 60_000);

function carriersOn(a: string, b: string): string[] {
  const [x, y] = a < b ? [a, b] : [b, a];
  return network.markets.find((m) => m.a.iata === x && m.b.iata === y)?.carriers ?? [];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

describe('demo world: network', () => {
  it('flies every busiest route nonstop when both airports are in the network', () => {
    const inNetwork = new Set(network.airports.map((a) => a.iata));
    const listed = BUSIEST_ROUTES_2024.filter((r) => inNetwork.has(r.a) && inNetwork.has(r.b));
    expect(listed.length).toBeGreaterThanOrEqual(15);
    for (const route of listed)
      expect(carriersOn(route.a, route.b), `${route.a}-${route.b}`).not.toHaveLength(0);
  });

  it('puts several competing carriers on the top markets and the trunk routes', () => {
    const top = [...network.markets].sort((x, y) => y.demand - x.demand).slice(0, 20);
    for (const market of top)
      expect(market.carriers.length, `${market.a.iata}-${market.b.iata}`).toBeGreaterThanOrEqual(2);
    expect(carriersOn('JFK', 'LHR')).toEqual(expect.arrayContaining(['BA', 'AA', 'VS', 'DL']));
    const jfkLax = carriersOn('JFK', 'LAX');
    expect(jfkLax.length).toBeGreaterThanOrEqual(3);
    expect(jfkLax.every((c) => ['AA', 'DL', 'UA', 'B6', 'AS', 'WN', 'NK', 'F9'].includes(c))).toBe(true);
    expect(carriersOn('FRA', 'JFK').length).toBeGreaterThanOrEqual(2);
    expect(carriersOn('CTS', 'HND').length).toBeGreaterThanOrEqual(2);
  });

  it('has low-cost carriers on short-haul markets only', () => {
    const lowCost = network.routes.filter((r) => r.carrier.model === 'lcc');
    expect(lowCost.length).toBeGreaterThan(50);
    for (const route of lowCost) expect(route.distanceKm).toBeLessThanOrEqual(4_500);
  });

  it('connects each of the 50 busiest airports to every other with at most two stops', () => {
    const graph = new Map<string, Set<string>>();
    for (const { a, b } of network.routes) {
      graph.set(a.iata, (graph.get(a.iata) ?? new Set()).add(b.iata));
      graph.set(b.iata, (graph.get(b.iata) ?? new Set()).add(a.iata));
    }
    const largest = network.airports.slice(0, 50).map((a) => a.iata);
    for (const origin of largest) {
      let frontier = new Set([origin]);
      const seen = new Set([origin]);
      for (let legs = 0; legs < 3; legs++) {
        const next = new Set<string>();
        for (const code of frontier) for (const n of graph.get(code) ?? []) if (!seen.has(n)) next.add(n);
        for (const code of next) seen.add(code);
        frontier = next;
      }
      const unreachable = largest.filter((d) => !seen.has(d));
      expect(unreachable, `from ${origin}`).toEqual([]);
    }
  });

  it('respects traffic rights: a carrier flies from its home country, fifth freedoms are the listed ones', () => {
    const fifth = new Set(FIFTH_FREEDOM_ROUTES.map((r) => `${r.carrier}:${[r.a, r.b].sort().join('-')}`));
    for (const route of network.routes) {
      const home = new Set([route.carrier.country, ...(route.carrier.alsoHomeIn ?? [])]);
      const ends = [countryOf(route.a), countryOf(route.b)];
      const euCarrier = route.carrier.euLicence === true || EU_SINGLE_MARKET.has(route.carrier.country);
      const insideEu = euCarrier && ends.every((c) => EU_SINGLE_MARKET.has(c));
      const own = ends[0] === ends[1] ? home.has(ends[0] as string) : ends.some((c) => home.has(c));
      const tagOn = fifth.has(`${route.carrier.iata}:${route.a.iata}-${route.b.iata}`);
      expect(own || insideEu || tagOn, `${route.carrier.iata} ${route.a.iata}-${route.b.iata}`).toBe(true);
    }
  });
});

describe('demo world: fleets and schedules', () => {
  it('flies every leg with an aircraft whose range covers it', () => {
    for (const route of network.routes) {
      expect(
        route.aircraft.rangeKm,
        `${route.carrier.iata} ${route.a.iata}-${route.b.iata}`,
      ).toBeGreaterThanOrEqual(route.distanceKm);
    }
  });

  it('keeps turboprops and regional jets on short routes and wide-bodies off thin short ones', () => {
    for (const route of network.routes) {
      if (route.aircraft.category === 'turboprop') expect(route.distanceKm).toBeLessThanOrEqual(600);
      if (route.aircraft.category === 'regional') expect(route.distanceKm).toBeLessThanOrEqual(2_000);
    }
    const lhrCdg = network.routes.filter(
      (r) => r.carrier.iata === 'BA' && [r.a.iata, r.b.iata].sort().join() === 'CDG,LHR',
    );
    expect(lhrCdg).toHaveLength(1);
    expect(lhrCdg[0]?.aircraft.category).toBe('narrow');
  });

  it('fits seats per cabin to the aircraft type and frequency to demand', () => {
    const byCode = new Map(network.routes.map((r) => [r.aircraft.code, r.aircraft]));
    const lowCost = new Set(network.carriers.filter((c) => c.model === 'lcc').map((c) => c.iata));
    for (const flight of flights.slice(0, 2_000)) {
      const type = byCode.get(flight.aircraft);
      const seats = lowCost.has(flight.carrier) ? { economy: type?.lccSeats } : type?.seats;
      for (const cabin of flight.cabins) expect(cabin.capacity).toBe(seats?.[cabin.cabin]);
    }
    const weekly = (a: string, b: string): number =>
      network.routes
        .filter((r) => [r.a.iata, r.b.iata].sort().join('-') === [a, b].sort().join('-'))
        .reduce((sum, r) => sum + r.perDay * r.daysPerWeek, 0);
    // Trunk routes several times a day, thin ones on some days of the week.
    expect(weekly('DEN', 'LAS')).toBeGreaterThanOrEqual(35);
    expect(weekly('CTS', 'HND')).toBeGreaterThanOrEqual(35);
    expect(network.routes.some((r) => r.daysPerWeek < 7)).toBe(true);
  });

  it('banks a hub carrier’s departures in connecting waves', () => {
    const services = buildServices(network.routes, new SeededRandom(1), network.passengers);
    const banks = [7 * 60, 9 * 60 + 30, 12 * 60, 14 * 60 + 30, 17 * 60, 19 * 60 + 30];
    for (const [carrier, hub] of [
      ['DL', 'ATL'],
      ['LH', 'FRA'],
    ] as const) {
      const departures = services.filter((s) => s.carrier === carrier && s.origin.iata === hub);
      const inBank = departures.filter((s) =>
        banks.some((b) => s.departureMinute >= b && s.departureMinute <= b + 45),
      );
      expect(inBank.length / departures.length, `${carrier} at ${hub}`).toBeGreaterThan(0.8);
    }
  });

  it('gives block times from distance with taxi and climb allowances, longer westbound across the Atlantic', () => {
    const jfkLhr = flights.filter((f) => f.origin === 'JFK' && f.destination === 'LHR');
    const lhrJfk = flights.filter((f) => f.origin === 'LHR' && f.destination === 'JFK');
    const block = (f: FlightRecord): number => (f.arrivalUtc - f.departureUtc) / 60_000;
    for (const f of jfkLhr) expect(block(f)).toBeGreaterThanOrEqual(375);
    for (const f of lhrJfk) expect(block(f)).toBeGreaterThan(block(jfkLhr[0] as FlightRecord));
    for (const f of flights) expect(block(f)).toBeGreaterThan((f.distanceKm / 950) * 60 + 15);
  });
});

describe('demo world: fares', () => {
  const inputs: Omit<FareInputs, 'distanceKm' | 'cabin'> = {
    daysToDeparture: 21,
    loadFactor: 0.5,
    noise: 1,
    lowCostCarrier: false,
    competitors: 2,
    lowCostOnMarket: false,
  };

  it('grows with distance within every band, for every cabin', () => {
    for (const band of DISTANCE_BANDS) {
      for (const cabin of ['economy', 'premium_economy', 'business', 'first'] as const) {
        const to = Math.min(band.to, 16_000);
        let previous = 0;
        for (let km = Math.max(band.from, 150); km < to; km += 250) {
          const fare = baseFareCents({ ...inputs, distanceKm: km, cabin });
          expect(fare, `${cabin} ${km} km`).toBeGreaterThanOrEqual(previous);
          previous = fare;
        }
      }
    }
    // And in the generated flights: the longer half of each band is dearer than the shorter half.
    for (const band of DISTANCE_BANDS.slice(0, 5)) {
      const economy = flights
        .filter((f) => f.distanceKm >= band.from && f.distanceKm < band.to)
        .map((f) => ({ km: f.distanceKm, fare: f.cabins.find((c) => c.cabin === 'economy')?.fare ?? 0 }));
      const mid = median(economy.map((e) => e.km));
      const shorter = median(economy.filter((e) => e.km < mid).map((e) => e.fare));
      const longer = median(economy.filter((e) => e.km >= mid).map((e) => e.fare));
      expect(longer, band.label).toBeGreaterThan(shorter);
    }
  });

  it('orders cabins on every flight: first > business > premium economy > economy', () => {
    const rank = ['economy', 'premium_economy', 'business', 'first'];
    for (const flight of flights) {
      const fares = [...flight.cabins]
        .sort((x, y) => rank.indexOf(x.cabin) - rank.indexOf(y.cabin))
        .map((c) => c.fare);
      for (let i = 1; i < fares.length; i++) expect(fares[i]).toBeGreaterThan(fares[i - 1] as number);
    }
  });

  it('lands in the published ranges three weeks out (docs/adr/0012-demo-world.md)', () => {
    const byIata = new Map(network.airports.map((a) => [a.iata, a]));
    const country = (code: string): string => countryOf(byIata.get(code) as Airport);
    const fare = (f: FlightRecord, cabin: string): number =>
      (f.cabins.find((c) => c.cabin === cabin)?.fare ?? 0) / 100;
    const usDomestic = flights.filter(
      (f) => country(f.origin) === 'United States' && country(f.destination) === 'United States',
    );
    expect(median(usDomestic.map((f) => fare(f, 'economy')))).toBeGreaterThan(110);
    expect(median(usDomestic.map((f) => fare(f, 'economy')))).toBeLessThan(260);
    const transatlantic = flights.filter((f) => {
      const [o, d] = [byIata.get(f.origin) as Airport, byIata.get(f.destination) as Airport];
      return (
        Math.sign(o.longitude + 30) !== Math.sign(d.longitude + 30) &&
        o.latitude > 20 &&
        d.latitude > 20 &&
        f.distanceKm > 4_000
      );
    });
    expect(median(transatlantic.map((f) => fare(f, 'economy')))).toBeGreaterThan(300);
    expect(median(transatlantic.map((f) => fare(f, 'economy')))).toBeLessThan(600);
    const business = transatlantic.filter((f) => f.cabins.some((c) => c.cabin === 'business'));
    expect(median(business.map((f) => fare(f, 'business')))).toBeGreaterThan(1_300);
    expect(median(business.map((f) => fare(f, 'business')))).toBeLessThan(2_600);
    const lowCost = new Set(network.carriers.filter((c) => c.model === 'lcc').map((c) => c.iata));
    const europeLowCost = flights.filter(
      (f) =>
        lowCost.has(f.carrier) &&
        EU_SINGLE_MARKET.has(country(f.origin)) &&
        EU_SINGLE_MARKET.has(country(f.destination)),
    );
    expect(median(europeLowCost.map((f) => fare(f, 'economy')))).toBeGreaterThan(30);
    expect(median(europeLowCost.map((f) => fare(f, 'economy')))).toBeLessThan(90);
  });
});

describe('demo world: hotels', () => {
  const cityOf = (cityCode: string): DemoCity => {
    const anchor = network.airports.find((a) => a.cityCode === cityCode) as Airport;
    return { cityCode, name: anchor.city, anchor, passengers: network.passengers(anchor) };
  };

  it('places hotels around the real city centre, and the airport hotel at the airport', () => {
    const london = cityOf('LON');
    const hotels = cityHotels(london, new SeededRandom(3));
    const trafalgar = { latitude: 51.508, longitude: -0.128 };
    const inTown = hotels.filter((h) => !h.name.includes('Airport'));
    expect(inTown.length).toBeGreaterThan(3);
    for (const hotel of inTown) expect(distanceKm(hotel, trafalgar)).toBeLessThan(10);
    const airportHotel = hotels.find((h) => h.name.includes('Airport'));
    expect(airportHotel && distanceKm(airportHotel, london.anchor)).toBeLessThan(3);
  });

  it('prices by the city cost level and the stars', () => {
    const rate = (cityCode: string, stars: number): number => {
      const city = cityOf(cityCode);
      const hotel = { ...cityHotels(city, new SeededRandom(4))[0], stars } as ReturnType<
        typeof cityHotels
      >[number];
      return median(
        hotelRoomNights(hotel, hotelPriceLevel(city), START, 14, new SeededRandom(5)).map((n) => n.rate),
      );
    };
    expect(rate('NYC', 4)).toBeGreaterThan(rate('BKK', 4) * 2);
    expect(rate('PAR', 5)).toBeGreaterThan(rate('PAR', 3));
    expect(rate('NYC', 4) / 100).toBeGreaterThan(200);
    expect(rate('NYC', 4) / 100).toBeLessThan(600);
  });
});
