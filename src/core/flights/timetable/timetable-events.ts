import type { CloudEvent } from '../../../ports/events.js';
import { touchedInventoryOf } from '../../events/inventory-events.js';
import type { LiveTimetable } from './live-timetable.js';

/**
 * Wraps an event handler (the cache invalidation) so the timetable takes the event in first: the
 * fares and seats a `price.updated` or `availability.changed` names are re-read from the store
 * into the index before any cached search is dropped, so the search recomputed after the drop
 * already reads them; a `schedule.changed` rebuilds the timetable.
 */
export function timetableFirst(
  timetable: LiveTimetable,
  then: (event: CloudEvent) => Promise<void>,
): (event: CloudEvent) => Promise<void> {
  return async (event) => {
    if (event.type === 'schedule.changed') timetable.rebuildSoon();
    const touched = touchedInventoryOf(event);
    if (touched) await timetable.apply(touched.flights);
    await then(event);
  };
}
