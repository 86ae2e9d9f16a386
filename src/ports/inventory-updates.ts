import type { CloudEvent } from './events.js';
import type { Cabin } from './store.js';

/** One cabin of one flight, with what cache tags need: the route and the UTC departure date. */
export interface TouchedFlight {
  flightId: string;
  cabin: Cabin;
  origin: string;
  destination: string;
  /** Calendar date (YYYY-MM-DD) of the departure in UTC: search results are tagged by it. */
  departureDate: string;
}

/** One night of one room type, with the city hotel searches are tagged by. */
export interface TouchedNight {
  hotelId: string;
  roomType: string;
  cityCode: string;
  /** YYYY-MM-DD. */
  date: string;
}

/** Inventory a change touched; carried in `price.updated` and `availability.changed` events. */
export interface TouchedInventory {
  flights: TouchedFlight[];
  hotelNights: TouchedNight[];
}

/** New fare (and optionally taxes) of a flight cabin, minor units of the flight's currency. */
export interface FareUpdate {
  flightId: string;
  cabin: Cabin;
  fare: number;
  taxes?: number;
}

/** New seats left of a flight cabin. */
export interface SeatsUpdate {
  flightId: string;
  cabin: Cabin;
  seatsLeft: number;
}

/** New rate (minor units of the night's currency) and/or rooms left of a room night. */
export interface RoomNightUpdate {
  hotelId: string;
  roomType: string;
  date: string;
  rate?: number;
  roomsLeft?: number;
}

/** A bulk update: absolute values, so applying the same update again is harmless. */
export interface InventoryUpdate {
  fares?: readonly FareUpdate[];
  seats?: readonly SeatsUpdate[];
  nights?: readonly RoomNightUpdate[];
}

/**
 * Most items (fares + seats + nights) one transaction of `InventoryUpdates.apply` must take. Sized
 * for DynamoDB: TransactWriteItems takes at most 100 items, and a chunk's events ride in the same
 * transaction. A backend without such a limit (SQLite, PostgreSQL) may apply more in one.
 */
export const INVENTORY_UPDATE_CHUNK_SIZE = 90;

/**
 * Bulk changes of prices and availability, with their events written in the same transaction (the
 * outbox), so a change is never visible without its event eventually following.
 *
 * All or nothing per chunk: an update of at most INVENTORY_UPDATE_CHUNK_SIZE items is applied in one
 * transaction with its events. A larger one may be applied as several such transactions, in list
 * order (fares, then seats, then nights), each with the events of what it touched. Every item is
 * checked to exist before the first chunk is written, so an UnknownInventoryError always means
 * nothing was written. When the store fails midway the call rejects with StoreUnavailableError and
 * the chunks already committed stay, with their events; since updates are absolute values, the
 * caller retries the whole update.
 */
export interface InventoryUpdates {
  /**
   * Applies `update` and appends `events(touched)` to the outbox in the transaction of each chunk
   * (`touched` is what that chunk touched); resolves with everything touched. Rejects with
   * UnknownInventoryError (nothing written) when an item names a flight cabin or room night that does
   * not exist, and with StoreUnavailableError when the backend fails.
   */
  apply(
    update: InventoryUpdate,
    events: (touched: TouchedInventory) => readonly CloudEvent[],
  ): Promise<TouchedInventory>;
}

/** Updates named inventory that does not exist; `indexes` are positions in the update lists. */
export class UnknownInventoryError extends Error {
  constructor(readonly missing: readonly { list: 'fares' | 'seats' | 'nights'; index: number }[]) {
    super(`${missing.length} update(s) name inventory that does not exist`);
    this.name = 'UnknownInventoryError';
  }
}
