import type { CloudEvent } from '../../../ports/events.js';
import type { TouchedFlight } from '../../../ports/inventory-updates.js';
import {
  type DuplicateLeg,
  type ScheduleComparison,
  ScheduleImportUnsupportedError,
  type ScheduleScope,
  type ScheduleStore,
  type ScheduleSwitchResult,
  type StagedLeg,
} from '../../../ports/schedules.js';
import type { FlightRecord } from '../../../ports/store.js';

/**
 * Schedule imports on DynamoDB are refused before anything is staged. A transaction holds at most 100
 * items, so a season cannot switch in one: the design that will (docs/adr/0023-schedule-import.md)
 * writes the new flights under a new schedule generation and switches one pointer item last. Until
 * it exists, every method rejects with ScheduleImportUnsupportedError rather than replace a schedule
 * in chunks that searches would see half done.
 */
export class DynamoScheduleStore implements ScheduleStore {
  async stage(_importId: string, _legs: readonly StagedLeg[]): Promise<DuplicateLeg[]> {
    throw new ScheduleImportUnsupportedError('dynamodb');
  }

  async compare(_importId: string, _scopes: readonly ScheduleScope[]): Promise<ScheduleComparison> {
    throw new ScheduleImportUnsupportedError('dynamodb');
  }

  async switchTo(
    _importId: string,
    _scopes: readonly ScheduleScope[],
    _cancel: readonly string[],
    _events: readonly CloudEvent[],
    _touchedEvents: (touched: TouchedFlight[]) => readonly CloudEvent[],
  ): Promise<ScheduleSwitchResult> {
    throw new ScheduleImportUnsupportedError('dynamodb');
  }

  async discard(_importId: string): Promise<void> {
    // Nothing is ever staged on this backend.
  }

  async listFlights(_afterId: string | undefined, _limit: number): Promise<FlightRecord[]> {
    throw new ScheduleImportUnsupportedError('dynamodb');
  }
}
