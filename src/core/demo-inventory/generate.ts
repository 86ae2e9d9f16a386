import { addDays } from '../../kernel/zoned-time.js';
import type { Airport } from '../../ports/airports.js';
import type { InventoryStore } from '../../ports/store.js';
import { cityHotels, type DemoCity, hotelPriceLevel, hotelRoomNights } from './hotels.js';
import { buildNetwork, type DemoNetwork } from './network.js';
import { SeededRandom } from './random.js';
import { FareSample, type RealismReport, realismReport } from './realism-report.js';
import { buildServices, datedFlight, fliesOn } from './schedule.js';
import { WritesInFlight } from './writes-in-flight.js';

export interface DemoInventoryOptions {
  /** Airports in the network (the busiest by annual passengers). */
  airports: number;
  /** Days of schedules and hotel nights, from `startDate`. */
  days: number;
  seed: number;
  /** First date of the schedule, YYYY-MM-DD; also the date fares are computed as sold on. */
  startDate: string;
  /** Also measure the generated world against the real one (see `RealismReport`). */
  report?: boolean;
}

export interface DemoInventorySummary {
  airports: number;
  carriers: number;
  routes: number;
  flights: number;
  hotels: number;
  roomNights: number;
}

export type InventorySink = Pick<InventoryStore, 'replaceInventory'>;

/** Store writes the generator keeps in flight while it computes the next batch. */
const WRITES_IN_FLIGHT = 2;

/**
 * Progress of a generation: days of flights written, cities of hotels written, then the store
 * finishing (indexes, commit; `done` 0 of 1, then 1 of 1).
 */
export type ProgressListener = (
  phase: 'flights' | 'hotels' | 'finishing',
  done: number,
  total: number,
) => void;

/**
 * Replaces the store's inventory with a synthetic one generated from `seed`: same options, same
 * data, byte for byte. Airports, carriers, aircraft types and the busiest routes are real;
 * schedules, fares, hotels and availability are modelled on them (docs/adr/0012-demo-world.md).
 */
export async function generateDemoInventory(
  allAirports: readonly Airport[],
  sink: InventorySink,
  options: DemoInventoryOptions,
  onProgress: ProgressListener = () => {},
): Promise<DemoInventorySummary & { report?: RealismReport }> {
  const root = new SeededRandom(options.seed);
  const network = buildNetwork(allAirports, options.airports);
  const services = buildServices(network.routes, root.fork('services'), network.passengers);
  const feeRandom = root.fork('airport-fees');
  const airportFee = new Map(network.airports.map((a) => [a.iata, feeRandom.int(8, 45) * 100]));
  const fares = options.report ? new FareSample() : undefined;

  let flights = 0;
  let hotels = 0;
  let roomNights = 0;
  // The store's bulk path: one replacement, indexes built once at the end (ports/store.ts).
  await sink.replaceInventory(async (writer) => {
    await writer.putAirlines(network.carriers.map(({ iata, name, country }) => ({ iata, name, country })));

    let daysWritten = 0;
    const flightWrites = new WritesInFlight(WRITES_IN_FLIGHT);
    const flightRandom = root.fork('flights');
    for (let day = 0; day < options.days; day++) {
      const date = addDays(options.startDate, day);
      const batch = services
        .filter((service) => fliesOn(service, date))
        .map((service) =>
          datedFlight(
            service,
            date,
            options.startDate,
            airportFee.get(service.origin.iata) ?? 0,
            flightRandom,
          ),
        )
        // Key order makes the store's B-tree inserts appends.
        .sort((a, b) => (a.id < b.id ? -1 : 1));
      if (fares) for (const flight of batch) fares.add(flight);
      await flightWrites.add(async () => {
        await writer.putFlights(batch);
        flights += batch.length;
        onProgress('flights', ++daysWritten, options.days);
      });
    }
    await flightWrites.drain();

    const cities = demoCities(network);
    const hotelRandom = root.fork('hotels');
    let citiesWritten = 0;
    const hotelWrites = new WritesInFlight(WRITES_IN_FLIGHT);
    for (const city of cities) {
      const cityHotelList = cityHotels(city, hotelRandom);
      const priceLevel = hotelPriceLevel(city);
      // One write per city rather than per hotel: a networked store pays a round trip (and a commit) per call.
      const cityNights = cityHotelList.flatMap((hotel) =>
        hotelRoomNights(hotel, priceLevel, options.startDate, options.days, hotelRandom),
      );
      await hotelWrites.add(async () => {
        await writer.putHotels(cityHotelList);
        await writer.putRoomNights(cityNights);
        roomNights += cityNights.length;
        hotels += cityHotelList.length;
        onProgress('hotels', ++citiesWritten, cities.length);
      });
    }
    await hotelWrites.drain();
    onProgress('finishing', 0, 1);
  });
  onProgress('finishing', 1, 1);

  const summary: DemoInventorySummary = {
    airports: network.airports.length,
    carriers: network.carriers.length,
    routes: network.routes.length * 2,
    flights,
    hotels,
    roomNights,
  };
  return fares ? { ...summary, report: realismReport(network, fares, flights, options.days) } : summary;
}

/** The cities of the network's airports, each anchored at its busiest airport. */
function demoCities(network: DemoNetwork): DemoCity[] {
  const byCode = new Map<string, DemoCity>();
  for (const airport of network.airports) {
    const passengers = network.passengers(airport);
    const known = byCode.get(airport.cityCode);
    if (!known) {
      byCode.set(airport.cityCode, {
        cityCode: airport.cityCode,
        name: airport.city,
        anchor: airport,
        passengers,
      });
    } else {
      const anchor = network.passengers(known.anchor) < passengers ? airport : known.anchor;
      byCode.set(airport.cityCode, { ...known, anchor, passengers: known.passengers + passengers });
    }
  }
  return [...byCode.values()].sort((a, b) => a.cityCode.localeCompare(b.cityCode));
}
