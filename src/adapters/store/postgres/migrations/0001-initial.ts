import type { PostgresMigration } from './index.js';

/**
 * Every table of the store. Key columns use the "C" collation so ids, codes and dates sort bytewise
 * (as on SQLite) and their B-trees compare fast. Epoch-ms columns are bigint.
 *
 * flight_cabins and room_nights carry no foreign keys: they are written with their parents in one
 * transaction (putFlights, putHotels + putRoomNights from the seed) and cleared together, and skipping
 * the per-row key check keeps seeding the demo network (~2 M cabin rows) quick.
 */
export const initialSchema: PostgresMigration = {
  id: '0001-initial',
  sql: `
    CREATE TABLE settings (name text COLLATE "C" PRIMARY KEY, value text NOT NULL);

    CREATE TABLE airlines (iata text COLLATE "C" PRIMARY KEY, name text NOT NULL, country text NOT NULL);

    CREATE TABLE flights (
      id text COLLATE "C" PRIMARY KEY,
      carrier text COLLATE "C" NOT NULL,
      flight_number integer NOT NULL,
      origin text COLLATE "C" NOT NULL,
      destination text COLLATE "C" NOT NULL,
      departure_utc bigint NOT NULL,
      arrival_utc bigint NOT NULL,
      aircraft text NOT NULL,
      distance_km double precision NOT NULL,
      currency text NOT NULL
    );
    -- Search reads one route (or a whole hop level of routes) in a departure window.
    CREATE INDEX flights_route_departure ON flights (origin, destination, departure_utc);

    CREATE TABLE flight_cabins (
      flight_id text COLLATE "C" NOT NULL,
      cabin text COLLATE "C" NOT NULL,
      fare integer NOT NULL,
      taxes integer NOT NULL,
      seats_left integer NOT NULL CHECK (seats_left >= 0),
      capacity integer NOT NULL,
      PRIMARY KEY (flight_id, cabin)
    );

    CREATE TABLE routes (
      origin text COLLATE "C" NOT NULL,
      destination text COLLATE "C" NOT NULL,
      carriers text[] NOT NULL,
      PRIMARY KEY (origin, destination)
    );

    CREATE TABLE hotels (
      id text COLLATE "C" PRIMARY KEY,
      name text NOT NULL,
      city_code text COLLATE "C" NOT NULL,
      stars integer NOT NULL,
      latitude double precision NOT NULL,
      longitude double precision NOT NULL,
      address text NOT NULL,
      amenities json NOT NULL,
      room_types json NOT NULL
    );
    CREATE INDEX hotels_city ON hotels (city_code);
    CREATE INDEX hotels_position ON hotels (latitude, longitude);

    -- The primary key serves "nights of these hotels between two dates".
    CREATE TABLE room_nights (
      hotel_id text COLLATE "C" NOT NULL,
      room_type text COLLATE "C" NOT NULL,
      date text COLLATE "C" NOT NULL,
      rate integer NOT NULL,
      currency text NOT NULL,
      rooms_left integer NOT NULL CHECK (rooms_left >= 0),
      PRIMARY KEY (hotel_id, date, room_type)
    );

    CREATE TABLE api_keys (
      id text COLLATE "C" PRIMARY KEY,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('client', 'admin')),
      secret_hash text NOT NULL,
      plan text NOT NULL,
      overrides json NOT NULL,
      created_at bigint NOT NULL,
      revoked_at bigint
    );
    CREATE INDEX api_keys_created ON api_keys (created_at, id);

    CREATE TABLE api_key_usage (
      key_id text COLLATE "C" NOT NULL,
      day text COLLATE "C" NOT NULL,
      requests bigint NOT NULL DEFAULT 0,
      searches bigint NOT NULL DEFAULT 0,
      client_errors bigint NOT NULL DEFAULT 0,
      server_errors bigint NOT NULL DEFAULT 0,
      throttled bigint NOT NULL DEFAULT 0,
      PRIMARY KEY (key_id, day)
    );

    -- seq comes from an identity sequence: never reused, but allocated at insert time, so it orders
    -- events by insertion, not by commit. The relay reads "unpublished, lowest seq first" rather than
    -- "after the last seq", so a late-committing lower seq is published late, never skipped.
    CREATE TABLE outbox (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id text NOT NULL,
      type text NOT NULL,
      event json NOT NULL,
      created_at bigint NOT NULL,
      published_at bigint
    );
    CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;
    CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;

    -- One row: the relay allowed to drain the outbox until expires_at.
    CREATE TABLE outbox_lease (
      id integer PRIMARY KEY CHECK (id = 1),
      owner text NOT NULL,
      expires_at bigint NOT NULL
    );

    CREATE TABLE dead_letters (
      id text COLLATE "C" PRIMARY KEY,
      consumer text COLLATE "C" NOT NULL,
      event_id text NOT NULL,
      type text NOT NULL,
      event json NOT NULL,
      error text NOT NULL,
      attempts integer NOT NULL,
      parked_at bigint NOT NULL
    );
    CREATE INDEX dead_letters_parked ON dead_letters (parked_at, id);

    CREATE TABLE processed_events (
      consumer text COLLATE "C" NOT NULL,
      event_id text COLLATE "C" NOT NULL,
      processed_at bigint NOT NULL,
      PRIMARY KEY (consumer, event_id)
    );
    CREATE INDEX processed_events_age ON processed_events (processed_at);

    CREATE TABLE bookings (
      id text COLLATE "C" PRIMARY KEY,
      reference text COLLATE "C" NOT NULL UNIQUE,
      status text NOT NULL CHECK (status IN ('confirmed', 'cancelled')),
      owner_sub text NOT NULL,
      owner_api_key text COLLATE "C" NOT NULL,
      -- offer snapshot, price, passengers, contact and inventory hold as one JSON document
      document json NOT NULL,
      created_at bigint NOT NULL,
      cancelled_at bigint
    );
    CREATE INDEX bookings_owner ON bookings (owner_api_key, owner_sub, created_at);

    -- One row per (API key, Idempotency-Key). While a request runs, token and lease_until say who
    -- holds it; once it booked, booking_id is set and the row lives until expires_at.
    CREATE TABLE idempotency_keys (
      scope text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL,
      request_hash text NOT NULL,
      token text NOT NULL,
      lease_until bigint NOT NULL,
      booking_id text,
      created_at bigint NOT NULL,
      expires_at bigint NOT NULL,
      PRIMARY KEY (scope, key)
    );
    CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
  `,
};
