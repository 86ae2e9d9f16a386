import { addDays, zonedToEpoch } from '../../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../../ports/airports.js';
import type { Clock } from '../../../ports/clock.js';
import type { CloudEvent } from '../../../ports/events.js';
import {
  type InventoryUpdates,
  type SeatsUpdate,
  UnknownInventoryError,
} from '../../../ports/inventory-updates.js';
import { CABINS, type Cabin, type FlightLegQuery, type InventoryStore } from '../../../ports/store.js';
import { eventFactory } from '../../events/create-event.js';
import type { InventoryChangedData } from '../../events/inventory-events.js';
import type { ImportKind, ImportLine, ImportOptions, ImportSummary } from '../import-kind.js';
import { FieldReader } from '../tabular/field-reader.js';
import { ProblemLog } from '../tabular/problem-log.js';
import { readTabularRecords, type TabularFormat } from '../tabular/tabular-records.js';

/** Columns of an availability file (docs/import.md, "Availability"). */
export const AVAILABILITY_FORMAT: TabularFormat = {
  required: ['carrier', 'flight_number', 'departure_date', 'origin', 'destination', 'cabin', 'seats_left'],
  optional: ['capacity'],
};

export interface AvailabilityImportDependencies {
  /** Where the flights named are looked up. */
  inventory: Pick<InventoryStore, 'findFlightsOnLegs'>;
  /** Applies the seat counts with their `availability.changed` events. */
  updates: InventoryUpdates;
  /** Time zones of the origins: departure dates are local. */
  airports: AirportDirectory;
  clock: Clock;
  eventSource: string;
  /** Told the events once they committed, so this instance drops its stale searches at once; must not reject. */
  afterCommit?: (events: readonly CloudEvent[]) => Promise<void>;
}

/** A record whose flight is still to be looked up. */
interface PendingRecord {
  line: number;
  carrier: string;
  flightNumber: number;
  departureDate: string;
  origin: string;
  destination: string;
  cabin: Cabin;
  seatsLeft: number;
  capacity: number | undefined;
}

/** Records resolved per store call (one findFlightsOnLegs for the batch). */
const LOOKUP_BATCH = 500;
const MAX_SEATS = 10_000;

/**
 * `travel-platform import availability`: absolute seat counts of flight cabins (docs/import.md,
 * "Availability"). Every record is validated and its flight looked up (a batch of records per store
 * call); counts equal to what the store holds are left out, so importing a file twice changes
 * nothing. When the whole file is valid the changes go through InventoryUpdates: one transaction with
 * its `availability.changed` events on SQLite and PostgreSQL; on DynamoDB chunks of
 * INVENTORY_UPDATE_CHUNK_SIZE items, each with its events (ports/inventory-updates.ts).
 *
 * Memory: the seat changes of the file are held until they are applied (a few dozen bytes each),
 * because InventoryUpdates checks every item before it writes the first.
 */
export function createAvailabilityImport(deps: AvailabilityImportDependencies): ImportKind {
  const event = eventFactory({ source: deps.eventSource, clock: deps.clock });
  return {
    name: 'availability',
    async run(lines: AsyncIterable<ImportLine>, options: ImportOptions): Promise<ImportSummary> {
      const problems = new ProblemLog();
      const seats: SeatsUpdate[] = [];
      /** The line of each seat change, for errors the store finds. */
      const seatLines: number[] = [];
      const seen = new Map<string, number>();
      const counts = { records: 0, changed: 0, unchanged: 0 };
      let pending: PendingRecord[] = [];
      const resolve = async (): Promise<void> => {
        const batch = pending;
        pending = [];
        for (const { line, update } of await lookUp(batch, deps, problems, seen, counts)) {
          seats.push(update);
          seatLines.push(line);
        }
      };
      for await (const record of readTabularRecords(lines, AVAILABILITY_FORMAT, problems)) {
        counts.records++;
        const f = new FieldReader(record, problems);
        const carrier = f.code('carrier', /^[A-Z0-9]{2}$/, 'an IATA airline code (2 letters or digits)');
        const flightNumber = f.requiredInteger('flight_number', 1, 9999);
        const departureDate = f.date('departure_date');
        const origin = f.code('origin', /^[A-Z]{3}$/, 'an IATA airport code');
        const destination = f.code('destination', /^[A-Z]{3}$/, 'an IATA airport code');
        const cabin = f.choice('cabin', CABINS);
        const seatsLeft = f.requiredInteger('seats_left', 0, MAX_SEATS);
        const capacity = f.integer('capacity', 0, MAX_SEATS);
        if (origin !== undefined && deps.airports.byIata(origin) === undefined)
          f.fail('origin', `unknown airport ${origin}`);
        if (seatsLeft !== undefined && capacity !== undefined && seatsLeft > capacity)
          f.fail('seats_left', `${seatsLeft} is more than the capacity ${capacity}`);
        if (
          !f.valid ||
          carrier === undefined ||
          flightNumber === undefined ||
          departureDate === undefined ||
          origin === undefined ||
          destination === undefined ||
          cabin === undefined ||
          seatsLeft === undefined
        ) {
          continue;
        }
        pending.push({
          line: record.line,
          carrier,
          flightNumber,
          departureDate,
          origin,
          destination,
          cabin,
          seatsLeft,
          capacity,
        });
        if (pending.length >= LOOKUP_BATCH) await resolve();
      }
      await resolve();
      if (problems.errorCount > 0 || options.dryRun || seats.length === 0) {
        return problems.summary('availability', problems.errorCount === 0 && !options.dryRun, counts);
      }
      const events: CloudEvent[] = [];
      try {
        await deps.updates.apply({ seats }, (touched) => {
          const data: InventoryChangedData = { ...touched, reason: 'import' };
          const created = event('availability.changed', data);
          events.push(created);
          return [created];
        });
      } catch (error) {
        // A flight deleted between the look-up and the write (a schedule import ran meanwhile).
        if (!(error instanceof UnknownInventoryError)) throw error;
        for (const { index } of error.missing) {
          problems.error(
            seatLines[index] ?? 0,
            'flight_number',
            'the flight was removed while the file was imported',
          );
        }
        return problems.summary('availability', false, counts);
      }
      await deps.afterCommit?.(events);
      return problems.summary('availability', true, counts);
    },
  };
}

/**
 * Finds the flight of every record of a batch (one store call): the carrier's flight number leaving
 * `origin` for `destination` on the local departure date. Answers the seat changes of the records
 * whose count differs from the store's; reports unknown flights, missing cabins and repeated records.
 */
async function lookUp(
  batch: readonly PendingRecord[],
  deps: AvailabilityImportDependencies,
  problems: ProblemLog,
  seen: Map<string, number>,
  counts: { changed: number; unchanged: number },
): Promise<{ line: number; update: SeatsUpdate }[]> {
  if (batch.length === 0) return [];
  const queries: FlightLegQuery[] = batch.map((r) => {
    const timeZone = deps.airports.byIata(r.origin)?.timeZone ?? 'UTC';
    return {
      origin: r.origin,
      destination: r.destination,
      departFrom: zonedToEpoch(r.departureDate, 0, timeZone),
      departTo: zonedToEpoch(addDays(r.departureDate, 1), 0, timeZone),
    };
  });
  const answers = await deps.inventory.findFlightsOnLegs(queries);
  const updates: { line: number; update: SeatsUpdate }[] = [];
  batch.forEach((r, i) => {
    const name = `${r.carrier}${r.flightNumber} ${r.origin}-${r.destination} departing ${r.departureDate}`;
    const flight = (answers[i] ?? []).find(
      (f) => f.carrier === r.carrier && f.flightNumber === r.flightNumber,
    );
    if (flight === undefined) {
      problems.error(r.line, 'flight_number', `no flight ${name} (local date at the origin)`);
      return;
    }
    const cabin = flight.cabins.find((c) => c.cabin === r.cabin);
    if (cabin === undefined) {
      problems.error(r.line, 'cabin', `flight ${name} has no ${r.cabin} cabin`);
      return;
    }
    const key = `${flight.id}|${r.cabin}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.error(r.line, undefined, `the same flight and cabin as line ${earlier}`);
      return;
    }
    seen.set(key, r.line);
    if (r.capacity !== undefined && r.capacity !== cabin.capacity) {
      problems.warning(
        r.line,
        'capacity',
        `is ${r.capacity}; the cabin was built with ${cabin.capacity} (the schedule sets capacity: checked, not changed)`,
      );
    }
    if (r.capacity === undefined && r.seatsLeft > cabin.capacity) {
      problems.warning(
        r.line,
        'seats_left',
        `${r.seatsLeft} is more than the cabin's capacity ${cabin.capacity}; the capacity grows to match`,
      );
    }
    if (cabin.seatsLeft === r.seatsLeft) {
      counts.unchanged++;
      return;
    }
    counts.changed++;
    updates.push({ line: r.line, update: { flightId: flight.id, cabin: r.cabin, seatsLeft: r.seatsLeft } });
  });
  return updates;
}
