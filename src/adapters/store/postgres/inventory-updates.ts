import type pg from 'pg';
import type { CloudEvent } from '../../../ports/events.js';
import {
  type FareUpdate,
  type InventoryUpdate,
  type InventoryUpdates,
  type RoomNightUpdate,
  type SeatsUpdate,
  type TouchedFlight,
  type TouchedInventory,
  type TouchedNight,
  UnknownInventoryError,
} from '../../../ports/inventory-updates.js';
import { type FlightRouteRow, toTouchedFlight } from '../relational-inventory-rows.js';
import { type AppendEvents, guarded, inTransaction } from './connection.js';
import { PostgresPeriodLegs } from './period-legs.js';

type Missing = { list: 'fares' | 'seats' | 'nights'; index: number };

/**
 * InventoryUpdates on PostgreSQL: one transaction applies each list with one set-based UPDATE (the list
 * sent as arrays), reads what was touched and appends the events to the outbox, so the change and its
 * events commit together or not at all — whatever the size of the update.
 *
 * One UPDATE changes a row once, so updates naming the same cabin or night twice are merged first, in
 * list order (later values win, as applying them one after another would).
 */
export class PostgresInventoryUpdates implements InventoryUpdates {
  readonly #pool: pg.Pool;
  readonly #appendEvents: AppendEvents;

  constructor(pool: pg.Pool, appendEvents: AppendEvents) {
    this.#pool = pool;
    this.#appendEvents = appendEvents;
  }

  async apply(
    update: InventoryUpdate,
    events: (touched: TouchedInventory) => readonly CloudEvent[],
  ): Promise<TouchedInventory> {
    return guarded(
      'apply inventory updates',
      () =>
        inTransaction(this.#pool, async (client) => {
          const missing: Missing[] = [];
          const cabinKeys: string[] = [];
          // Dated legs of imported periods get their rows before they are changed (docs/adr/0025).
          await PostgresPeriodLegs.materialise(client, [
            ...(update.fares ?? []).map((u) => u.flightId),
            ...(update.seats ?? []).map((u) => u.flightId),
          ]);
          const fares = merge(update.fares ?? [], (u) => `${u.flightId}|${u.cabin}`, mergeFare);
          const foundFares = await updateFares(client, fares);
          (update.fares ?? []).forEach((u, index) => {
            const key = `${u.flightId}|${u.cabin}`;
            if (foundFares.has(key)) cabinKeys.push(key);
            else missing.push({ list: 'fares', index });
          });
          const seats = merge(
            update.seats ?? [],
            (u) => `${u.flightId}|${u.cabin}`,
            (_, next) => next,
          );
          const foundSeats = await updateSeats(client, seats);
          (update.seats ?? []).forEach((u, index) => {
            const key = `${u.flightId}|${u.cabin}`;
            if (foundSeats.has(key)) cabinKeys.push(key);
            else missing.push({ list: 'seats', index });
          });
          const nights = merge(update.nights ?? [], nightKey, mergeNight);
          const foundNights = await updateNights(client, nights);
          const hotelNights = new Map<string, TouchedNight>();
          (update.nights ?? []).forEach((u, index) => {
            const cityCode = foundNights.get(nightKey(u));
            if (cityCode === undefined) missing.push({ list: 'nights', index });
            else
              hotelNights.set(nightKey(u), {
                hotelId: u.hotelId,
                roomType: u.roomType,
                cityCode,
                date: u.date,
              });
          });
          // Throwing rolls back the updates already run: all or nothing.
          if (missing.length > 0) throw new UnknownInventoryError(missing);
          const touched = {
            flights: await touchedFlights(client, cabinKeys),
            hotelNights: [...hotelNights.values()],
          };
          await this.#appendEvents(client, events(touched));
          return touched;
        }),
      [UnknownInventoryError],
    );
  }
}

const nightKey = (u: RoomNightUpdate): string => `${u.hotelId}|${u.roomType}|${u.date}`;

const mergeFare = (previous: FareUpdate, next: FareUpdate): FareUpdate => ({
  ...next,
  ...(next.taxes === undefined && previous.taxes !== undefined ? { taxes: previous.taxes } : {}),
});

const mergeNight = (previous: RoomNightUpdate, next: RoomNightUpdate): RoomNightUpdate => ({
  ...next,
  ...(next.rate === undefined && previous.rate !== undefined ? { rate: previous.rate } : {}),
  ...(next.roomsLeft === undefined && previous.roomsLeft !== undefined
    ? { roomsLeft: previous.roomsLeft }
    : {}),
});

/** One update per key, later ones merged over earlier ones. */
function merge<T>(updates: readonly T[], keyOf: (u: T) => string, combine: (previous: T, next: T) => T): T[] {
  const byKey = new Map<string, T>();
  for (const u of updates) {
    const known = byKey.get(keyOf(u));
    byKey.set(keyOf(u), known === undefined ? u : combine(known, u));
  }
  return [...byKey.values()];
}

/** Applies new fares; returns the `flightId|cabin` keys that exist. */
async function updateFares(client: pg.PoolClient, fares: readonly FareUpdate[]): Promise<Set<string>> {
  if (fares.length === 0) return new Set();
  const { rows } = await client.query<{ key: string }>(
    `UPDATE flight_cabins c SET fare = u.fare, taxes = COALESCE(u.taxes, c.taxes)
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[]) AS u(flight_id, cabin, fare, taxes)
     WHERE c.flight_id = u.flight_id AND c.cabin = u.cabin
     RETURNING c.flight_id || '|' || c.cabin AS key`,
    [
      fares.map((u) => u.flightId),
      fares.map((u) => u.cabin),
      fares.map((u) => u.fare),
      fares.map((u) => u.taxes ?? null),
    ],
  );
  return new Set(rows.map((row) => row.key));
}

/** Sets seats left; a cabin refilled beyond what it was built with grows, so seats_left <= capacity holds. */
async function updateSeats(client: pg.PoolClient, seats: readonly SeatsUpdate[]): Promise<Set<string>> {
  if (seats.length === 0) return new Set();
  const { rows } = await client.query<{ key: string }>(
    `UPDATE flight_cabins c SET seats_left = u.seats_left, capacity = GREATEST(c.capacity, u.seats_left)
     FROM unnest($1::text[], $2::text[], $3::int[]) AS u(flight_id, cabin, seats_left)
     WHERE c.flight_id = u.flight_id AND c.cabin = u.cabin
     RETURNING c.flight_id || '|' || c.cabin AS key`,
    [seats.map((u) => u.flightId), seats.map((u) => u.cabin), seats.map((u) => u.seatsLeft)],
  );
  return new Set(rows.map((row) => row.key));
}

/** Applies night rates and rooms; returns the city of each night that exists, by night key. */
async function updateNights(
  client: pg.PoolClient,
  nights: readonly RoomNightUpdate[],
): Promise<Map<string, string>> {
  if (nights.length === 0) return new Map();
  const { rows } = await client.query<{ key: string; city_code: string }>(
    `WITH updated AS (
       UPDATE room_nights r SET rate = COALESCE(u.rate, r.rate), rooms_left = COALESCE(u.rooms_left, r.rooms_left)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[]) AS u(hotel_id, room_type, date, rate, rooms_left)
       WHERE r.hotel_id = u.hotel_id AND r.room_type = u.room_type AND r.date = u.date
       RETURNING r.hotel_id, r.room_type, r.date)
     SELECT updated.hotel_id || '|' || updated.room_type || '|' || updated.date AS key, h.city_code
     FROM updated JOIN hotels h ON h.id = updated.hotel_id`,
    [
      nights.map((u) => u.hotelId),
      nights.map((u) => u.roomType),
      nights.map((u) => u.date),
      nights.map((u) => u.rate ?? null),
      nights.map((u) => u.roomsLeft ?? null),
    ],
  );
  return new Map(rows.map((row) => [row.key, row.city_code]));
}

/** Route and UTC departure date of each touched cabin, once per cabin, in update order. */
async function touchedFlights(client: pg.PoolClient, cabinKeys: readonly string[]): Promise<TouchedFlight[]> {
  const unique = [...new Set(cabinKeys)];
  if (unique.length === 0) return [];
  const ids = [...new Set(unique.map((key) => key.slice(0, key.lastIndexOf('|'))))];
  const { rows } = await client.query<FlightRouteRow & { id: string }>(
    'SELECT id, origin, destination, departure_utc FROM flights WHERE id = ANY($1::text[])',
    [ids],
  );
  const flights = new Map(rows.map((row) => [row.id, row]));
  return unique.flatMap((key) => {
    const separator = key.lastIndexOf('|');
    const flight = flights.get(key.slice(0, separator));
    if (flight === undefined) return [];
    return [toTouchedFlight(flight.id, key.slice(separator + 1) as TouchedFlight['cabin'], flight)];
  });
}
