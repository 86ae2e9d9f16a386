import type { Cabin, CabinInventory, FlightRecord } from '../../ports/store.js';

/**
 * One row of a flight joined with one of its cabins (LEFT JOIN: a flight without cabins has one row
 * with null cabin columns), as both relational backends (SQLite, PostgreSQL) read flights.
 */
export interface FlightCabinRow {
  id: string;
  carrier: string;
  flight_number: number;
  origin: string;
  destination: string;
  departure_utc: number;
  arrival_utc: number;
  aircraft: string;
  distance_km: number;
  currency: string;
  /** Schedule columns (migrations 0006-schedules / 0003-schedules): '' or 0 when absent, never null. */
  fare_source: string;
  through_flight_id: string;
  through_leg: number;
  /** JSON text of the codeshares, or ''. */
  codeshares: string;
  cancelled: number;
  schedule_signature: string;
  cabin: Cabin | null;
  fare: number | null;
  taxes: number | null;
  seats_left: number | null;
  capacity: number | null;
}

/** Columns of a `flights` row, in the order of `flightValues`. */
export const FLIGHT_ROW_COLUMNS = [
  'id',
  'carrier',
  'flight_number',
  'origin',
  'destination',
  'departure_utc',
  'arrival_utc',
  'aircraft',
  'distance_km',
  'currency',
  'fare_source',
  'through_flight_id',
  'through_leg',
  'codeshares',
  'cancelled',
  'schedule_signature',
] as const;

/** Columns of a `flight_cabins` row, in the order of `cabinValues`. */
export const CABIN_ROW_COLUMNS = ['flight_id', 'cabin', 'fare', 'taxes', 'seats_left', 'capacity'] as const;

/**
 * Values of a `flights` row for FLIGHT_ROW_COLUMNS. Optional attributes are written as '' or 0 rather
 * than NULL so one bulk path (PostgreSQL COPY) serves every row; `signature` is the schedule import's
 * (ports/schedules.ts), '' for flights written otherwise.
 */
export function flightValues(
  f: FlightRecord,
  signature = '',
): [
  string,
  string,
  number,
  string,
  string,
  number,
  number,
  string,
  number,
  string,
  string,
  string,
  number,
  string,
  number,
  string,
] {
  return [
    f.id,
    f.carrier,
    f.flightNumber,
    f.origin,
    f.destination,
    f.departureUtc,
    f.arrivalUtc,
    f.aircraft,
    f.distanceKm,
    f.currency,
    f.fareSource ?? 'inventory',
    f.throughFlight?.id ?? '',
    f.throughFlight?.legSequence ?? 0,
    f.codeshares && f.codeshares.length > 0 ? JSON.stringify(f.codeshares) : '',
    f.cancelled ? 1 : 0,
    signature,
  ];
}

export function cabinValues(
  flightId: string,
  c: CabinInventory,
): [string, Cabin, number, number, number, number] {
  return [flightId, c.cabin, c.fare, c.taxes, c.seatsLeft, c.capacity];
}

/** The columns of a FlightCabinRow, from `flights f` LEFT JOIN `flight_cabins c`. */
export const FLIGHT_CABIN_COLUMNS = `f.id, f.carrier, f.flight_number, f.origin, f.destination, f.departure_utc,
  f.arrival_utc, f.aircraft, f.distance_km, f.currency, f.fare_source, f.through_flight_id, f.through_leg,
  f.codeshares, f.cancelled, f.schedule_signature, c.cabin, c.fare, c.taxes, c.seats_left, c.capacity`;

/** Flights with their cabins from joined rows, in the order of each flight's first row. */
export function groupFlights(rows: readonly FlightCabinRow[]): FlightRecord[] {
  const flights = new Map<string, FlightRecord>();
  for (const row of rows) {
    let flight = flights.get(row.id);
    if (!flight) {
      flight = {
        id: row.id,
        carrier: row.carrier,
        flightNumber: row.flight_number,
        origin: row.origin,
        destination: row.destination,
        departureUtc: row.departure_utc,
        arrivalUtc: row.arrival_utc,
        aircraft: row.aircraft,
        distanceKm: row.distance_km,
        currency: row.currency,
        cabins: [],
        ...scheduleAttributes(row),
      };
      flights.set(row.id, flight);
    }
    if (row.cabin !== null) {
      flight.cabins.push({
        cabin: row.cabin,
        fare: row.fare ?? 0,
        taxes: row.taxes ?? 0,
        seatsLeft: row.seats_left ?? 0,
        capacity: row.capacity ?? 0,
      });
    }
  }
  return [...flights.values()];
}

/** The optional FlightRecord attributes a row carries, left out when absent (so records compare as before). */
export function scheduleAttributes(
  row: Pick<FlightCabinRow, 'fare_source' | 'through_flight_id' | 'through_leg' | 'codeshares' | 'cancelled'>,
): Pick<FlightRecord, 'fareSource' | 'throughFlight' | 'codeshares' | 'cancelled'> {
  return {
    ...(row.fare_source === 'filed' || row.fare_source === 'estimated'
      ? { fareSource: row.fare_source }
      : {}),
    ...(row.through_flight_id === ''
      ? {}
      : { throughFlight: { id: row.through_flight_id, legSequence: Number(row.through_leg) } }),
    ...(row.codeshares === ''
      ? {}
      : { codeshares: JSON.parse(row.codeshares) as FlightRecord['codeshares'] }),
    ...(Number(row.cancelled) === 1 ? { cancelled: true as const } : {}),
  };
}
