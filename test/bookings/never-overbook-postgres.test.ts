import { afterAll, describe, expect, it } from 'vitest';
import { type ApiProcess, prepareSharedStore } from '../helpers/api-process.js';
import { dropSchema, postgresEnv, queryTestDatabase, uniqueSchema } from '../helpers/postgres.js';
import {
  STAMPEDE,
  STAMPEDE_INVENTORY,
  stampedeOnTwoProcesses,
  TWO_PROCESS_STAMPEDE_TIMEOUT_MS,
} from '../helpers/stampede.js';

describe('never overbook on PostgreSQL', () => {
  const schema = uniqueSchema('overbook');
  const processes: ApiProcess[] = [];

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await dropSchema(schema);
  });

  it(`${STAMPEDE.requests} concurrent bookings through two API processes for ${STAMPEDE.seats} seats: exactly ${STAMPEDE.seats} succeed, the rest 409 sold-out`, {
    timeout: TWO_PROCESS_STAMPEDE_TIMEOUT_MS,
  }, async () => {
    const shared = await prepareSharedStore(postgresEnv(schema), STAMPEDE_INVENTORY);
    const flightId = await stampedeOnTwoProcesses(
      shared,
      processes,
      async (id, seats) => {
        await queryTestDatabase(
          `UPDATE ${schema}.flight_cabins SET seats_left = $1 WHERE flight_id = $2 AND cabin = 'economy'`,
          [seats, id],
        );
      },
      'postgres-two-processes',
    );
    const [cabin] = await queryTestDatabase<{ seats_left: number }>(
      `SELECT seats_left FROM ${schema}.flight_cabins WHERE flight_id = $1 AND cabin = 'economy'`,
      [flightId],
    );
    expect(cabin?.seats_left).toBe(0);
    const [booked] = await queryTestDatabase<{ n: string }>(
      `SELECT count(*) AS n FROM ${schema}.bookings WHERE status = 'confirmed' AND document::text LIKE $1`,
      [`%"${flightId}"%`],
    );
    expect(Number(booked?.n)).toBe(STAMPEDE.seats);
  });
});
