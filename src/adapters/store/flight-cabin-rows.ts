import type { Cabin, FlightRecord } from '../../ports/store.js';

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
