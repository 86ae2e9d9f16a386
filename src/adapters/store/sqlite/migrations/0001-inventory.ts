import type { Migration } from './index.js';

export const inventorySchema: Migration = {
  id: '0001-inventory',
  sql: `
    CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE airlines (iata TEXT PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL);

    CREATE TABLE flights (
      id TEXT PRIMARY KEY,
      carrier TEXT NOT NULL,
      flight_number INTEGER NOT NULL,
      origin TEXT NOT NULL,
      destination TEXT NOT NULL,
      departure_utc INTEGER NOT NULL,
      arrival_utc INTEGER NOT NULL,
      aircraft TEXT NOT NULL,
      distance_km INTEGER NOT NULL,
      currency TEXT NOT NULL
    ) WITHOUT ROWID;
    -- The search reads one route in a departure window.
    CREATE INDEX flights_route_departure ON flights (origin, destination, departure_utc);

    CREATE TABLE flight_cabins (
      flight_id TEXT NOT NULL REFERENCES flights (id) ON DELETE CASCADE,
      cabin TEXT NOT NULL,
      fare INTEGER NOT NULL,
      taxes INTEGER NOT NULL,
      seats_left INTEGER NOT NULL CHECK (seats_left >= 0),
      capacity INTEGER NOT NULL,
      PRIMARY KEY (flight_id, cabin)
    ) WITHOUT ROWID;

    CREATE TABLE routes (
      origin TEXT NOT NULL,
      destination TEXT NOT NULL,
      carriers TEXT NOT NULL,
      PRIMARY KEY (origin, destination)
    ) WITHOUT ROWID;

    CREATE TABLE hotels (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      city_code TEXT NOT NULL,
      stars INTEGER NOT NULL,
      latitude REAL NOT NULL,
      longitude REAL NOT NULL,
      address TEXT NOT NULL,
      amenities TEXT NOT NULL,
      room_types TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX hotels_city ON hotels (city_code);
    CREATE INDEX hotels_position ON hotels (latitude, longitude);

    CREATE TABLE room_nights (
      hotel_id TEXT NOT NULL REFERENCES hotels (id) ON DELETE CASCADE,
      room_type TEXT NOT NULL,
      date TEXT NOT NULL,
      rate INTEGER NOT NULL,
      currency TEXT NOT NULL,
      rooms_left INTEGER NOT NULL CHECK (rooms_left >= 0),
      PRIMARY KEY (hotel_id, date, room_type)
    ) WITHOUT ROWID;
  `,
};
