import type { CloudEvent } from '../../../ports/events.js';
import { type ScheduleChangedData, touchedInventoryOf } from '../../events/inventory-events.js';
import type { LiveTimetable } from './live-timetable.js';

/**
 * Wraps an event handler (the cache invalidation) so the timetable takes the event in first: the
 * fares and seats a `price.updated` or `availability.changed` names are re-read from the store
 * into the index before any cached search is dropped, so the search recomputed after the drop
 * already reads them; a `schedule.changed` rebuilds the timetable and swaps it in before the drop.
 */
export function timetableFirst(
  timetable: LiveTimetable,
  then: (event: CloudEvent) => Promise<void>,
): (event: CloudEvent) => Promise<void> {
  return async (event) => {
    // Awaited: the searches recomputed after the drop must read the new timetable, whole. A build
    // running when the change committed may have read the store before it: it is built once more.
    // A process that never builds an index (a Lambda function) does not start one for an event.
    if (event.type === 'schedule.changed' && (timetable.current() || timetable.building())) {
      // The events of one import share its id: one rebuild takes in all of them.
      const importId = (event.data as Partial<ScheduleChangedData> | null)?.importId;
      if (typeof importId === 'string') await timetable.rebuildAfterImport(importId);
      else await timetable.rebuildNow();
    }
    const touched = touchedInventoryOf(event);
    if (touched) await timetable.apply(touched.flights);
    await then(event);
  };
}
