import type { AirportDirectory } from '../../../ports/airports.js';
import type { Clock } from '../../../ports/clock.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { FareComparison, FareFilings, StagedFiling } from '../../../ports/fare-filings.js';
import type { InventoryStore } from '../../../ports/store.js';
import { eventFactory } from '../../events/create-event.js';
import type { InventoryChangedData } from '../../events/inventory-events.js';
import { uuidV7 } from '../../events/uuid-v7.js';
import type { ImportKind, ImportLine, ImportOptions, ImportSummary } from '../import-kind.js';
import { ProblemLog } from '../tabular/problem-log.js';
import { readTabularRecords } from '../tabular/tabular-records.js';
import { FARES_FORMAT, readFareRecord } from './fare-record.js';

export interface FaresImportDependencies {
  /** Where filings are staged and published. */
  fares: FareFilings;
  /** Airports a fare may name. */
  airports: AirportDirectory;
  /** Airlines the inventory knows: a fare of a carrier it does not know is a warning (its flights may come later). */
  inventory: Pick<InventoryStore, 'listAirlines'>;
  clock: Clock;
  eventSource: string;
  /** Told the events once they committed, so this instance drops its stale searches at once; must not reject. */
  afterCommit?: (events: readonly CloudEvent[]) => Promise<void>;
}

/** Filings staged per store call: large enough to amortise round trips, small enough to hold. */
const STAGE_BATCH = 500;
/** Routes per `price.updated` event, so one event stays well inside a DynamoDB item (400 KB). */
const ROUTES_PER_EVENT = 500;

/**
 * `travel-platform import fares`: a CSV or JSON Lines file of filed fares (docs/import.md, "Fares").
 * Every record is validated and staged in the store under a new version as it is read (memory holds
 * one batch); duplicates are found by the store. When the whole file is valid, the staged version is
 * compared with the fares in force and — unless it is a dry run or nothing differs — published for
 * the carriers the file names in one atomic switch, with `price.updated` events naming the routes
 * whose fares changed. Otherwise the staged version is deleted: nothing is applied.
 */
export function createFaresImport(deps: FaresImportDependencies): ImportKind {
  const event = eventFactory({ source: deps.eventSource, clock: deps.clock });
  return {
    name: 'fares',
    async run(lines: AsyncIterable<ImportLine>, options: ImportOptions): Promise<ImportSummary> {
      const problems = new ProblemLog();
      const version = `import-${uuidV7(deps.clock.now())}`;
      const carriers = new Map<string, number>();
      let records = 0;
      let batch: StagedFiling[] = [];
      const stage = async (): Promise<void> => {
        const staged = batch;
        batch = [];
        // Staged even once the file is known bad, so every duplicate is reported; the staging is discarded.
        if (staged.length === 0) return;
        for (const line of await deps.fares.stage(version, staged)) {
          problems.error(
            line,
            undefined,
            'the same fare appears earlier in the file (same carrier, origin, destination, cabin, fare_basis, first_travel_date and trip_type)',
          );
        }
      };
      try {
        for await (const record of readTabularRecords(lines, FARES_FORMAT, problems)) {
          records++;
          const filing = readFareRecord(record, problems, deps.airports);
          if (filing === undefined) continue;
          if (!carriers.has(filing.carrier)) carriers.set(filing.carrier, record.line);
          batch.push({ line: record.line, filing });
          if (batch.length >= STAGE_BATCH) await stage();
        }
        await stage();
        await warnUnknownCarriers(deps, carriers, problems);
        const counts = { records, carriers: carriers.size, created: 0, changed: 0, unchanged: 0, removed: 0 };
        if (problems.errorCount > 0 || carriers.size === 0) {
          if (records === 0 && problems.errorCount === 0)
            problems.warning(1, undefined, 'the file has no fares');
          await deps.fares.discard(version);
          return problems.summary('fares', false, counts);
        }
        const comparison = await deps.fares.compare(version, [...carriers.keys()]);
        Object.assign(counts, {
          created: comparison.created,
          changed: comparison.changed,
          unchanged: comparison.unchanged,
          removed: comparison.removed,
        });
        const unchanged = comparison.created + comparison.changed + comparison.removed === 0;
        if (options.dryRun || unchanged) {
          await deps.fares.discard(version);
          return problems.summary('fares', !options.dryRun, counts);
        }
        const events = fareEvents(comparison, (data) => event('price.updated', data));
        await deps.fares.publish(version, [...carriers.keys()].sort(), events);
        await deps.afterCommit?.(events);
        return problems.summary('fares', true, counts);
      } catch (error) {
        // The store failed: drop what was staged when it still answers; the fares in force are untouched.
        await deps.fares.discard(version).catch(() => {});
        throw error;
      }
    },
  };
}

async function warnUnknownCarriers(
  deps: FaresImportDependencies,
  carriers: ReadonlyMap<string, number>,
  problems: ProblemLog,
): Promise<void> {
  if (carriers.size === 0) return;
  const known = new Set((await deps.inventory.listAirlines([...carriers.keys()])).map((a) => a.iata));
  for (const [carrier, line] of carriers) {
    if (!known.has(carrier))
      problems.warning(
        line,
        'carrier',
        `${carrier} operates no flight in the inventory yet; its fares price nothing until it does`,
      );
  }
}

function fareEvents(
  comparison: FareComparison,
  event: (data: InventoryChangedData) => CloudEvent,
): CloudEvent[] {
  const events: CloudEvent[] = [];
  for (let i = 0; i < comparison.changedRoutes.length; i += ROUTES_PER_EVENT) {
    events.push(
      event({
        reason: 'import',
        flights: [],
        hotelNights: [],
        fareRoutes: comparison.changedRoutes.slice(i, i + ROUTES_PER_EVENT),
      }),
    );
  }
  return events;
}
