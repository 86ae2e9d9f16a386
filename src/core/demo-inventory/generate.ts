import type { Airport } from '../../ports/airports.js';
import type { InventoryStore } from '../../ports/store.js';
import { addDays } from '../time/zoned-time.js';
import { cityHotels, type DemoCity, hotelRoomNights } from './hotels.js';
import { buildNetwork } from './network.js';
import { SeededRandom } from './random.js';
import { buildServices, datedFlight } from './schedule.js';
import { WritesInFlight } from './writes-in-flight.js';

export interface DemoInventoryOptions {
  /** Airports in the network (the largest, carrier hubs first). */
  airports: number;
  /** Days of schedules and hotel nights, from `startDate`. */
  days: number;
  seed: number;
  /** First date of the schedule, YYYY-MM-DD; also the date fares are computed as sold on. */
  startDate: string;
}

export interface DemoInventorySummary {
  airports: number;
  carriers: number;
  routes: number;
  flights: number;
  hotels: number;
  roomNights: number;
}

export type InventorySink = Pick<
  InventoryStore,
  'clearInventory' | 'putAirlines' | 'putFlights' | 'putHotels' | 'putRoomNights'
>;

/** Store writes the generator keeps in flight while it computes the next batch. */
const WRITES_IN_FLIGHT = 2;

export type ProgressListener = (phase: 'flights' | 'hotels', done: number, total: number) => void;

/**
 * Replaces the store's inventory with a synthetic one generated from `seed`: same options, same
 * data, byte for byte. Airports are real; schedules, fares, hotels and availability are not.
 */
export async function generateDemoInventory(
  allAirports: readonly Airport[],
  sink: InventorySink,
  options: DemoInventoryOptions,
  onProgress: ProgressListener = () => {},
): Promise<DemoInventorySummary> {
  const root = new SeededRandom(options.seed);
  const network = buildNetwork(allAirports, options.airports, root.fork('network'));
  const services = buildServices(network.routes, root.fork('services'));
  const feeRandom = root.fork('airport-fees');
  const airportFee = new Map(network.airports.map((a) => [a.iata, feeRandom.int(8, 45) * 100]));

  await sink.clearInventory();
  await sink.putAirlines(network.carriers.map(({ iata, name, country }) => ({ iata, name, country })));

  let flights = 0;
  let daysWritten = 0;
  const flightWrites = new WritesInFlight(WRITES_IN_FLIGHT);
  const flightRandom = root.fork('flights');
  for (let day = 0; day < options.days; day++) {
    const date = addDays(options.startDate, day);
    const batch = services
      .map((service) =>
        datedFlight(service, date, options.startDate, airportFee.get(service.origin.iata) ?? 0, flightRandom),
      )
      // Key order makes the store's B-tree inserts appends.
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    await flightWrites.add(async () => {
      await sink.putFlights(batch);
      flights += batch.length;
      onProgress('flights', ++daysWritten, options.days);
    });
  }
  await flightWrites.drain();

  const cities = demoCities(network.airports);
  const hotelRandom = root.fork('hotels');
  const priceLevelRandom = root.fork('price-levels');
  const countryPriceLevel = new Map<string, number>();
  let hotels = 0;
  let roomNights = 0;
  let citiesWritten = 0;
  const hotelWrites = new WritesInFlight(WRITES_IN_FLIGHT);
  for (const city of cities) {
    const country = city.anchor.country;
    if (!countryPriceLevel.has(country)) countryPriceLevel.set(country, priceLevelRandom.between(0.6, 1.7));
    const cityHotelList = cityHotels(city, hotelRandom);
    // One write per city rather than per hotel: a networked store pays a round trip (and a commit) per call.
    const cityNights = cityHotelList.flatMap((hotel) =>
      hotelRoomNights(
        hotel,
        countryPriceLevel.get(country) ?? 1,
        options.startDate,
        options.days,
        hotelRandom,
      ),
    );
    await hotelWrites.add(async () => {
      await sink.putHotels(cityHotelList);
      await sink.putRoomNights(cityNights);
      roomNights += cityNights.length;
      hotels += cityHotelList.length;
      onProgress('hotels', ++citiesWritten, cities.length);
    });
  }
  await hotelWrites.drain();

  return {
    airports: network.airports.length,
    carriers: network.carriers.length,
    routes: network.routes.length * 2,
    flights,
    hotels,
    roomNights,
  };
}

/** The cities of the network's airports, each anchored at its largest airport. */
function demoCities(airports: readonly Airport[]): DemoCity[] {
  const byCode = new Map<string, DemoCity>();
  for (const airport of airports) {
    const known = byCode.get(airport.cityCode);
    if (!known || known.anchor.size < airport.size) {
      byCode.set(airport.cityCode, { cityCode: airport.cityCode, name: airport.city, anchor: airport });
    }
  }
  return [...byCode.values()].sort((a, b) => a.cityCode.localeCompare(b.cityCode));
}
