import { afterAll, describe, expect, it } from 'vitest';
import { type ApiProcess, prepareSharedStore, startApiProcess } from '../helpers/api-process.js';
import {
  BookingClient,
  bookingBody,
  firstFlightOffer,
  passengersFor,
  runBounded,
} from '../helpers/bookings.js';
import { dropSchema, postgresEnv, queryTestDatabase, uniqueSchema } from '../helpers/postgres.js';

const REQUESTS = 1000;
const SEATS = 10;
/** Requests in flight at once: enough to pile up on the same seats, bounded so sockets stay sane. */
const CONCURRENCY = 200;

describe('never overbook on PostgreSQL', () => {
  const schema = uniqueSchema('overbook');
  const processes: ApiProcess[] = [];

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await dropSchema(schema);
  });

  it(`${REQUESTS} concurrent bookings through two API processes for ${SEATS} seats: exactly ${SEATS} succeed, the rest 409 sold-out`, async () => {
    const shared = await prepareSharedStore(postgresEnv(schema));
    processes.push(await startApiProcess(shared.env), await startApiProcess(shared.env));
    const [a, b] = processes as [ApiProcess, ApiProcess];
    const offer = await firstFlightOffer(
      a.url,
      shared.apiKey,
      `origin=LHR&destination=JFK&departureDate=${shared.date(2)}&maxStops=0`,
    );
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    await queryTestDatabase(
      `UPDATE ${schema}.flight_cabins SET seats_left = $1 WHERE flight_id = $2 AND cabin = 'economy'`,
      [SEATS, flightId],
    );
    const body = bookingBody(
      offer.id,
      passengersFor({ adults: 1 }, offer.itineraries[0]!.segments[0]!.departure.at.slice(0, 10)),
    );
    const clients = [a, b].map((p) => new BookingClient(p.url, shared.apiKey, shared.token));

    const started = Date.now();
    const outcomes = await runBounded(
      Array.from({ length: REQUESTS }, (_, i) => async () => {
        const response = await (clients[i % clients.length] as BookingClient).book(body, `pg-${i}`);
        const json = (await response.json()) as { type?: string };
        return { status: response.status, type: json.type };
      }),
      CONCURRENCY,
    );
    const counts: Record<string, number> = {};
    for (const o of outcomes)
      counts[`${o.status} ${o.type ?? ''}`.trim()] = (counts[`${o.status} ${o.type ?? ''}`.trim()] ?? 0) + 1;
    console.log(
      `[never-overbook] postgres, two processes: ${REQUESTS} requests in ${Date.now() - started} ms →`,
      counts,
    );

    expect(outcomes.filter((o) => o.status === 201)).toHaveLength(SEATS);
    const refused = outcomes.filter((o) => o.status !== 201);
    expect(refused).toHaveLength(REQUESTS - SEATS);
    for (const o of refused) {
      expect(o.status).toBe(409);
      expect(o.type).toBe('https://travel-platform.dev/problems/sold-out');
    }
    const [cabin] = await queryTestDatabase<{ seats_left: number }>(
      `SELECT seats_left FROM ${schema}.flight_cabins WHERE flight_id = $1 AND cabin = 'economy'`,
      [flightId],
    );
    expect(cabin?.seats_left).toBe(0);
    const [booked] = await queryTestDatabase<{ n: string }>(
      `SELECT count(*) AS n FROM ${schema}.bookings WHERE status = 'confirmed' AND document::text LIKE $1`,
      [`%"${flightId}"%`],
    );
    expect(Number(booked?.n)).toBe(SEATS);
  });
});
