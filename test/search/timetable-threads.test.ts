import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CABIN_SLOTS } from '../../src/core/flights/timetable/timetable-layout.js';
import { CABINS } from '../../src/ports/store.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

/**
 * The timetable index lives once per process, in shared memory the search threads read: a thread
 * searching it sees what the main thread holds, and what a thread corrects in it the main thread
 * sees, with no copy and no message in between.
 */

let tp: TestPlatform;

beforeAll(async () => {
  tp = await startTestPlatform({
    airports: 30,
    days: 3,
    env: { SEARCH_THREADS: '1', SEARCH_INDEX: 'memory', CACHE: 'none' },
  });
  await tp.platform.timetable?.settled();
}, 120_000);

afterAll(() => tp?.close());

describe('the timetable index shared with the search threads', () => {
  it('is one copy: a fare the thread corrects from the store is corrected in the main thread too', async () => {
    const index = tp.platform.timetable?.current();
    expect(index).toBeDefined();
    const layout = index!.layout;
    expect(layout.fare.buffer).toBeInstanceOf(SharedArrayBuffer);
    const route = (await tp.platform.store.listRoutes())[0]!;
    const path = `/v1/flights/search?origin=${route.origin}&destination=${route.destination}&departureDate=${tp.date(1)}&maxStops=0`;
    const first = (await (await tp.fetch(path)).json()) as {
      data: { itineraries: { segments: { id: string }[] }[] }[];
    };
    const flightId = first.data[0]!.itineraries[0]!.segments[0]!.id;
    const [flight] = await tp.platform.store.getFlights([flightId]);
    const economy = flight!.cabins.find((c) => c.cabin === 'economy')!;
    // The main thread's copy of the leg's economy fare disagrees with the store.
    const slot = slotOf(
      layout.departure,
      layout.routeFirstLeg,
      flight!.departureUtc / 1000,
      layout,
      flightId,
    );
    layout.fare[slot] = economy.fare + 12_345;

    const again = (await (await tp.fetch(`${path}&adults=1&sort=price`)).json()) as {
      data: { itineraries: { segments: { id: string }[] }[]; price: { total: string } }[];
    };
    // The thread re-checked its answer against the store, answered the store's fare and wrote it back.
    expect(again.data.some((offer) => offer.itineraries[0]!.segments[0]!.id === flightId)).toBe(true);
    expect(layout.fare[slot]).toBe(economy.fare);
    expect(tp.platform.searchPool?.stats().completed).toBeGreaterThanOrEqual(2);
  });
});

/** The economy slot of the leg with this id departing at `seconds`. */
function slotOf(
  departure: Uint32Array,
  routeFirstLeg: Uint32Array,
  seconds: number,
  layout: { idStart: Uint32Array; idBytes: Uint8Array },
  id: string,
): number {
  const total = routeFirstLeg[routeFirstLeg.length - 1]!;
  for (let leg = 0; leg < total; leg++) {
    if (departure[leg] !== seconds) continue;
    const bytes = Buffer.from(layout.idBytes.buffer).toString(
      'utf8',
      layout.idStart[leg],
      layout.idStart[leg + 1],
    );
    if (bytes === id) return leg * CABIN_SLOTS + CABINS.indexOf('economy');
  }
  throw new Error(`no leg ${id}`);
}
