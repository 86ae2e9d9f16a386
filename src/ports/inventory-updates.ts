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

/** A bulk update, applied all or nothing. */
export interface InventoryUpdate {
  fares?: readonly FareUpdate[];
  seats?: readonly SeatsUpdate[];
  nights?: readonly RoomNightUpdate[];
}

/**
 * Bulk changes of prices and availability, with their events written in the same transaction (the
 * outbox), so a change is never visible without its event eventually following. Rejects with
 * UnknownInventoryError (nothing written) when an update names a flight cabin or room night that does
 * not exist, and with StoreUnavailableError when the backend fails.
 */
export interface InventoryUpdates {
  /**
   * Applies `update` in one transaction and appends `events(touched)` to the outbox in it; resolves
   * with what was touched.
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
