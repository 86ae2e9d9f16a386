import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { InventoryStore } from '../../src/ports/store.js';
import {
  type ApiProcess,
  prepareSharedStore,
  type SharedStore,
  startApiProcess,
} from '../helpers/api-process.js';
import {
  BookingClient,
  bookingBody,
  firstFlightOffer,
  passengersFor,
  runBounded,
} from '../helpers/bookings.js';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.js';

const REQUESTS = 1000;
const SEATS = 10;
/** Requests in flight at once: enough to pile up on the same seats, bounded so sockets stay sane. */
const CONCURRENCY = 200;

interface Outcome {
  status: number;
  type?: string;
}

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

/** Fires REQUESTS bookings (distinct idempotency keys) of one offer, round robin over `clients`. */
async function stampede(clients: BookingClient[], body: unknown, label: string): Promise<Outcome[]> {
  const started = Date.now();
  const outcomes = await runBounded(
    Array.from({ length: REQUESTS }, (_, i) => async (): Promise<Outcome> => {
      const response = await (clients[i % clients.length] as BookingClient).book(body, `${label}-${i}`);
      const json = (await response.json()) as { type?: string };
      return { status: response.status, ...(json.type ? { type: json.type } : {}) };
    }),
    CONCURRENCY,
  );
  const counts = new Map<string, number>();
  for (const o of outcomes)
    counts.set(
      `${o.status} ${o.type ?? ''}`.trim(),
      (counts.get(`${o.status} ${o.type ?? ''}`.trim()) ?? 0) + 1,
    );
  console.log(
    `[never-overbook] ${label}: ${REQUESTS} requests in ${Date.now() - started} ms →`,
    Object.fromEntries(counts),
  );
  return outcomes;
}

function expectExactlyTheSeats(outcomes: Outcome[]): void {
  expect(outcomes.filter((o) => o.status === 201)).toHaveLength(SEATS);
  const refused = outcomes.filter((o) => o.status !== 201);
  expect(refused).toHaveLength(REQUESTS - SEATS);
  for (const o of refused) {
    expect(o.status).toBe(409);
    expect(o.type).toBe('https://travel-platform.dev/problems/sold-out');
  }
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
    tp = await startTestPlatform({ airports: 30, days: 5 });
    const offer = await firstFlightOffer(
      tp.baseUrl,
      tp.apiKey,
      `origin=LHR&destination=JFK&departureDate=${tp.date(2)}&maxStops=0`,
    );
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    await setSeats(tp.platform.store, flightId, SEATS);
    const token = await tp.platform.gateway.options.issuer!.mint('stampede');
    const client = new BookingClient(tp.baseUrl, tp.apiKey, token);
    const body = bookingBody(
      offer.id,
      passengersFor({ adults: 1 }, offer.itineraries[0]!.segments[0]!.departure.at.slice(0, 10)),
    );

    let lowest = SEATS;
    const platform = tp.platform;
    const watch = setInterval(() => {
      void platform.store.getFlights([flightId]).then(([f]) => {
        lowest = Math.min(lowest, f!.cabins.find((c) => c.cabin === 'economy')!.seatsLeft);
      });
    }, 5);
    const outcomes = await stampede([client], body, 'one-process');
    clearInterval(watch);

    expectExactlyTheSeats(outcomes);
    const [flight] = await tp.platform.store.getFlights([flightId]);
    expect(flight!.cabins.find((c) => c.cabin === 'economy')!.seatsLeft).toBe(0);
    expect(lowest).toBeGreaterThanOrEqual(0);
  });

  it(`the same with two API processes on one SQLite file`, async () => {
    shared = await prepareSharedStore();
    processes.push(await startApiProcess(shared.env), await startApiProcess(shared.env));
    const [a, b] = processes as [ApiProcess, ApiProcess];
    const offer = await firstFlightOffer(
      a.url,
      shared.apiKey,
      `origin=LHR&destination=JFK&departureDate=${shared.date(2)}&maxStops=0`,
    );
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    const db = new Database(shared.file);
    db.pragma('busy_timeout = 5000');
    const seats = (): number =>
      (
        db
          .prepare("SELECT seats_left AS n FROM flight_cabins WHERE flight_id = ? AND cabin = 'economy'")
          .get(flightId) as {
          n: number;
        }
      ).n;
    db.prepare("UPDATE flight_cabins SET seats_left = ? WHERE flight_id = ? AND cabin = 'economy'").run(
      SEATS,
      flightId,
    );
    const body = bookingBody(
      offer.id,
      passengersFor({ adults: 1 }, offer.itineraries[0]!.segments[0]!.departure.at.slice(0, 10)),
    );
    const clients = [a, b].map((p) => new BookingClient(p.url, shared!.apiKey, shared!.token));

    const outcomes = await stampede(clients, body, 'two-processes');

    expectExactlyTheSeats(outcomes);
    expect(seats()).toBe(0);
    const booked = db
      .prepare("SELECT COUNT(*) AS n FROM bookings WHERE status = 'confirmed' AND document LIKE ?")
      .get(`%"${flightId}"%`) as { n: number };
    expect(booked.n).toBe(SEATS);
    db.close();
  });
});
