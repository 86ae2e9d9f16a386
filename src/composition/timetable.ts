import type { Logger } from 'pino';
import { createStore } from '../adapters/store/create-store.js';
import type { Config } from '../config.js';
import { DayWindowTimetable } from '../core/flights/timetable/day-window-timetable.js';
import { LiveTimetable } from '../core/flights/timetable/live-timetable.js';
import {
  buildTimetable,
  catchUpWithStore,
  UnindexableFlightError,
} from '../core/flights/timetable/timetable-builder.js';
import { layoutBytes, legCount, type TimetableLayout } from '../core/flights/timetable/timetable-layout.js';
import type { AirportDirectory } from '../ports/airports.js';
import type { Clock } from '../ports/clock.js';
import type { InventoryStore } from '../ports/store.js';
import {
  readTimetableSnapshot,
  timetableSnapshotSize,
  writeTimetableSnapshot,
} from './timetable-snapshot.js';

const DAY_MS = 86_400_000;
/**
 * After serving from a snapshot, how long the full read from the store waits: the process first
 * finishes starting and listening, then catches up with what changed while it was down.
 */
const REREAD_AFTER_SNAPSHOT_MS = 5_000;
/** Least time between two progress lines while the index builds. */
const PROGRESS_EVERY_MS = 2_000;

export interface TimetableComponents {
  timetable: LiveTimetable;
  /** Builds the index from the store in the background; searches read the store until it serves. */
  start(): void;
  /** Cancels the background reads, the one running included (before the store closes). */
  stop(): Promise<void>;
}

/**
 * The in-memory timetable index of this process (SEARCH_INDEX=memory), or undefined
 * (SEARCH_INDEX=store). `share` hands each new layout to the search threads.
 */
export function createTimetableComponents(
  config: Config,
  deps: {
    store: InventoryStore;
    airports: AirportDirectory;
    clock: Clock;
    log: Logger;
    share?: (layout: TimetableLayout) => void;
  },
): TimetableComponents | undefined {
  if (config.searchIndex !== 'memory') return undefined;
  const { store, clock, log } = deps;
  const snapshot = snapshotFile(config);
  const build = async (signal: AbortSignal): Promise<TimetableLayout> => {
    const started = performance.now();
    // From the start of yesterday (UTC): a search may ask for "yesterday" somewhere on Earth.
    const from = Math.floor(clock.now() / DAY_MS) * DAY_MS - DAY_MS;
    let reported = 0;
    // Columns sized up front (timetable-builder.ts LegColumns): the legs of the layout serving now,
    // else the store's flight count where counting is cheap (a DynamoDB count is a scan).
    const serving = timetable.current();
    const expectedLegs = serving
      ? legCount(serving.layout)
      : config.storeBackend === 'sqlite' || config.storeBackend === 'postgres'
        ? (await store.stats()).flights
        : 0;
    const layout = await buildTimetable(
      store,
      { from, to: from + config.searchIndexDays * DAY_MS },
      (done, total, legs) => {
        const now = performance.now();
        if (done === total || now - reported < PROGRESS_EVERY_MS) return;
        reported = now;
        log.info({ routes: `${done}/${total}`, legs }, 'timetable index building');
      },
      signal,
      clock,
      expectedLegs,
    );
    log.info(
      {
        buildMs: Math.round(performance.now() - started),
        legs: legCount(layout),
        routes: layout.routeCarriers.length,
        sharedMb: Math.round(layoutBytes(layout) / 1_048_576),
      },
      'timetable index serving',
    );
    // Written after the layout serves, one write at a time, off the event loop's critical path
    // (a year's snapshot is gigabytes: seconds of writes).
    if (snapshot) {
      writing = writing
        .then(() => writeTimetableSnapshot(snapshot, layout))
        .catch((error: unknown) =>
          log.warn({ err: error, file: snapshot }, 'timetable snapshot not written'),
        );
    }
    return layout;
  };
  let writing: Promise<void> = Promise.resolve();
  const start = (): void => {
    // No snapshot (none configured, none written yet, not one): build from the store now.
    if (!snapshot || !timetableSnapshotSize(snapshot)) {
      timetable.rebuildSoon();
      return;
    }
    void serveSnapshot(snapshot);
  };
  /** Serves the snapshot once read (searches read the store meanwhile), else builds from the store. */
  const serveSnapshot = async (file: string): Promise<void> => {
    const loadStarted = performance.now();
    const loading = readTimetableSnapshot(file);
    if (!(await timetable.serveWhenLoaded(loading))) {
      if (!stopping.signal.aborted && !timetable.current()) timetable.rebuildSoon();
      return;
    }
    const saved = (await loading) as TimetableLayout;
    log.info(
      {
        loadMs: Math.round(performance.now() - loadStarted),
        legs: legCount(saved),
        builtAt: new Date(saved.builtAt).toISOString(),
        sharedMb: Math.round(layoutBytes(saved) / 1_048_576),
      },
      'timetable index serving from its snapshot; catching up with the store in the background',
    );
    reread = setTimeout(() => void catchUp(saved), REREAD_AFTER_SNAPSHOT_MS);
    reread.unref();
  };
  let reread: NodeJS.Timeout | undefined;
  const stopping = new AbortController();
  /**
   * After a snapshot start: the store may have changed while the process was down. Fares and seats
   * are caught up in place (one copy of the timetable in memory); a changed schedule rebuilds.
   */
  const catchUp = async (saved: TimetableLayout): Promise<void> => {
    const index = timetable.current();
    if (!index || index.layout !== saved) return;
    const started = performance.now();
    try {
      const result = await catchUpWithStore(index, store, stopping.signal);
      log.info(
        { catchUpMs: Math.round(performance.now() - started), result },
        result === 'current'
          ? 'timetable index caught up with the store in place'
          : 'timetable index: the schedule changed while stopped; rebuilding from the store',
      );
      if (result === 'schedule-changed') timetable.rebuildSoon();
    } catch (error) {
      if (stopping.signal.aborted) return;
      log.warn({ err: error }, 'timetable index catch-up failed; rebuilding from the store');
      timetable.rebuildSoon();
    }
  };
  const stop = async (): Promise<void> => {
    clearTimeout(reread);
    stopping.abort();
    await timetable.close();
    // A snapshot being written is finished (its temporary file is otherwise left behind).
    await writing;
  };
  const timetable = new LiveTimetable(store, {
    position: (iata) => deps.airports.byIata(iata),
    rebuild: build,
    ...(deps.share ? { onSwap: deps.share } : {}),
    onError: (error) =>
      error instanceof UnindexableFlightError
        ? log.warn({ err: error }, 'timetable index unavailable; searches read the store')
        : log.warn({ err: error }, 'timetable index build failed; searches read the store'),
  });
  return { timetable, start, stop };
}

/**
 * Bytes a leg takes in the index, rounded up from the layout measured at 3,000 airports × 30 days
 * (92.8 B: docs/adr/0020-search-index.md), for sizing an index from a flight count before any build.
 */
export const INDEX_BYTES_PER_LEG = 96;

/**
 * How big the timetable index of this configuration is, before any process builds it: exactly,
 * from the header of its snapshot when there is one; otherwise estimated from the store's flight
 * count (SQLite and PostgreSQL count cheaply; a DynamoDB count is a scan, so it is not sized).
 * Undefined without an index (SEARCH_INDEX=store) or when it cannot tell (an empty or new store).
 */
export async function timetableIndexSize(
  config: Config,
): Promise<{ legs: number; bytes: number; from: 'snapshot' | 'store' } | undefined> {
  if (config.searchIndex !== 'memory') return undefined;
  const snapshot = snapshotFile(config);
  const saved = snapshot ? timetableSnapshotSize(snapshot) : undefined;
  if (saved) return { ...saved, from: 'snapshot' };
  if (config.storeBackend !== 'sqlite' && config.storeBackend !== 'postgres') return undefined;
  try {
    const backend = await createStore(config);
    try {
      const { flights } = await backend.inventory.stats();
      return { legs: flights, bytes: flights * INDEX_BYTES_PER_LEG, from: 'store' };
    } finally {
      await backend.close();
    }
  } catch {
    // A store not yet migrated or not reachable: the workers report it as they start.
    return undefined;
  }
}

/**
 * The index of only the days searches ask for (SEARCH_INDEX=days: Lambda sandboxes), or undefined.
 * Nothing is read at start: the first search of some days reads the store and starts reading those
 * days into an index in the background, which the searches after it use.
 */
export function createDayWindowTimetable(
  config: Config,
  deps: { store: InventoryStore; airports: AirportDirectory; clock: Clock; log: Logger },
): DayWindowTimetable | undefined {
  if (config.searchIndex !== 'days') return undefined;
  const { store, log } = deps;
  return new DayWindowTimetable({
    position: (iata) => deps.airports.byIata(iata),
    maxDays: config.searchIndexWindowDays,
    maxAgeMs: config.searchIndexMaxAgeSeconds * 1000,
    clock: deps.clock,
    async build(window, signal) {
      const started = performance.now();
      const layout = await buildTimetable(store, window, undefined, signal);
      log.info(
        {
          from: new Date(window.from).toISOString().slice(0, 10),
          days: Math.round((window.to - window.from) / DAY_MS),
          buildMs: Math.round(performance.now() - started),
          legs: legCount(layout),
          sharedMb: Math.round(layoutBytes(layout) / 1_048_576),
        },
        'timetable index serving these days',
      );
      return layout;
    },
    onError: (error) =>
      log.warn({ err: error }, 'timetable index of some days failed; searches read the store'),
  });
}

/** Where the index is saved between runs (SEARCH_INDEX_SNAPSHOT), or undefined for nowhere. */
function snapshotFile(config: Config): string | undefined {
  if (config.searchIndexSnapshot === 'off') return undefined;
  if (config.searchIndexSnapshot !== 'auto') return config.searchIndexSnapshot;
  if (config.storeBackend !== 'sqlite' || config.sqliteFile === ':memory:' || config.sqliteFile === '')
    return undefined;
  return `${config.sqliteFile}.timetable`;
}
