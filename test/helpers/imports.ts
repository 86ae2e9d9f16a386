import { createMemoryCache } from '../../src/adapters/cache/memory.js';
import { FlightSearch } from '../../src/core/flights/flight-search.js';
import type { ImportLine } from '../../src/core/imports/import-kind.js';
import { PriceConfirmation } from '../../src/core/offers/price-confirmation.js';
import { TokenSigner } from '../../src/core/offers/signed-token.js';
import { SearchResults } from '../../src/core/search/search-results.js';
import type { AirportDirectory } from '../../src/ports/airports.js';
import type { Clock } from '../../src/ports/clock.js';
import type { FareSource, FlightRecord, InventoryStore } from '../../src/ports/store.js';
import type { StoreBackend } from '../../src/ports/store-backend.js';

/** The lines of a file as an import reads them, numbered from 1. */
export async function* importLines(text: string): AsyncGenerator<ImportLine> {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [i, line] of lines.entries()) yield { line: i + 1, text: line.replace(/\r$/, '') };
}

/**
 * The store with the fare source of the named carriers' flights set as the schedule import writes it.
 * This branch's store backends do not yet keep `fareSource` (the SSIM import persists it); until they
 * do, tests mark the flights they put as `filed` or `estimated` on the way out.
 */
export function withFareSource(
  store: InventoryStore,
  sources: ReadonlyMap<string, FareSource>,
): InventoryStore {
  const mark = (flights: FlightRecord[]): FlightRecord[] =>
    flights.map((flight) => {
      const source = sources.get(flight.carrier);
      return source === undefined ? flight : { ...flight, fareSource: source };
    });
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name === 'findFlights')
        return async (...args: Parameters<InventoryStore['findFlights']>) =>
          mark(await target.findFlights(...args));
      if (name === 'findFlightsOnLegs')
        return async (...args: Parameters<InventoryStore['findFlightsOnLegs']>) =>
          (await target.findFlightsOnLegs(...args)).map(mark);
      if (name === 'getFlights')
        return async (...args: Parameters<InventoryStore['getFlights']>) =>
          mark(await target.getFlights(...args));
      const value = Reflect.get(target, name, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A flight search and price confirmation over a backend, as the platform wires them. */
export function searchOver(
  backend: StoreBackend,
  store: InventoryStore,
  airports: AirportDirectory,
  clock: Clock,
): { search: FlightSearch; confirmation: PriceConfirmation } {
  const signer = new TokenSigner('imports-test-signing-secret-0000000000');
  const results = new SearchResults({
    cache: createMemoryCache({ maxEntries: 100, maxBytes: 10_000_000, keyPrefix: 'imports' }),
    snapshots: createMemoryCache({ maxEntries: 100, maxBytes: 10_000_000, keyPrefix: 'imports-snapshots' }),
    signer,
    clock,
    ttlMs: () => 60_000,
    graceMs: 0,
    snapshotTtlMs: 60_000,
    preparedPages: 1,
  });
  const deps = { store, fares: backend.fares, airports, clock, signer, offerTtlMs: 600_000 };
  return {
    search: new FlightSearch({ ...deps, results, maxResults: 250 }),
    confirmation: new PriceConfirmation(deps),
  };
}
