import { addDays } from '../../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../../ports/airports.js';
import type { Clock } from '../../../ports/clock.js';
import type { CloudEvent } from '../../../ports/events.js';
import type {
  HotelImportScope,
  HotelImports,
  NightComparison,
  StagedNight,
} from '../../../ports/hotel-imports.js';
import type { TouchedNight } from '../../../ports/inventory-updates.js';
import type { HotelRecord, InventoryStore } from '../../../ports/store.js';
import { eventFactory } from '../../events/create-event.js';
import type { InventoryChangedData } from '../../events/inventory-events.js';
import { uuidV7 } from '../../events/uuid-v7.js';
import { canonicalJson } from '../../offers/offer-seal.js';
import type { ImportKind, ImportLine, ImportOptions, ImportSummary } from '../import-kind.js';
import { ProblemLog } from '../tabular/problem-log.js';
import { readTabularRecords } from '../tabular/tabular-records.js';
import { HOTELS_FORMAT, HotelRows } from './hotel-rows.js';

export interface HotelsImportDependencies {
  /** Where nights are staged and hotels replaced. */
  hotelImports: HotelImports;
  /** The hotels as stored, to count what changed. */
  inventory: Pick<InventoryStore, 'getHotels'>;
  /** City codes a hotel may name. */
  airports: AirportDirectory;
  clock: Clock;
  eventSource: string;
  /** Told the events once they committed, so this instance drops its stale searches at once; must not reject. */
  afterCommit?: (events: readonly CloudEvent[]) => Promise<void>;
}

/** Nights staged per store call. */
const STAGE_BATCH = 1_000;
/** City nights per event, so one event stays well inside a DynamoDB item (400 KB). */
const NIGHTS_PER_EVENT = 500;
/** Days ahead a new or changed hotel makes its city's searches stale: as far as a search may look. */
const SEARCHABLE_DAYS = 367;

/**
 * `travel-platform import hotels`: hotels, room types, nightly rates and rooms available
 * (docs/import.md, "Hotels"). Rows are validated as they are read and their nights staged in the
 * store (memory holds the hotels named and one batch of nights). When the whole file is valid and
 * something differs, the hotels it names are replaced — their room types, and their nights in the
 * range the file covers for each — with `price.updated` events naming the cities and nights that
 * changed; otherwise the staging is deleted and nothing is applied.
 */
export function createHotelsImport(deps: HotelsImportDependencies): ImportKind {
  const event = eventFactory({ source: deps.eventSource, clock: deps.clock });
  return {
    name: 'hotels',
    async run(lines: AsyncIterable<ImportLine>, options: ImportOptions): Promise<ImportSummary> {
      const problems = new ProblemLog();
      const importId = `import-${uuidV7(deps.clock.now())}`;
      const rows = new HotelRows(deps.airports, problems);
      const counts = {
        records: 0,
        hotels: 0,
        hotelsCreated: 0,
        hotelsChanged: 0,
        hotelsUnchanged: 0,
        nightsCreated: 0,
        nightsChanged: 0,
        nightsUnchanged: 0,
        nightsRemoved: 0,
      };
      let batch: StagedNight[] = [];
      const stage = async (): Promise<void> => {
        const staged = batch;
        batch = [];
        // Staged even once the file is known bad, so every repeated night is reported; the staging is discarded.
        if (staged.length === 0) return;
        for (const line of await deps.hotelImports.stageNights(importId, staged)) {
          problems.error(
            line,
            'first_night',
            'gives a night of this hotel and room type that an earlier row gives',
          );
        }
      };
      try {
        for await (const record of readTabularRecords(lines, HOTELS_FORMAT, problems)) {
          counts.records++;
          const nights = rows.read(record);
          for (const night of nights ?? []) batch.push({ line: record.line, night });
          if (batch.length >= STAGE_BATCH) await stage();
        }
        await stage();
        counts.hotels = rows.hotels.size;
        if (problems.errorCount > 0 || rows.hotels.size === 0) {
          if (counts.records === 0 && problems.errorCount === 0)
            problems.warning(1, undefined, 'the file has no hotels');
          await deps.hotelImports.discard(importId);
          return problems.summary('hotels', false, counts);
        }
        const scopes: HotelImportScope[] = [...rows.hotels.values()].map((h) => ({
          hotel: h.hotel,
          ...(h.firstNight === undefined ? {} : { firstNight: h.firstNight, lastNight: h.lastNight }),
        }));
        const stored = new Map(
          (await deps.inventory.getHotels(scopes.map((s) => s.hotel.id))).map((h) => [h.id, h]),
        );
        const changedHotels: HotelRecord[] = [];
        for (const { hotel } of scopes) {
          const before = stored.get(hotel.id);
          if (before === undefined) counts.hotelsCreated++;
          else if (canonicalJson(before) === canonicalJson(hotel)) {
            counts.hotelsUnchanged++;
            continue;
          } else counts.hotelsChanged++;
          changedHotels.push(hotel);
          if (before !== undefined && before.cityCode !== hotel.cityCode) changedHotels.push(before);
        }
        const nights = await deps.hotelImports.compareNights(importId, scopes);
        Object.assign(counts, {
          nightsCreated: nights.created,
          nightsChanged: nights.changed,
          nightsUnchanged: nights.unchanged,
          nightsRemoved: nights.removed,
        });
        const unchanged = changedHotels.length === 0 && nights.changedNights.length === 0;
        if (options.dryRun || unchanged) {
          await deps.hotelImports.discard(importId);
          return problems.summary('hotels', !options.dryRun, counts);
        }
        const touched = touchedNights(nights, changedHotels, scopes, deps.clock.now());
        const events: CloudEvent[] = [];
        for (let i = 0; i < touched.length; i += NIGHTS_PER_EVENT) {
          const data: InventoryChangedData = {
            reason: 'import',
            flights: [],
            hotelNights: touched.slice(i, i + NIGHTS_PER_EVENT),
          };
          events.push(event('price.updated', data));
        }
        await deps.hotelImports.replace(importId, scopes, events);
        await deps.afterCommit?.(events);
        return problems.summary('hotels', true, counts);
      } catch (error) {
        await deps.hotelImports.discard(importId).catch(() => {});
        throw error;
      }
    },
  };
}

/**
 * The city nights the import makes stale: each night that changed, in its hotel's city; and every
 * searchable date of the city of a hotel that is new or whose description changed (it shows in any
 * search of its city). One entry per city and date: searches are tagged by city and night.
 */
function touchedNights(
  nights: NightComparison,
  changedHotels: readonly HotelRecord[],
  scopes: readonly HotelImportScope[],
  now: number,
): TouchedNight[] {
  const byId = new Map(scopes.map((s) => [s.hotel.id, s.hotel]));
  const touched = new Map<string, TouchedNight>();
  const touch = (hotel: HotelRecord, date: string): void => {
    const key = `${hotel.cityCode}|${date}`;
    if (!touched.has(key))
      touched.set(key, {
        hotelId: hotel.id,
        roomType: hotel.roomTypes[0]?.code ?? '',
        cityCode: hotel.cityCode,
        date,
      });
  };
  for (const { hotelId, date } of nights.changedNights) {
    const hotel = byId.get(hotelId);
    if (hotel !== undefined) touch(hotel, date);
  }
  const today = new Date(now).toISOString().slice(0, 10);
  for (const hotel of changedHotels) {
    for (let day = -1; day < SEARCHABLE_DAYS; day++) touch(hotel, addDays(today, day));
  }
  return [...touched.values()];
}
