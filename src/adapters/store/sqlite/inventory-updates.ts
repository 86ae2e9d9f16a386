import type { CloudEvent } from '../../../ports/events.js';
import {
  type InventoryUpdate,
  type InventoryUpdates,
  type TouchedFlight,
  type TouchedInventory,
  type TouchedNight,
  UnknownInventoryError,
} from '../../../ports/inventory-updates.js';
import type { Cabin } from '../../../ports/store.js';
import { StoreUnavailableError } from '../../../ports/store.js';
import { type FlightRouteRow, toTouchedFlight } from '../relational-inventory-rows.js';
import type { SqliteDatabase } from './database.js';
import type { SqliteOutbox } from './outbox.js';
import { SqlitePeriodLegs } from './period-legs.js';

/**
 * InventoryUpdates on the shared SQLite connection: one BEGIN IMMEDIATE transaction applies every
 * update, reads what each touched (route and UTC departure date, hotel city) and appends the events
 * to the outbox, so the change and its events commit together or not at all.
 */
export class SqliteInventoryUpdates implements InventoryUpdates {
  readonly #db: SqliteDatabase;
  readonly #outbox: SqliteOutbox;
  readonly #periods: SqlitePeriodLegs;
  readonly #s;

  constructor(db: SqliteDatabase, outbox: SqliteOutbox) {
    this.#db = db;
    this.#outbox = outbox;
    this.#periods = new SqlitePeriodLegs(db);
    this.#s = {
      fare: db.prepare(
        'UPDATE flight_cabins SET fare = @fare, taxes = COALESCE(@taxes, taxes) WHERE flight_id = @flightId AND cabin = @cabin',
      ),
      // A cabin refilled beyond what it was built with grows: seats_left <= capacity stays true.
      seats: db.prepare(
        `UPDATE flight_cabins SET seats_left = @seatsLeft, capacity = MAX(capacity, @seatsLeft)
         WHERE flight_id = @flightId AND cabin = @cabin`,
      ),
      night: db.prepare(
        `UPDATE room_nights SET rate = COALESCE(@rate, rate), rooms_left = COALESCE(@roomsLeft, rooms_left)
         WHERE hotel_id = @hotelId AND room_type = @roomType AND date = @date`,
      ),
      flight: db.prepare('SELECT origin, destination, departure_utc FROM flights WHERE id = ?'),
      hotelCity: db.prepare('SELECT city_code FROM hotels WHERE id = ?'),
    };
  }

  async apply(
    update: InventoryUpdate,
    events: (touched: TouchedInventory) => readonly CloudEvent[],
  ): Promise<TouchedInventory> {
    try {
      return this.#db
        .transaction(() => {
          const missing: { list: 'fares' | 'seats' | 'nights'; index: number }[] = [];
          // Dated legs of imported periods get their rows before they are changed (docs/adr/0025).
          this.#periods.materialise([
            ...(update.fares ?? []).map((f) => f.flightId),
            ...(update.seats ?? []).map((f) => f.flightId),
          ]);
          const flights = new Map<string, TouchedFlight>();
          const nights = new Map<string, TouchedNight>();
          const touchFlight = (flightId: string, cabin: Cabin): void => {
            const row = this.#s.flight.get(flightId) as FlightRouteRow | undefined;
            if (row !== undefined) flights.set(`${flightId}|${cabin}`, toTouchedFlight(flightId, cabin, row));
          };
          (update.fares ?? []).forEach((fare, index) => {
            const changed = this.#s.fare.run({ ...fare, taxes: fare.taxes ?? null }).changes;
            if (changed === 1) touchFlight(fare.flightId, fare.cabin);
            else missing.push({ list: 'fares', index });
          });
          (update.seats ?? []).forEach((seats, index) => {
            if (this.#s.seats.run(seats).changes === 1) touchFlight(seats.flightId, seats.cabin);
            else missing.push({ list: 'seats', index });
          });
          (update.nights ?? []).forEach((night, index) => {
            const changed = this.#s.night.run({
              ...night,
              rate: night.rate ?? null,
              roomsLeft: night.roomsLeft ?? null,
            }).changes;
            const city = this.#s.hotelCity.get(night.hotelId) as { city_code: string } | undefined;
            if (changed !== 1 || city === undefined) {
              missing.push({ list: 'nights', index });
              return;
            }
            nights.set(`${night.hotelId}|${night.roomType}|${night.date}`, {
              hotelId: night.hotelId,
              roomType: night.roomType,
              cityCode: city.city_code,
              date: night.date,
            });
          });
          // Throwing rolls back the updates already run: all or nothing.
          if (missing.length > 0) throw new UnknownInventoryError(missing);
          const touched = { flights: [...flights.values()], hotelNights: [...nights.values()] };
          this.#outbox.append(events(touched));
          return touched;
        })
        .immediate();
    } catch (error) {
      if (error instanceof UnknownInventoryError) throw error;
      throw new StoreUnavailableError('cannot apply inventory updates', { cause: error });
    }
  }
}
