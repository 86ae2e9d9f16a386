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
] as const;

/** Columns of a `flight_cabins` row, in the order of `cabinValues`. */
export const CABIN_ROW_COLUMNS = ['flight_id', 'cabin', 'fare', 'taxes', 'seats_left', 'capacity'] as const;

export function flightValues(
  f: FlightRecord,
): [string, string, number, string, string, number, number, string, number, string] {
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
  f.arrival_utc, f.aircraft, f.distance_km, f.currency, c.cabin, c.fare, c.taxes, c.seats_left, c.capacity`;

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
