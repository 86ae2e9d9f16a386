import { addDays, daysBetween, zonedDayClock } from '../../kernel/zoned-time.js';
import type { Airport } from '../../ports/airports.js';
import type {
  AirlineRecord,
  FlightRecord,
  HotelRecord,
  InventoryStore,
  InventoryWriter,
  RoomNightRecord,
} from '../../ports/store.js';
import { cityHotels, type DemoCity, hotelPriceLevel, hotelRoomNights } from './hotels.js';
import { buildNetwork, type DemoNetwork } from './network.js';
import { SeededRandom } from './random.js';
import { FareSample, type RealismReport, realismReport } from './realism-report.js';
import {
  buildServices,
  CABIN_VALUES,
  CABIN_WIDTH,
  drawCabins,
  flightRecord,
  type ServiceFields,
  serviceFields,
} from './schedule.js';
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
 * The demo world in the pieces it is written in: plain values and typed arrays only, so a
 * generator thread can post them (the typed arrays transferred, not copied) to the thread that
 * writes the store. A flight is a service number, a departure and its drawn cabins; the writer
 * side makes the records (`WorldWriter`): a day of 56,000 flight objects would cost more to copy
 * between threads than to write.
 */
export type WorldBatch =
  | {
      kind: 'world';
      airports: number;
      routes: number;
      airlines: AirlineRecord[];
      /** The fixed fields of every service; flights name their service by its index here. */
      services: ServiceFields[];
      days: number;
    }
  | {
      kind: 'flights';
      date: string;
      /** Per flight, in id order (the store's key order: its B-tree inserts are appends). */
      service: Uint32Array;
      departureUtc: Float64Array;
      /** CABIN_WIDTH values per flight (schedule.ts `drawCabins`). */
      cabins: Int32Array;
    }
  | {
      kind: 'hotels';
      hotels: HotelRecord[];
      /** Per room night, hotel by hotel, day by day, room type by room type: rate and rooms left. */
      rates: Int32Array;
      roomsLeft: Int32Array;
      startDate: string;
      days: number;
      cities: number;
    };

/** The typed arrays of a batch, which a thread transfers instead of copying. */
export function batchBuffers(batch: WorldBatch): ArrayBuffer[] {
  if (batch.kind === 'flights')
    return [batch.service.buffer, batch.departureUtc.buffer, batch.cabins.buffer] as ArrayBuffer[];
  if (batch.kind === 'hotels') return [batch.rates.buffer, batch.roomsLeft.buffer] as ArrayBuffer[];
  return [];
}

/**
 * Generates the demo world from `seed` batch by batch: the world's airlines and services, then a
 * day of flights at a time, then a city of hotels at a time; returns the realism report when asked.
 * Same options, same batches, byte for byte. Airports, carriers, aircraft types and the busiest
 * routes are real; schedules, fares, hotels and availability are modelled on them
 * (docs/adr/0012-demo-world.md).
 */
export function* demoWorldBatches(
  allAirports: readonly Airport[],
  options: DemoInventoryOptions,
): Generator<WorldBatch, RealismReport | undefined> {
  const root = new SeededRandom(options.seed);
  const network = buildNetwork(allAirports, options.airports);
  const services = buildServices(network.routes, root.fork('services'), network.passengers);
  const feeRandom = root.fork('airport-fees');
  const airportFee = new Map(network.airports.map((a) => [a.iata, feeRandom.int(8, 45) * 100]));
  const fees = services.map((service) => airportFee.get(service.origin.iata) ?? 0);
  const fares = options.report ? new FareSample() : undefined;
  yield {
    kind: 'world',
    airports: network.airports.length,
    routes: network.routes.length * 2,
    airlines: network.carriers.map(({ iata, name, country }) => ({ iata, name, country })),
    services: services.map(serviceFields),
    days: options.days,
  };

  // A day's flights are written in id order (date, then carrier and number); within a day that is
  // the order of `${carrier}${number}`, the same every day.
  const idOrder = services
    .map((service, index) => ({ key: `${service.carrier}${service.flightNumber}`, index }))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map(({ index }) => index);
  const departure = new Float64Array(services.length);
  const cabins = new Int32Array(services.length * CABIN_WIDTH);
  const flies = new Uint8Array(services.length);
  const flightRandom = root.fork('flights');
  let flights = 0;
  for (let day = 0; day < options.days; day++) {
    const date = addDays(options.startDate, day);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const daysToDeparture = daysBetween(options.startDate, date);
    const clocks = new Map<string, (minuteOfDay: number) => number>();
    let count = 0;
    // Draws in service order (the random stream's order), written out in id order below.
    services.forEach((service, s) => {
      flies[s] = service.weekdays.has(weekday) ? 1 : 0;
      if (!flies[s]) return;
      count += 1;
      const zone = service.origin.timeZone;
      let clock = clocks.get(zone);
      if (!clock) {
        clock = zonedDayClock(date, zone);
        clocks.set(zone, clock);
      }
      departure[s] = clock(service.departureMinute);
      drawCabins(service, daysToDeparture, fees[s] as number, flightRandom, cabins, s * CABIN_WIDTH);
      if (fares) {
        for (let c = 0; c < CABIN_WIDTH; c += CABIN_VALUES) {
          const at = s * CABIN_WIDTH + c;
          if (cabins[at + 3] !== 0) fares.add(service.distanceKm, c / CABIN_VALUES, cabins[at] as number);
        }
      }
    });
    const batch = {
      kind: 'flights' as const,
      date,
      service: new Uint32Array(count),
      departureUtc: new Float64Array(count),
      cabins: new Int32Array(count * CABIN_WIDTH),
    };
    let k = 0;
    for (const s of idOrder) {
      if (!flies[s]) continue;
      batch.service[k] = s;
      batch.departureUtc[k] = departure[s] as number;
      batch.cabins.set(cabins.subarray(s * CABIN_WIDTH, (s + 1) * CABIN_WIDTH), k * CABIN_WIDTH);
      k += 1;
    }
    flights += count;
    yield batch;
  }

  const cities = demoCities(network);
  const hotelRandom = root.fork('hotels');
  for (const city of cities) {
    const hotels = cityHotels(city, hotelRandom);
    const priceLevel = hotelPriceLevel(city);
    // One write per city rather than per hotel: a networked store pays a round trip (and a commit) per call.
    const nights = hotels.flatMap((hotel) =>
      hotelRoomNights(hotel, priceLevel, options.startDate, options.days, hotelRandom),
    );
    yield {
      kind: 'hotels',
      hotels,
      rates: Int32Array.from(nights, (night) => night.rate),
      roomsLeft: Int32Array.from(nights, (night) => night.roomsLeft),
      startDate: options.startDate,
      days: options.days,
      cities: cities.length,
    };
  }
  return fares ? realismReport(network, fares, flights, options.days) : undefined;
}

/**
 * Writes the batches of `demoWorldBatches` to a store's inventory writer, making the records, and
 * counts what it wrote. Used on whichever thread holds the store.
 */
export class WorldWriter {
  readonly #writer: InventoryWriter;
  readonly #onProgress: ProgressListener;
  #services: ServiceFields[] = [];
  #days = 0;
  #daysWritten = 0;
  #citiesWritten = 0;
  readonly summary: DemoInventorySummary = {
    airports: 0,
    carriers: 0,
    routes: 0,
    flights: 0,
    hotels: 0,
    roomNights: 0,
  };

  constructor(writer: InventoryWriter, onProgress: ProgressListener) {
    this.#writer = writer;
    this.#onProgress = onProgress;
  }

  async write(batch: WorldBatch): Promise<void> {
    switch (batch.kind) {
      case 'world': {
        this.#services = batch.services;
        this.#days = batch.days;
        Object.assign(this.summary, {
          airports: batch.airports,
          carriers: batch.airlines.length,
          routes: batch.routes,
        });
        await this.#writer.putAirlines(batch.airlines);
        return;
      }
      case 'flights': {
        const flights: FlightRecord[] = new Array(batch.service.length);
        for (let k = 0; k < batch.service.length; k++) {
          flights[k] = flightRecord(
            this.#services[batch.service[k] as number] as ServiceFields,
            batch.date,
            batch.departureUtc[k] as number,
            batch.cabins,
            k * CABIN_WIDTH,
          );
        }
        await this.#writer.putFlights(flights);
        this.summary.flights += flights.length;
        this.#onProgress('flights', ++this.#daysWritten, this.#days);
        return;
      }
      case 'hotels': {
        const nights = roomNights(batch);
        await this.#writer.putHotels(batch.hotels);
        await this.#writer.putRoomNights(nights);
        this.summary.hotels += batch.hotels.length;
        this.summary.roomNights += nights.length;
        this.#onProgress('hotels', ++this.#citiesWritten, batch.cities);
        return;
      }
    }
  }
}

/** The room-night records of a hotels batch, in the order `hotelRoomNights` made them. */
function roomNights(batch: Extract<WorldBatch, { kind: 'hotels' }>): RoomNightRecord[] {
  const dates = Array.from({ length: batch.days }, (_, day) => addDays(batch.startDate, day));
  const nights: RoomNightRecord[] = [];
  for (const hotel of batch.hotels) {
    for (const date of dates) {
      for (const roomType of hotel.roomTypes) {
        const k = nights.length;
        nights.push({
          hotelId: hotel.id,
          roomType: roomType.code,
          date,
          rate: batch.rates[k] as number,
          currency: 'USD',
          roomsLeft: batch.roomsLeft[k] as number,
        });
      }
    }
  }
  return nights;
}

/**
 * Replaces the store's inventory with a synthetic one generated from `seed` (`demoWorldBatches`),
 * in this thread: same options, same data, byte for byte. `batches` may be given instead, from a
 * generator running elsewhere (the seed command runs it on a thread of its own).
 */
export async function generateDemoInventory(
  allAirports: readonly Airport[],
  sink: InventorySink,
  options: DemoInventoryOptions,
  onProgress: ProgressListener = () => {},
  batches:
    | AsyncIterator<WorldBatch, RealismReport | undefined>
    | Iterator<WorldBatch, RealismReport | undefined> = demoWorldBatches(allAirports, options),
): Promise<DemoInventorySummary & { report?: RealismReport }> {
  let report: RealismReport | undefined;
  let summary: DemoInventorySummary | undefined;
  // The store's bulk path: one replacement, indexes built once at the end (ports/store.ts).
  await sink.replaceInventory(async (writer) => {
    const world = new WorldWriter(writer, onProgress);
    const writes = new WritesInFlight(WRITES_IN_FLIGHT);
    for (;;) {
      const next = await batches.next();
      if (next.done) {
        report = next.value;
        break;
      }
      await writes.add(() => world.write(next.value));
    }
    await writes.drain();
    summary = world.summary;
    onProgress('finishing', 0, 1);
  });
  onProgress('finishing', 1, 1);
  const written = summary as DemoInventorySummary;
  return report ? { ...written, report } : written;
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
