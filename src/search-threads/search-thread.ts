/**
 * A search thread: its own read-only SQLite connection, airport directory and searches, answering
 * one search at a time for the pool in pool.ts. Origin searches are synchronous SQLite work and
 * connection building; here they hold this thread, never the thread serving cached answers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadAirportDirectory } from '../adapters/airports/openflights.js';
import { createMemoryCache } from '../adapters/cache/memory.js';
import { openSqliteReadOnlySearchStores } from '../adapters/store/sqlite/index.js';
import { DomainError } from '../core/errors.js';
import { FlightSearch } from '../core/flights/flight-search.js';
import type { TimetableSource } from '../core/flights/timetable/live-timetable.js';
import { TimetableIndex } from '../core/flights/timetable/timetable-index.js';
import { HotelSearch } from '../core/hotels/hotel-search.js';
import { TokenSigner } from '../core/offers/signed-token.js';
import { SearchResults } from '../core/search/search-results.js';
import { SearchCancelledError } from '../core/search/work-budget.js';
import { systemClock } from '../ports/clock.js';
import { StoreUnavailableError } from '../ports/store.js';
import {
  type SearchAnswer,
  type SearchThreadSetup,
  type ThreadError,
  TIMETABLE_STALE,
  type ToSearchThread,
} from './protocol.js';
import { lowerThreadPriority } from './thread-priority.js';

const setup = workerData as SearchThreadSetup;
const port = parentPort;
if (port === null) throw new Error('search-thread.ts runs as a worker thread');
// Before the store opens, so nothing this thread does competes with the event loop serving hits.
lowerThreadPriority(setup.niceness);

const signer = new TokenSigner(setup.signingSecret);
// Pages are cut on the main thread from what this thread returns; this thread only runs searches,
// so the result cache its searches are built with is never consulted (a minimal one suffices).
const unusedResults = new SearchResults({
  cache: createMemoryCache({ maxEntries: 1, maxBytes: 1_024, keyPrefix: 'thread' }),
  snapshots: createMemoryCache({ maxEntries: 1, maxBytes: 1_024, keyPrefix: 'thread-snapshots' }),
  signer,
  clock: systemClock,
  ttlMs: () => 0,
  graceMs: 0,
  snapshotTtlMs: 0,
  preparedPages: 1,
});
/**
 * The main thread's timetable index, over its shared memory: fares and seats it or this thread
 * correct in place are seen by all; a change only a rebuild takes in is left to the main thread.
 */
let index: TimetableIndex | undefined;
const timetable: TimetableSource = {
  current: () => index,
  corrected(flights, missing) {
    let structural = missing.length > 0;
    for (const flight of flights)
      if (
        index?.covers(flight.departureUtc, flight.departureUtc + 1) &&
        index.refresh(flight) === 'not-indexed'
      )
        structural = true;
    if (structural) port.postMessage(TIMETABLE_STALE);
  },
};
const airportDirectory = await loadAirportDirectory();
const stores = openSqliteReadOnlySearchStores(setup.sqliteFile);
const shared = {
  store: stores.inventory,
  fares: stores.fares,
  airports: airportDirectory,
  clock: systemClock,
  signer,
  offerTtlMs: setup.offerTtlMs,
  maxResults: setup.maxResults,
  workLimits: setup.workLimits,
  results: unusedResults,
  timetable,
};
const flights = new FlightSearch(shared);
const hotels = new HotelSearch(shared);
/** The abort controller of each search running here, by task id (a cancel message aborts it). */
const running = new Map<number, AbortController>();

function threadError(error: unknown): ThreadError {
  if (error instanceof DomainError)
    return { kind: 'domain', message: error.message, code: error.code, details: error.details };
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SearchCancelledError) return { kind: 'cancelled', message };
  if (error instanceof StoreUnavailableError) return { kind: 'store-unavailable', message };
  return { kind: 'other', message };
}

port.on('message', async (task: ToSearchThread) => {
  if (task.type === 'cancel') {
    running.get(task.id)?.abort();
    return;
  }
  if (task.type === 'timetable') {
    index = new TimetableIndex(task.layout, (iata) => airportDirectory.byIata(iata));
    return;
  }
  const controller = new AbortController();
  running.set(task.id, controller);
  let answer: SearchAnswer;
  try {
    const options = { signal: controller.signal };
    const run =
      task.kind === 'flights'
        ? await flights.search(task.request, options)
        : await hotels.search(task.request, options);
    answer = { id: task.id, ok: true, run };
  } catch (error) {
    answer = { id: task.id, ok: false, error: threadError(error) };
  } finally {
    running.delete(task.id);
  }
  port.postMessage(answer);
});
port.postMessage('ready');
