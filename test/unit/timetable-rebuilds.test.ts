import { describe, expect, it } from 'vitest';
import { LiveTimetable } from '../../src/core/flights/timetable/live-timetable.js';
import { buildTimetable } from '../../src/core/flights/timetable/timetable-builder.js';
import { timetableFirst } from '../../src/core/flights/timetable/timetable-events.js';
import type { TimetableLayout } from '../../src/core/flights/timetable/timetable-layout.js';
import type { CloudEvent } from '../../src/ports/events.js';
import type { InventoryStore } from '../../src/ports/store.js';

/**
 * A schedule import commits all its flights in one transaction, then announces them in several
 * `schedule.changed` events (the flights, and one per affected booking). The timetable index is
 * rebuilt once per import, not once per event; anything else still gets a rebuild of its own.
 */

/** A store with no routes: the layout read is empty, only the number of reads matters here. */
const emptyStore = {
  listRoutes: async () => [],
  findFlightsOnLegs: async () => [],
} as unknown as InventoryStore;

function scheduleChanged(importId: string | undefined, subject?: string): CloudEvent {
  return {
    specversion: '1.0',
    id: `${importId}-${subject ?? 'flights'}`,
    source: 'test',
    type: 'schedule.changed',
    time: new Date().toISOString(),
    ...(subject ? { subject } : {}),
    data: {
      reason: 'import',
      ...(importId ? { importId } : {}),
      flights: [],
      hotelNights: [],
      affectedBookings: [],
    },
  } as CloudEvent;
}

/** A live timetable whose rebuilds are counted, may be held at a gate, and may be made to fail. */
async function countedTimetable() {
  const layout = await buildTimetable(emptyStore, { from: 0, to: 86_400_000 });
  const state = { rebuilds: 0, failNext: false, gate: undefined as Promise<void> | undefined };
  const timetable = new LiveTimetable(emptyStore, {
    position: () => undefined,
    rebuild: async (): Promise<TimetableLayout> => {
      state.rebuilds += 1;
      await state.gate;
      if (state.failNext) {
        state.failNext = false;
        throw new Error('store unavailable');
      }
      return layout;
    },
    onError: () => undefined,
  });
  timetable.swap(layout);
  const dropped: string[] = [];
  const handle = timetableFirst(timetable, async (event) => {
    dropped.push(event.id);
  });
  return { timetable, state, handle, dropped };
}

describe('timetable rebuilds after schedule changes', () => {
  it('rebuilds once for the events of one import delivered one after another', async () => {
    const { state, handle, dropped } = await countedTimetable();
    await handle(scheduleChanged('import-1'));
    await handle(scheduleChanged('import-1', 'booking-a'));
    await handle(scheduleChanged('import-1', 'booking-b'));
    await handle(scheduleChanged('import-1', 'booking-c'));
    expect(state.rebuilds).toBe(1);
    // Every event still reaches the cache invalidation after the rebuild.
    expect(dropped).toHaveLength(4);

    await handle(scheduleChanged('import-2'));
    expect(state.rebuilds).toBe(2);
  });

  it('lets an event of the import wait for the rebuild still running, and rebuilds again for another import', async () => {
    const { state, handle, dropped } = await countedTimetable();
    let open = (): void => undefined;
    state.gate = new Promise((resolve) => {
      open = resolve;
    });
    const first = handle(scheduleChanged('import-1'));
    const second = handle(scheduleChanged('import-1', 'booking-a'));
    // Another import committed while the first rebuild read the store: that read may predate it.
    const other = handle(scheduleChanged('import-2'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(dropped).toEqual([]);
    state.gate = undefined;
    open();
    await Promise.all([first, second, other]);
    expect(state.rebuilds).toBe(2);
    expect(dropped).toHaveLength(3);
  });

  it('rebuilds again for the next event of an import whose rebuild failed', async () => {
    const { state, handle } = await countedTimetable();
    state.failNext = true;
    await handle(scheduleChanged('import-1'));
    await handle(scheduleChanged('import-1', 'booking-a'));
    await handle(scheduleChanged('import-1', 'booking-b'));
    expect(state.rebuilds).toBe(2);
  });

  it('rebuilds for every schedule change that names no import', async () => {
    const { state, handle } = await countedTimetable();
    await handle(scheduleChanged(undefined));
    await handle(scheduleChanged(undefined));
    expect(state.rebuilds).toBe(2);
  });
});
