/**
 * Persistence of the bookable inventory. Narrow and free of any query language so a key-value
 * backend (DynamoDB) can implement it. Amounts are integer minor units of `currency`.
 * Every method rejects with `StoreUnavailableError` when the backend cannot be reached.
 */

export type Cabin = 'economy' | 'premium_economy' | 'business' | 'first';
export const CABINS: readonly Cabin[] = ['economy', 'premium_economy', 'business', 'first'];

/** A carrier operating flights in the inventory. */
export interface AirlineRecord {
  iata: string;
  name: string;
  country: string;
}

/** Fare and seats of one cabin on one flight. */
export interface CabinInventory {
  cabin: Cabin;
  /** Base fare per adult, minor units. */
  fare: number;
  /** Taxes and fees per passenger, minor units. */
  taxes: number;
  seatsLeft: number;
  /** Seats the cabin was built with; `seatsLeft <= capacity`. */
  capacity: number;
}

/**
 * Where the fares of a flight's cabins come from: `inventory` (the default when absent: the demo
 * world and admin fare changes write `cabins[].fare`), `filed` (priced at search time from imported
 * fare filings; `cabins[].fare` is unused and a flight no filing covers is not offered), `estimated`
 * (a schedule imported without fares, priced by the demo fare model and marked so in offers).
 */
export type FareSource = 'inventory' | 'filed' | 'estimated';

/** One dated flight (a leg): a carrier's flight number on one departure date. */
export interface FlightRecord {
  /** Stable id, e.g. "2026-12-01-BA117" (date first so a day of flights is written in key order). */
  id: string;
  carrier: string;
  flightNumber: number;
  origin: string;
  destination: string;
  /** Departure and arrival instants, epoch ms (UTC). Local times derive from each airport's time zone. */
  departureUtc: number;
  arrivalUtc: number;
  aircraft: string;
  distanceKm: number;
  /** Currency of the fares of every cabin. */
  currency: string;
  cabins: CabinInventory[];
  /** Absent means `inventory`. */
  fareSource?: FareSource;
  /**
   * Set on every leg of a multi-leg flight (an SSIM itinerary variation): legs sharing `id`, ordered
   * by `legSequence` (1, 2, …), form one through flight that a traveller books as one flight number
   * with its intermediate stops shown; each stop counts as a stop for `maxStops`.
   */
  throughFlight?: { id: string; legSequence: number };
  /** Marketing flight numbers of codeshare partners, where the schedule carries them. */
  codeshares?: { carrier: string; flightNumber: number }[];
  /**
   * Set when a schedule import dropped the flight while bookings held it: kept so the bookings stay
   * readable, never offered again.
   */
  cancelled?: true;
}

/** A directed route with the carriers that fly it. */
export interface RouteRecord {
  origin: string;
  destination: string;
  carriers: string[];
}

export interface RoomTypeRecord {
  /** Unique within the hotel, e.g. "standard-double". */
  code: string;
  name: string;
  /** Adults one room sleeps. */
  maxOccupancy: number;
}

export interface HotelRecord {
  id: string;
  name: string;
  /** IATA city code of the city the hotel is in. */
  cityCode: string;
  stars: number;
  latitude: number;
  longitude: number;
  address: string;
  amenities: string[];
  roomTypes: RoomTypeRecord[];
}

/** Rate and availability of one room type for one night. */
export interface RoomNightRecord {
  hotelId: string;
  roomType: string;
  /** Night as a calendar date, YYYY-MM-DD. */
  date: string;
  /** Nightly rate, minor units. */
  rate: number;
  currency: string;
  roomsLeft: number;
}

export interface FlightLegQuery {
  origin: string;
  destination: string;
  /** Inclusive lower bound of departure, epoch ms. */
  departFrom: number;
  /** Exclusive upper bound of departure, epoch ms. */
  departTo: number;
}

/** A city, or a point and a radius in great-circle kilometres (kernel/great-circle.ts). */
export type HotelLocator = { cityCode: string } | { latitude: number; longitude: number; radiusKm: number };

/** Summary of what the store holds. */
export interface InventoryStats {
  airlines: number;
  flights: number;
  routes: number;
  hotels: number;
  roomNights: number;
}

/** The writes of a `replaceInventory` fill. */
export type InventoryWriter = Pick<
  InventoryStore,
  'putAirlines' | 'putFlights' | 'putHotels' | 'putRoomNights'
>;

export interface InventoryStore {
  /** Directed routes (origin, destination) with at least one flight. */
  listRoutes(): Promise<RouteRecord[]>;
  /** Flights on one route departing in a window, ordered by departure. Empty list when none. */
  findFlights(query: FlightLegQuery): Promise<FlightRecord[]>;
  /**
   * Flights of many legs at once (a whole hop level of a search): one list per query, in the order of
   * `queries`, each ordered by departure, as `findFlights` would answer it. One round trip where the
   * backend allows (one SQL statement; parallel queries on a key-value store), so a search costs a
   * bounded number of store calls whatever the number of routes it explores.
   */
  findFlightsOnLegs(queries: readonly FlightLegQuery[]): Promise<FlightRecord[][]>;
  /** Flights by id, in no particular order; unknown ids are left out. */
  getFlights(ids: readonly string[]): Promise<FlightRecord[]>;
  /** Airlines by IATA code (all of them when `codes` is omitted). */
  listAirlines(codes?: readonly string[]): Promise<AirlineRecord[]>;
  /** Hotels of a city or within a radius; empty list when none. */
  findHotels(locator: HotelLocator): Promise<HotelRecord[]>;
  /** Hotels by id; unknown ids are left out. */
  getHotels(ids: readonly string[]): Promise<HotelRecord[]>;
  /** Room nights of these hotels for the nights in [checkIn, checkOut). */
  findRoomNights(hotelIds: readonly string[], checkIn: string, checkOut: string): Promise<RoomNightRecord[]>;

  /** Writes airlines, replacing any with the same code. */
  putAirlines(airlines: readonly AirlineRecord[]): Promise<void>;
  /**
   * Writes flights with their cabins, replacing any flight with the same id whole: a flight put again
   * has exactly the cabins it lists now (cabins it leaves out are deleted). Changing one cabin's fare
   * or seats in place is InventoryUpdates' job.
   */
  putFlights(flights: readonly FlightRecord[]): Promise<void>;
  /** Writes hotels, replacing any with the same id. */
  putHotels(hotels: readonly HotelRecord[]): Promise<void>;
  /** Writes room nights, replacing any with the same hotel, room type and date. */
  putRoomNights(nights: readonly RoomNightRecord[]): Promise<void>;
  /** Deletes all inventory (airlines, flights, hotels, room nights); settings are kept. */
  clearInventory(): Promise<void>;
  /**
   * Replaces all inventory (settings are kept) with what `fill` writes through the writer it is
   * given — the seed's path, tens of millions of rows — in the backend's fastest way: SQLite writes
   * it in one transaction with the flights' secondary indexes built once at the end, so readers see
   * the old inventory until the new one is complete and a failed `fill` (or a crash) leaves the old
   * one; PostgreSQL streams rows with COPY; DynamoDB writes batches. Within one replacement every
   * flight id, hotel id and room night is written once (a backend may refuse a second write of one).
   */
  replaceInventory(fill: (writer: InventoryWriter) => Promise<void>): Promise<void>;

  /** Counts of what the store holds; exact, but may read everything on a key-value store (tools only, never a request path). */
  stats(): Promise<InventoryStats>;
  /** A stored setting, or undefined. */
  getSetting(name: string): Promise<string | undefined>;
  setSetting(name: string, value: string): Promise<void>;
  /**
   * Stores `value` unless the setting already has one, and answers the stored value: of processes
   * racing to set a setting first (e.g. a secret generated at start), exactly one value wins and
   * every caller gets it.
   */
  setSettingIfAbsent(name: string, value: string): Promise<string>;
  // Lifecycle (migrate, ping, close) belongs to the whole backend: see StoreBackend.
}

/** The store backend could not be reached or failed; carries the driver error as `cause`. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/**
 * The backend kept refusing requests for lack of throughput (DynamoDB throttling) through the
 * adapter's retries with backoff. A StoreUnavailableError, so HTTP answers it 503 with `retry-after`.
 */
export class StoreThrottledError extends StoreUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreThrottledError';
  }
}
