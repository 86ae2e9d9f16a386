import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { InventoryStore } from '../../src/ports/store.js';
import { type ApiProcess, prepareSharedStore, type SharedStore } from '../helpers/api-process.js';
import { BookingClient, directLhrJfk, firstFlightOffer, oneAdultBooking } from '../helpers/bookings.js';
import {
  expectExactlyTheSeats,
  STAMPEDE,
  STAMPEDE_INVENTORY,
  stampede,
  stampedeOnTwoProcesses,
  TWO_PROCESS_STAMPEDE_TIMEOUT_MS,
} from '../helpers/stampede.js';
import { startTestPlatform, type TestPlatform } from '../helpers/test-platform.js';

const { requests: REQUESTS, seats: SEATS, concurrency: CONCURRENCY } = STAMPEDE;

/** Sets seats_left of one cabin to `seats` through the store, as an operator would. */
async function setSeats(store: InventoryStore, flightId: string, seats: number): Promise<void> {
  const [flight] = await store.getFlights([flightId]);
  await store.putFlights([
    {
      ...flight!,
      cabins: flight!.cabins.map((c) => (c.cabin === 'economy' ? { ...c, seatsLeft: seats } : c)),
    },
  ]);
}

describe('never overbook', () => {
  let tp: TestPlatform | undefined;
  let shared: SharedStore | undefined;
  const processes: ApiProcess[] = [];

  afterAll(async () => {
    await tp?.close();
    for (const p of processes) await p.stop();
    shared?.cleanup();
  });

  it(`${REQUESTS} concurrent bookings through HTTP for ${SEATS} seats: exactly ${SEATS} succeed, the rest 409 sold-out`, async () => {
    tp = await startTestPlatform(STAMPEDE_INVENTORY);
    const offer = await firstFlightOffer(tp.baseUrl, tp.apiKey, directLhrJfk(tp.date(2)));
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    await setSeats(tp.platform.store, flightId, SEATS);
    const token = await tp.platform.gateway.options.issuer!.mint('stampede');
    const client = new BookingClient(tp.baseUrl, tp.apiKey, token);

    let lowest = SEATS;
    const platform = tp.platform;
    const watch = setInterval(() => {
      void platform.store.getFlights([flightId]).then(([f]) => {
        lowest = Math.min(lowest, f!.cabins.find((c) => c.cabin === 'economy')!.seatsLeft);
      });
    }, 5);
    const outcomes = await stampede([client], oneAdultBooking(offer), {
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      label: 'one-process',
    });
    clearInterval(watch);

    expectExactlyTheSeats(outcomes, SEATS);
    const [flight] = await tp.platform.store.getFlights([flightId]);
    expect(flight!.cabins.find((c) => c.cabin === 'economy')!.seatsLeft).toBe(0);
    expect(lowest).toBeGreaterThanOrEqual(0);
  });

  it(`the same with two API processes on one SQLite file`, {
    timeout: TWO_PROCESS_STAMPEDE_TIMEOUT_MS,
  }, async () => {
    shared = await prepareSharedStore({}, STAMPEDE_INVENTORY);
    const db = new Database(shared.file);
    db.pragma('busy_timeout = 5000');
    const flightId = await stampedeOnTwoProcesses(
      shared,
      processes,
      async (id, seats) => {
        db.prepare("UPDATE flight_cabins SET seats_left = ? WHERE flight_id = ? AND cabin = 'economy'").run(
          seats,
          id,
        );
      },
      'two-processes',
    );
    const seats = (): number =>
      (
        db
          .prepare("SELECT seats_left AS n FROM flight_cabins WHERE flight_id = ? AND cabin = 'economy'")
          .get(flightId) as { n: number }
      ).n;

    expect(seats()).toBe(0);
    const booked = db
      .prepare("SELECT COUNT(*) AS n FROM bookings WHERE status = 'confirmed' AND document LIKE ?")
      .get(`%"${flightId}"%`) as { n: number };
    expect(booked.n).toBe(SEATS);
    db.close();
  });
});
