import type { Clock } from '../../../ports/clock.js';
import type { FlightRecord } from '../../../ports/store.js';
import type { SearchWindow, TimetableSource } from './live-timetable.js';
import { type AirportPosition, TimetableIndex } from './timetable-index.js';
import type { TimetableLayout } from './timetable-layout.js';

const DAY_MS = 86_400_000;
const MAX_ASKED = 1_000;

export interface DayWindowTimetableOptions {
  position: AirportPosition;
  /** Reads the flights departing in `window` from the store into a layout covering exactly it. */
  build: (window: SearchWindow, signal: AbortSignal) => Promise<TimetableLayout>;
  /** Most days of departures held at once, all windows together; the least recently used go first. */
  maxDays: number;
  /**
   * How long a window serves before it is read again. Nothing tells this process of schedule changes
   * (a Lambda sandbox receives no events), so age is what bounds how long a new flight can be missed;
   * fares, seats and removed flights are corrected sooner, by the store check of every answer.
   */
  maxAgeMs: number;
  clock: Clock;
  onError?: (error: unknown) => void;
}

interface Window {
  from: number;
  to: number;
  index?: TimetableIndex;
  builtAt: number;
}

/**
 * The timetable index of a process that cannot afford the whole one at start (a Lambda sandbox):
 * only the days searches ask for, each window read from the store in the background the first time
 * it is asked for again, one read at a time, and kept per sandbox up to `maxDays` days. A search whose
 * days are not held yet reads the store, as it would without an index, so no request ever waits
 * for a build: the cold start costs nothing, the warm invocations that follow get the index.
 */
export class DayWindowTimetable implements TimetableSource {
  readonly #options: DayWindowTimetableOptions;
  /** In order of use, least recent first. */
  readonly #windows = new Map<string, Window>();
  /** How often each window not held was asked for (the most recent MAX_ASKED). */
  readonly #asked = new Map<string, number>();
  #building: Promise<void> | undefined;
  readonly #closing = new AbortController();

  constructor(options: DayWindowTimetableOptions) {
    this.#options = options;
  }

  current(window?: SearchWindow): TimetableIndex | undefined {
    if (window === undefined) return undefined;
    const wanted = this.#daysOf(window);
    const now = this.#options.clock.now();
    for (const [key, held] of this.#windows) {
      if (!held.index || held.from > wanted.from || held.to < wanted.to) continue;
      if (now - held.builtAt > this.#options.maxAgeMs) continue;
      this.#windows.delete(key);
      this.#windows.set(key, held);
      return held.index;
    }
    // Read on the second search of the same days, not the first: the read runs beside requests (a
    // sandbox has no idle time), and a cold start's first request must not pay for it.
    const key = `${wanted.from}|${wanted.to}`;
    const asked = (this.#asked.get(key) ?? 0) + 1;
    this.#asked.delete(key);
    this.#asked.set(key, asked);
    if (this.#asked.size > MAX_ASKED) this.#asked.delete(this.#asked.keys().next().value as string);
    if (asked >= 2) this.#buildSoon(key, wanted);
    return undefined;
  }

  building(): boolean {
    return this.#building !== undefined;
  }

  corrected(flights: readonly FlightRecord[], missing: readonly string[]): void {
    for (const [key, window] of this.#windows) {
      const index = window.index;
      if (!index) continue;
      let structural = missing.length > 0;
      for (const flight of flights) {
        if (!index.covers(flight.departureUtc, flight.departureUtc + 1)) continue;
        if (index.refresh(flight) === 'not-indexed') structural = true;
      }
      // The window is read again when next asked for; until then its searches read the store.
      if (structural) this.#windows.delete(key);
    }
  }

  /** Windows held now (tests, logs). */
  held(): { from: number; to: number; builtAt: number }[] {
    return [...this.#windows.values()]
      .filter((w) => w.index !== undefined)
      .map(({ from, to, builtAt }) => ({ from, to, builtAt }));
  }

  /** Resolves once no read runs (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#building) await this.#building;
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.settled();
  }

  /** Whole UTC days around the window, at most `maxDays` of them (the rest reads the store). */
  #daysOf(window: SearchWindow): SearchWindow {
    const from = Math.floor(window.from / DAY_MS) * DAY_MS;
    const to = Math.min(Math.ceil(window.to / DAY_MS) * DAY_MS, from + this.#options.maxDays * DAY_MS);
    return { from, to: Math.max(to, from + DAY_MS) };
  }

  /** One read at a time: a sandbox serving requests never runs two store-wide reads at once. */
  #buildSoon(key: string, window: SearchWindow): void {
    if (this.#building || this.#closing.signal.aborted) return;
    this.#building = (async () => {
      try {
        const layout = await this.#options.build(window, this.#closing.signal);
        if (this.#closing.signal.aborted) return;
        this.#windows.delete(key);
        this.#asked.delete(key);
        this.#windows.set(key, {
          ...window,
          index: new TimetableIndex(layout, this.#options.position),
          builtAt: this.#options.clock.now(),
        });
        this.#evict();
      } catch (error) {
        if (!this.#closing.signal.aborted) this.#options.onError?.(error);
      } finally {
        this.#building = undefined;
      }
    })();
  }

  #evict(): void {
    const days = (w: Window) => (w.to - w.from) / DAY_MS;
    let total = [...this.#windows.values()].reduce((sum, w) => sum + days(w), 0);
    for (const [key, window] of this.#windows) {
      if (total <= this.#options.maxDays) break;
      this.#windows.delete(key);
      total -= days(window);
    }
  }
}
