import type { TouchedFlight } from '../../../ports/inventory-updates.js';
import type { FlightRecord, InventoryStore } from '../../../ports/store.js';
import { type AirportPosition, TimetableIndex } from './timetable-index.js';
import type { TimetableLayout } from './timetable-layout.js';

/** Schedule imports whose covering rebuild is remembered (their events arrive together). */
const REMEMBERED_IMPORTS = 64;

/** Departure times (epoch ms, [from, to)) a search reads legs in. */
export interface SearchWindow {
  from: number;
  to: number;
}

/** Where a search finds the timetable index it may use; undefined while there is none. */
export interface TimetableSource {
  /**
   * The index to search; undefined while there is none. `window` is what the search reads: a source
   * holding only some days (DayWindowTimetable) answers for those, the whole index ignores it.
   */
  current(window?: SearchWindow): TimetableIndex | undefined;
  /**
   * The store's records of flights a search found the index disagreeing with: fares and seats are
   * written into the index; a flight the index cannot take in place asks for a rebuild.
   */
  corrected(flights: readonly FlightRecord[], missing: readonly string[]): void;
}

export interface LiveTimetableOptions {
  /** Where airports are: the index measures routes with it. */
  position: AirportPosition;
  /** Reads the store into a new layout (the rebuild after a schedule change); stops once `signal` aborts. */
  rebuild?: (signal: AbortSignal) => Promise<TimetableLayout>;
  /** Called with each new layout once it serves (the search threads are handed it). */
  onSwap?: (layout: TimetableLayout) => void;
  onError?: (error: unknown) => void;
}

/**
 * The timetable index a process searches, kept current: fare and seat changes (price.updated,
 * availability.changed) are re-read from the store and written in place, where every thread sees
 * them at once; a change the layout cannot take in place (a new, retimed or cancelled flight: a
 * schedule change) rebuilds the layout from the store and swaps it whole, so a search reads either
 * the old timetable or the new one, never a mix. Searches re-check the flights of their answer
 * against the store (flight-search.ts), which covers the moments between a commit and its event.
 */
export class LiveTimetable implements TimetableSource {
  readonly #store: InventoryStore;
  readonly #options: LiveTimetableOptions;
  #index: TimetableIndex | undefined;
  #rebuilding: Promise<void> | undefined;
  /** A layout being loaded (`serveWhenLoaded`). */
  #loading: Promise<void> | undefined;
  #rebuildAgain = false;
  readonly #closing = new AbortController();
  /** Rebuilds started so far; a rebuild asked for now is number `#started + 1` or later. */
  #started = 0;
  /** The number of the latest rebuild that read the store and serves. */
  #served = 0;
  /** Per schedule import (its id), the first rebuild that started after its first event arrived. */
  readonly #importRebuilds = new Map<string, number>();

  constructor(store: InventoryStore, options: LiveTimetableOptions) {
    this.#store = store;
    this.#options = options;
  }

  current(): TimetableIndex | undefined {
    return this.#index;
  }

  /** True while a build or rebuild runs (the first build at start included). */
  building(): boolean {
    return this.#rebuilding !== undefined;
  }

  /** Serves `layout` from now on. */
  swap(layout: TimetableLayout): void {
    this.#index = new TimetableIndex(layout, this.#options.position);
    this.#options.onSwap?.(layout);
  }

  /**
   * Serves the layout `loading` resolves to (a snapshot being read off the event loop) unless a
   * build served first; answers whether it serves. `settled` waits for it.
   */
  async serveWhenLoaded(loading: Promise<TimetableLayout | undefined>): Promise<boolean> {
    const served = (async () => {
      const layout = await loading;
      // A build that finished meanwhile (a small world, an event's rebuild) is newer: it stays.
      if (!layout || this.#index || this.#closing.signal.aborted) return false;
      this.swap(layout);
      return true;
    })();
    const done = served.then(
      () => undefined,
      () => undefined,
    );
    this.#loading = done;
    void done.then(() => {
      if (this.#loading === done) this.#loading = undefined;
    });
    return served;
  }

  /** Re-reads the touched flights from the store and brings the index up to date with them. */
  async apply(touched: readonly TouchedFlight[]): Promise<void> {
    const index = this.#index;
    if (!index || touched.length === 0) return;
    const ids = [...new Set(touched.map((flight) => flight.flightId))];
    const flights = await this.#store.getFlights(ids);
    const found = new Set(flights.map((flight) => flight.id));
    this.corrected(
      flights,
      ids.filter((id) => !found.has(id)),
    );
  }

  corrected(flights: readonly FlightRecord[], missing: readonly string[]): void {
    const index = this.#index;
    if (!index) return;
    let structural = missing.length > 0;
    for (const flight of flights) {
      if (!index.covers(flight.departureUtc, flight.departureUtc + 1)) continue;
      if (index.refresh(flight) === 'not-indexed') structural = true;
    }
    if (structural) this.rebuildSoon();
  }

  /** Rebuilds the layout from the store (once more after the current rebuild, when one runs). */
  rebuildSoon(): void {
    const rebuild = this.#options.rebuild;
    if (!rebuild || this.#closing.signal.aborted) return;
    if (this.#rebuilding) {
      this.#rebuildAgain = true;
      return;
    }
    this.#rebuilding = (async () => {
      try {
        do {
          this.#rebuildAgain = false;
          const number = ++this.#started;
          const layout = await rebuild(this.#closing.signal);
          if (this.#closing.signal.aborted) return;
          this.swap(layout);
          this.#served = number;
        } while (this.#rebuildAgain);
      } catch (error) {
        if (!this.#closing.signal.aborted) this.#options.onError?.(error);
      } finally {
        this.#rebuilding = undefined;
      }
    })();
  }

  /** Rebuilds the layout from the store and resolves once a layout read after this call serves. */
  async rebuildNow(): Promise<void> {
    this.rebuildSoon();
    await this.settled();
  }

  /**
   * `rebuildNow` for a change a schedule import committed, coalesced per import: an import commits
   * all its flights in one transaction and then announces them in several `schedule.changed` events
   * (one for the flights, one per affected booking). A rebuild that started after the first of them
   * arrived has read every one, so the later events wait for that rebuild (or, when it is done,
   * nothing) instead of each reading the whole store again. A rebuild that failed covers nothing:
   * the next event of the import asks again.
   */
  async rebuildAfterImport(importId: string): Promise<void> {
    const covering = this.#importRebuilds.get(importId);
    if (covering !== undefined) {
      await this.settled();
      if (this.#served >= covering) return;
    }
    // The rebuild that covers this import is the next to start (one running now may have read the
    // store before the import committed).
    this.#importRebuilds.delete(importId);
    this.#importRebuilds.set(importId, this.#started + 1);
    if (this.#importRebuilds.size > REMEMBERED_IMPORTS)
      this.#importRebuilds.delete(this.#importRebuilds.keys().next().value as string);
    await this.rebuildNow();
  }

  /** Stops a rebuild that runs (it is abandoned) and starts no other; resolves once none runs. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.settled();
  }

  /** Resolves once no rebuild runs and no layout is being loaded (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#rebuilding || this.#loading) await (this.#rebuilding ?? this.#loading);
  }
}
