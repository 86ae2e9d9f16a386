import type { CloudEvent } from './events.js';
import type { HotelRecord, RoomNightRecord } from './store.js';

/** A room night of an import being staged, with the line of the file it came from. */
export interface StagedNight {
  line: number;
  night: RoomNightRecord;
}

/**
 * One hotel a file names: the hotel as the file describes it (its room types replace the stored
 * ones) and the nights the file covers for it, [firstNight, lastNight]; absent when the file lists
 * no night of the hotel.
 */
export interface HotelImportScope {
  hotel: HotelRecord;
  firstNight?: string;
  lastNight?: string;
}

/** How staged nights differ from the stored ones in the scopes' ranges (and of room types dropped). */
export interface NightComparison {
  created: number;
  changed: number;
  unchanged: number;
  removed: number;
  /** Hotel and date of every night created, changed or removed, without repeats. */
  changedNights: { hotelId: string; date: string }[];
}

/**
 * Imports of hotels with their room nights: nights are staged under an import id (invisible to
 * searches), then `replace` puts the hotels and swaps their nights in. Every method rejects with
 * StoreUnavailableError when the backend cannot be reached.
 */
export interface HotelImports {
  /**
   * Adds nights to import `importId`. Answers the lines of nights whose hotel, room type and date the
   * import already holds — those are not written.
   */
  stageNights(importId: string, nights: readonly StagedNight[]): Promise<number[]>;
  /**
   * Compares the staged nights with the stored ones: within each scope's range, and any night of a
   * room type the scope's hotel no longer has.
   */
  compareNights(importId: string, scopes: readonly HotelImportScope[]): Promise<NightComparison>;
  /**
   * Writes the scopes' hotels (replacing them whole), deletes their stored nights within each range
   * and of room types they no longer have, moves the staged nights in, appends `events`, then
   * deletes the staging. One transaction on SQLite and PostgreSQL; on DynamoDB, which cannot take a
   * whole file in one transaction, batches in that order with the events last (docs/import.md).
   */
  replace(
    importId: string,
    scopes: readonly HotelImportScope[],
    events: readonly CloudEvent[],
  ): Promise<void>;
  /** Deletes what import `importId` staged; a no-op when it staged nothing. */
  discard(importId: string): Promise<void>;
}
