import { afterAll, describe, expect, it } from 'vitest';
import { type ApiProcess, prepareSharedStore, startApiPair } from '../helpers/api-process.js';
import {
  BookingClient,
  directLhrJfk,
  expectExactlyTheSeats,
  firstFlightOffer,
  oneAdultBooking,
  stampede,
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
    const [a, b] = await startApiPair(shared.env, processes);
    const offer = await firstFlightOffer(a.url, shared.apiKey, directLhrJfk(shared.date(2)));
    const flightId = offer.itineraries[0]!.segments[0]!.id;
    await queryTestDatabase(
      `UPDATE ${schema}.flight_cabins SET seats_left = $1 WHERE flight_id = $2 AND cabin = 'economy'`,
      [SEATS, flightId],
    );
    const clients = [a, b].map((p) => new BookingClient(p.url, shared.apiKey, shared.token));

    const outcomes = await stampede(clients, oneAdultBooking(offer), {
      requests: REQUESTS,
      concurrency: CONCURRENCY,
      label: 'postgres-two-processes',
    });

    expectExactlyTheSeats(outcomes, SEATS);
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
