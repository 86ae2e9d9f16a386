import type { AirportDirectory } from '../../ports/airports.js';
import type { Clock } from '../../ports/clock.js';
import type { CloudEvent } from '../../ports/events.js';
import type { StoreBackend } from '../../ports/store-backend.js';
import { createAvailabilityImport } from './availability/availability-import.js';
import { createFaresImport } from './fares/fares-import.js';
import { createHotelsImport } from './hotels/hotels-import.js';
import type { ImportKind, ImportKindName } from './import-kind.js';
import { SsimImport } from './ssim/ssim-import.js';

/** What any import kind may need; each factory takes its part. */
export interface ImportDependencies {
  airports: AirportDirectory;
  backend: StoreBackend;
  clock: Clock;
  eventSource: string;
  /** Told an import's events once they committed (this instance drops cached searches at once); never rejects. */
  afterCommit?: (events: readonly CloudEvent[]) => Promise<void>;
}

export type ImportKindFactory = (deps: ImportDependencies) => ImportKind;

/** The import kinds this build offers, by name: adding a kind is one line here. */
const IMPORT_KIND_FACTORIES: Partial<Record<ImportKindName, ImportKindFactory>> = {
  ssim: (deps) =>
    new SsimImport({
      airports: deps.airports,
      inventory: deps.backend.inventory,
      schedules: deps.backend.schedules,
      bookings: deps.backend.bookings,
      clock: deps.clock,
      eventSource: deps.eventSource,
      ...(deps.afterCommit ? { afterCommit: deps.afterCommit } : {}),
    }),
  fares: (deps) =>
    createFaresImport({
      fares: deps.backend.fares,
      airports: deps.airports,
      inventory: deps.backend.inventory,
      clock: deps.clock,
      eventSource: deps.eventSource,
      ...(deps.afterCommit ? { afterCommit: deps.afterCommit } : {}),
    }),
  availability: (deps) =>
    createAvailabilityImport({
      inventory: deps.backend.inventory,
      updates: deps.backend.inventoryUpdates,
      airports: deps.airports,
      clock: deps.clock,
      eventSource: deps.eventSource,
      ...(deps.afterCommit ? { afterCommit: deps.afterCommit } : {}),
    }),
  hotels: (deps) =>
    createHotelsImport({
      hotelImports: deps.backend.hotelImports,
      inventory: deps.backend.inventory,
      airports: deps.airports,
      clock: deps.clock,
      eventSource: deps.eventSource,
      ...(deps.afterCommit ? { afterCommit: deps.afterCommit } : {}),
    }),
};

/** The import kinds available, in the order IMPORT_KIND_NAMES lists them. */
export function availableImportKinds(): ImportKindName[] {
  return (Object.keys(IMPORT_KIND_FACTORIES) as ImportKindName[]).sort();
}

/** A fresh import of kind `name`, or undefined when this build does not offer that kind. */
export function createImportKind(name: ImportKindName, deps: ImportDependencies): ImportKind | undefined {
  return IMPORT_KIND_FACTORIES[name]?.(deps);
}
