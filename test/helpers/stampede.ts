import { expect } from 'vitest';
import { type ApiProcess, type SharedStore, startApiPair } from './api-process.js';
import { BookingClient, directLhrJfk, firstFlightOffer, oneAdultBooking, runBounded } from './bookings.js';

/**
 * The never-overbook scenario: this many bookings of one offer (distinct idempotency keys), this many
 * in flight at once, for this many seats — enough to pile up on the same seats, bounded so sockets
 * stay sane.
 */
export const STAMPEDE: Readonly<{ requests: number; seats: number; concurrency: number }> = {
  requests: 1000,
  seats: 10,
  concurrency: 200,
};

/**
 * The demo inventory the stampedes run on: what matters is one direct LHR→JFK flight two days out,
 * and twelve airports over three days have it at a fraction of the seeding (and, on DynamoDB, of the
 * emulator's) time of a larger network.
 */
export const STAMPEDE_INVENTORY: Readonly<{ airports: number; days: number }> = { airports: 12, days: 3 };

/**
 * Time for a stampede on two API processes, their start included: a thousand bookings through three
 * processes queue for the CPU on a loaded 2-core machine, and what is tested is the count, not the
 * latency (the default 60 s was missed under load).
 */
export const TWO_PROCESS_STAMPEDE_TIMEOUT_MS = 180_000;

/** The answer to one booking request: its status and, for a problem, its type. */
export interface BookingOutcome {
  status: number;
  type?: string;
}

/**
 * Fires `requests` bookings of one body (idempotency keys `${label}-${i}`, all distinct) round robin
 * over `clients`, `concurrency` in flight at once; logs the tally of answers with the time taken.
 */
export async function stampede(
  clients: readonly BookingClient[],
  body: unknown,
  options: { requests: number; concurrency: number; label: string },
): Promise<BookingOutcome[]> {
  const { requests, concurrency, label } = options;
  const started = Date.now();
  const outcomes = await runBounded(
    Array.from({ length: requests }, (_, i) => async (): Promise<BookingOutcome> => {
      const response = await (clients[i % clients.length] as BookingClient).book(body, `${label}-${i}`);
      const json = (await response.json()) as { type?: string };
      return { status: response.status, ...(json.type ? { type: json.type } : {}) };
    }),
    concurrency,
  );
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const answer = `${o.status} ${o.type ?? ''}`.trim();
    counts[answer] = (counts[answer] ?? 0) + 1;
  }
  console.log(`[never-overbook] ${label}: ${requests} requests in ${Date.now() - started} ms →`, counts);
  return outcomes;
}

/** Exactly `seats` bookings succeeded and every other one was refused 409 sold-out. */
export function expectExactlyTheSeats(outcomes: readonly BookingOutcome[], seats: number): void {
  expect(outcomes.filter((o) => o.status === 201)).toHaveLength(seats);
  const refused = outcomes.filter((o) => o.status !== 201);
  expect(refused).toHaveLength(outcomes.length - seats);
  for (const o of refused) {
    expect(o.status).toBe(409);
    expect(o.type).toBe('https://travel-platform.dev/problems/sold-out');
  }
}

/**
 * The never-overbook scenario on two API processes sharing one store (each pushed onto `started`):
 * the first direct LHR→JFK offer two days out, its economy seats set to STAMPEDE.seats by `setSeats`
 * (each backend its own way), then STAMPEDE.requests bookings round robin over both processes.
 * Expects exactly the seats booked; answers the flight, for the caller to check its store.
 */
export async function stampedeOnTwoProcesses(
  shared: SharedStore,
  started: ApiProcess[],
  setSeats: (flightId: string, seats: number) => Promise<void>,
  label: string,
): Promise<string> {
  const [a, b] = await startApiPair(shared.env, started);
  const offer = await firstFlightOffer(a.url, shared.apiKey, directLhrJfk(shared.date(2)));
  const flightId = offer.itineraries[0]!.segments[0]!.id;
  await setSeats(flightId, STAMPEDE.seats);
  const clients = [a, b].map((p) => new BookingClient(p.url, shared.apiKey, shared.token));
  const outcomes = await stampede(clients, oneAdultBooking(offer), {
    requests: STAMPEDE.requests,
    concurrency: STAMPEDE.concurrency,
    label,
  });
  expectExactlyTheSeats(outcomes, STAMPEDE.seats);
  return flightId;
}
