/**
 * A search thread: its own read-only SQLite connection, airport directory and searches, answering
 * one search at a time for the pool in pool.ts. Origin searches are synchronous SQLite work and
 * connection building; here they hold this thread, never the thread serving cached answers.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadAirportDirectory } from '../adapters/airports/openflights.js';
import { SqliteInventoryStore } from '../adapters/store/sqlite/inventory-store.js';
import { openSqliteReadOnly } from '../adapters/store/sqlite/read-only-database.js';
import { DomainError } from '../core/errors.js';
import { FlightSearch } from '../core/flights/flight-search.js';
import { HotelSearch } from '../core/hotels/hotel-search.js';
import { TokenSigner } from '../core/offers/signed-token.js';
import { systemClock } from '../ports/clock.js';
import type { SearchAnswer, SearchTask, SearchThreadSetup, ThreadError } from './protocol.js';

const setup = workerData as SearchThreadSetup;
const port = parentPort;
if (port === null) throw new Error('search-thread.ts runs as a worker thread');

const shared = {
  store: new SqliteInventoryStore(openSqliteReadOnly(setup.sqliteFile)),
  airports: await loadAirportDirectory(),
  clock: systemClock,
  signer: new TokenSigner(setup.signingSecret),
  offerTtlMs: setup.offerTtlMs,
  maxResults: setup.maxResults,
};
const flights = new FlightSearch(shared);
const hotels = new HotelSearch(shared);

function threadError(error: unknown): ThreadError {
  if (error instanceof DomainError)
    return { message: error.message, code: error.code, details: error.details };
  return { message: error instanceof Error ? error.message : String(error) };
}

port.on('message', async (task: SearchTask) => {
  let answer: SearchAnswer;
  try {
    const run =
      task.kind === 'flights' ? await flights.search(task.request) : await hotels.search(task.request);
    answer = { id: task.id, ok: true, run };
  } catch (error) {
    answer = { id: task.id, ok: false, error: threadError(error) };
  }
  port.postMessage(answer);
});
port.postMessage('ready');
