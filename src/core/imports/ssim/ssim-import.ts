import { toUtcIso } from '../../../kernel/zoned-time.js';
import type { AirportDirectory } from '../../../ports/airports.js';
import type { BookingRecord, BookingStore } from '../../../ports/bookings.js';
import type { Clock } from '../../../ports/clock.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { TouchedFlight } from '../../../ports/inventory-updates.js';
import type { LegPeriod, ScheduleChange, ScheduleScope, ScheduleStore } from '../../../ports/schedules.js';
import type { InventoryStore } from '../../../ports/store.js';
import { DEMO_CARRIERS } from '../../demo-inventory/carriers.js';
import { eventFactory } from '../../events/create-event.js';
import type {
  AffectedBooking,
  ScheduleChangedData,
  ScheduleChangeKind,
} from '../../events/inventory-events.js';
import { uuidV7 } from '../../events/uuid-v7.js';
import type { ImportKind, ImportLine, ImportOptions, ImportSummary } from '../import-kind.js';
import { ImportProblems } from '../import-problems.js';
import { legPeriods } from './ssim-legs.js';
import { type CarrierRecord, type LegRecord, parseSsimRecord, type SegmentRecord } from './ssim-records.js';

export interface SsimImportDependencies {
  airports: AirportDirectory;
  inventory: InventoryStore;
  schedules: ScheduleStore;
  bookings: BookingStore;
  clock: Clock;
  eventSource: string;
  /** Told the events once the switch committed, so this instance drops the cached searches at once; never rejects. */
  afterCommit?: (events: readonly CloudEvent[]) => Promise<void>;
}

/**
 * Periods staged per store call: big enough to amortise the round trip and the transaction, small
 * enough for any heap (a batch is a few MB).
 */
const STAGE_BATCH = 10_000;

/** The legs of one itinerary variation being read (records 3, then the records 4 that follow them). */
interface VariationGroup {
  key: string;
  legs: LegRecord[];
  segments: SegmentRecord[];
}

/**
 * `travel-platform import ssim`: reads an SSIM chapter 7 file record by record, turns each itinerary
 * variation into leg periods (ports/schedules.ts `LegPeriod`: no dated leg is expanded) and stages
 * them in the store as it goes (memory holds one variation and one batch), then — when no record was invalid and it is not a dry run — compares the staged
 * schedule with the live one, finds the bookings on flights it retimes or drops, and switches each
 * carrier's flights in the file's validity period in one store transaction with the events: one
 * `schedule.changed` per affected booking, and `schedule.changed` events naming every route-date
 * changed so every instance drops exactly those cached searches.
 */
export class SsimImport implements ImportKind {
  readonly name = 'ssim' as const;
  readonly #deps: SsimImportDependencies;
  readonly #event;

  constructor(deps: SsimImportDependencies) {
    this.#deps = deps;
    this.#event = eventFactory({ source: deps.eventSource, clock: deps.clock });
  }

  async run(lines: AsyncIterable<ImportLine>, options: ImportOptions): Promise<ImportSummary> {
    const importId = uuidV7(this.#deps.clock.now());
    const problems = new ImportProblems();
    const counts = {
      lines: 0,
      records: 0,
      carriers: 0,
      legRecords: 0,
      datedLegs: 0,
      periods: 0,
      skippedNonPassengerLegs: 0,
      created: 0,
      changed: 0,
      unchanged: 0,
      retimed: 0,
      cancelled: 0,
      deleted: 0,
      affectedBookings: 0,
    };
    const scopes = new Map<string, ScheduleScope>();
    let carrier: CarrierRecord | undefined;
    let group: VariationGroup | undefined;
    let batch: LegPeriod[] = [];
    let headerSeen = false;
    let lastLine = 0;

    // One batch in flight while the next is read: a store with a server (PostgreSQL) stages it while
    // this process parses. Batches are staged in file order (the previous one is awaited first).
    let staging: Promise<void> = Promise.resolve();
    const stageBatch = async (): Promise<void> => {
      const periods = batch;
      batch = [];
      // Staged even after an error: the staging area is what finds overlapping periods of one
      // flight (bounded memory), and every problem is reported; a failed import discards it.
      if (periods.length === 0) return;
      await staging;
      staging = this.#deps.schedules.stagePeriods(importId, periods).then((duplicates) => {
        for (const duplicate of duplicates) {
          problems.error({
            line: duplicate.line,
            field: 'period_from',
            message: `flight ${duplicate.id} is already scheduled by line ${duplicate.previousLine} (overlapping periods of one flight)`,
          });
        }
      });
      // Handled here too, so a failure while the next batch is read is not an unhandled rejection;
      // the next await of `staging` still throws it.
      staging.catch(() => undefined);
    };
    const closeGroup = async (): Promise<void> => {
      if (!group || !carrier) {
        group = undefined;
        return;
      }
      const variation = legPeriods(group.legs, group.segments, {
        carrier,
        airports: this.#deps.airports,
        estimateFares: options.estimateFares === true,
        error: (p) => problems.error(p),
        warning: (p) => problems.warning(p),
        skippedNonPassenger: () => {
          counts.skippedNonPassengerLegs++;
        },
      });
      group = undefined;
      counts.datedLegs += variation.datedLegs;
      counts.periods += variation.periods.length;
      for (const period of variation.periods) batch.push(period);
      if (batch.length >= STAGE_BATCH) await stageBatch();
    };

    try {
      for await (const { line, text } of lines) {
        counts.lines++;
        lastLine = line;
        if (text.trim() === '') continue;
        const parsed = parseSsimRecord(line, text);
        for (const p of parsed.problems) problems.error(p);
        const record = parsed.record;
        if (!record || record.type === 0) continue;
        counts.records++;
        if (!headerSeen && record.type !== 1) {
          problems.error({
            line,
            field: 'record_type',
            message: 'an SSIM file starts with a header record (type 1)',
          });
          headerSeen = true;
        }
        switch (record.type) {
          case 1:
            headerSeen = true;
            break;
          case 2:
            await closeGroup();
            if (scopes.has(record.carrier)) {
              problems.error({
                line,
                field: 'airline_designator',
                message: `carrier ${record.carrier} has a second carrier record; one schedule per carrier and file`,
              });
            }
            carrier = record;
            counts.carriers++;
            scopes.set(record.carrier, {
              carrier: record.carrier,
              firstDate: record.validFrom,
              lastDate: record.validTo,
            });
            break;
          case 3: {
            counts.legRecords++;
            if (!carrier) {
              problems.error({
                line,
                field: 'record_type',
                message: 'a flight leg record outside a carrier block (record 2 … record 5)',
              });
              break;
            }
            const key = variationKey(record);
            if (group?.key !== key) {
              await closeGroup();
              group = { key, legs: [], segments: [] };
            }
            group.legs.push(record);
            break;
          }
          case 4:
            if (group?.key !== variationKey(record)) {
              problems.error({
                line,
                field: 'flight_number',
                message:
                  'a segment data record must follow the flight leg records of its itinerary variation',
              });
              break;
            }
            group.segments.push(record);
            break;
          case 5:
            await closeGroup();
            carrier = undefined;
            break;
        }
      }
      await closeGroup();
      await stageBatch();
      await staging;
      if (counts.records === 0) {
        problems.error({
          line: Math.max(1, lastLine),
          field: 'record',
          message: 'the input holds no SSIM records',
        });
      }
      if (options.dryRun || problems.errorCount > 0) {
        await this.#deps.schedules.discard(importId);
        return problems.summary('ssim', false, counts);
      }
      await this.#apply(importId, [...scopes.values()], counts);
      return problems.summary('ssim', true, counts);
    } catch (error) {
      // A batch still being staged finishes (or fails) before its staging is dropped.
      await staging.catch(() => undefined);
      await this.#deps.schedules.discard(importId).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Compares, finds the bookings the change reaches, switches in one transaction, announces.
   *
   * The booking race: the look-up of bookings below runs before the switch's transaction, so a
   * booking can commit in between on a flight the switch drops or retimes:
   *
   *   import                                  booking request
   *   ──────────────────────────────────────  ──────────────────────────────────────
   *   compare: flight F is dropped
   *   findByFlights([F]) → none
   *                                           books F, COMMIT
   *   switchTo(cancel = [])                   (without more, F is deleted under the booking)
   *
   * so the switch is also given `bookings.held`: the store looks the bookings up again inside its
   * transaction (after locking what a booking takes), keeps and cancels the dropped flights they
   * hold, and appends the events of the bookings this look-up missed. A backend that cannot
   * (`cancelled` absent in the result) keeps the look-up below as its only one.
   */
  async #apply(importId: string, scopes: ScheduleScope[], counts: Record<string, number>): Promise<void> {
    const { schedules, bookings } = this.#deps;
    const comparison = await schedules.compare(importId, scopes);
    counts.created = comparison.created;
    counts.changed = comparison.changed;
    counts.unchanged = comparison.unchanged;
    counts.retimed = comparison.retimed ?? comparison.moves.filter((m) => m.after !== undefined).length;
    const held = await bookings.findByFlights(comparison.moves.map((m) => m.before.id));
    const heldFlights = new Set(held.flatMap((b) => (b.hold.kind === 'seats' ? b.hold.flightIds : [])));
    const cancel = comparison.moves
      .filter((m) => m.after === undefined && heldFlights.has(m.before.id))
      .map((m) => m.before.id);
    counts.cancelled = cancel.length;
    counts.deleted = comparison.removed - cancel.length;
    counts.affectedBookings = held.length;
    const bookingEvents = held.map((booking) => this.#bookingEvent(importId, booking, comparison.moves));
    const announced = new Set(held.map((b) => b.id));
    let late = 0;
    const result = await schedules.switchTo(
      importId,
      scopes,
      cancel,
      bookingEvents,
      (touched, periods) => [
        this.#event<ScheduleChangedData>('schedule.changed', {
          reason: 'import',
          importId,
          flights: touched,
          ...(periods && periods.length > 0 ? { periods: [...periods] } : {}),
          hotelNights: [],
          affectedBookings: [],
        }),
      ],
      {
        held: (found, moves) => {
          const missed = found.filter((booking) => !announced.has(booking.id));
          late = missed.length;
          return missed.map((booking) => this.#bookingEvent(importId, booking, moves ?? comparison.moves));
        },
      },
    );
    if (result.cancelled !== undefined) {
      counts.cancelled = result.cancelled.length;
      counts.deleted = comparison.removed - result.cancelled.length;
      counts.affectedBookings = held.length + late;
    }
    await this.#ensureAirlines(scopes.map((s) => s.carrier));
    await this.#deps.afterCommit?.(result.events);
  }

  /** One `schedule.changed` for a booking, its id as subject, naming each of its flights that moved. */
  #bookingEvent(importId: string, booking: BookingRecord, moves: readonly ScheduleChange[]): CloudEvent {
    const ids = new Set(booking.hold.kind === 'seats' ? booking.hold.flightIds : []);
    const affected: AffectedBooking[] = [];
    const flights: TouchedFlight[] = [];
    for (const move of moves) {
      if (!ids.has(move.before.id)) continue;
      const { before, after } = move;
      const change: ScheduleChangeKind =
        after === undefined
          ? 'cancelled'
          : after.departureUtc !== before.departureUtc || after.arrivalUtc !== before.arrivalUtc
            ? 'retimed'
            : 'equipment-changed';
      affected.push({
        bookingId: booking.id,
        apiKeyId: booking.owner.apiKeyId,
        flightId: before.id,
        change,
        before: {
          departureUtc: toUtcIso(before.departureUtc),
          arrivalUtc: toUtcIso(before.arrivalUtc),
          aircraft: before.aircraft,
        },
        ...(after === undefined
          ? {}
          : {
              after: {
                departureUtc: toUtcIso(after.departureUtc),
                arrivalUtc: toUtcIso(after.arrivalUtc),
                aircraft: after.aircraft,
              },
            }),
      });
      for (const at of after === undefined
        ? [before.departureUtc]
        : [before.departureUtc, after.departureUtc]) {
        flights.push({
          flightId: before.id,
          cabin: booking.hold.kind === 'seats' ? booking.hold.cabin : 'economy',
          origin: before.origin,
          destination: before.destination,
          departureDate: toUtcIso(at).slice(0, 10),
        });
      }
    }
    return {
      ...this.#event<ScheduleChangedData>('schedule.changed', {
        reason: 'import',
        importId,
        flights,
        hotelNights: [],
        affectedBookings: affected,
      }),
      subject: booking.id,
    };
  }

  /** Carriers the store does not know yet get an airline row (named when it is a known carrier). */
  async #ensureAirlines(codes: readonly string[]): Promise<void> {
    const known = new Set((await this.#deps.inventory.listAirlines(codes)).map((a) => a.iata));
    const missing = codes.filter((code) => !known.has(code));
    if (missing.length === 0) return;
    await this.#deps.inventory.putAirlines(
      missing.map((iata) => {
        const demo = DEMO_CARRIERS.find((c) => c.iata === iata);
        return { iata, name: demo?.name ?? iata, country: demo?.country ?? '' };
      }),
    );
  }
}

function variationKey(record: LegRecord | SegmentRecord): string {
  return `${record.carrier}|${record.flightNumber}|${record.operationalSuffix}|${record.variation}`;
}
