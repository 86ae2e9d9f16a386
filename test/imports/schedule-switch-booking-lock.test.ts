import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresStore } from '../../src/adapters/store/postgres/index.js';
import { NEW_BOOKING_COLUMNS, newBookingValues } from '../../src/adapters/store/relational-booking-rows.js';
import type { BookingRecord } from '../../src/ports/bookings.js';
import { flight, seatBooking } from '../contract/store/fixtures.js';
import { dropSchema, openTestPostgresStore, postgresUrl, uniqueSchema } from '../helpers/postgres.js';

/**
 * PostgreSQL: a booking whose transaction has taken its seats but not committed when the schedule
 * switch starts. The switch locks the cabin rows of the flights it drops before it looks bookings
 * up, so it waits for that booking, sees it, and cancels its flight instead of deleting it.
 */
describe('schedule switch on PostgreSQL and a booking in flight', () => {
  const schema = uniqueSchema('switchlock');
  let store: PostgresStore;
  beforeAll(async () => {
    store = await openTestPostgresStore(schema, { statementTimeoutMs: 30_000 });
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await dropSchema(schema);
  });

  it('waits for the booking to commit, then keeps its flight, cancelled, and tells who holds it', async () => {
    const dropped = flight('2030-01-02-XX1', { carrier: 'XX' });
    await store.inventory.putFlights([dropped]);
    await store.schedules.stage('i', [
      {
        flight: flight('2030-01-03-XX2', { carrier: 'XX' }),
        line: 1,
        signature: 'new',
      },
    ]);
    const scope = { carrier: 'XX', firstDate: '2030-01-01', lastDate: '2030-01-31' };
    const comparison = await store.schedules.compare('i', [scope]);
    expect(comparison.moves.map((m) => m.before.id)).toEqual([dropped.id]);

    // A booking takes its seats as booking-store.ts does, and has not committed yet.
    const booking = seatBooking([dropped.id], 1);
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`SET search_path = ${schema}`);
    await client.query('BEGIN');
    await client.query(
      `UPDATE flight_cabins SET seats_left = seats_left - 1 WHERE flight_id = $1 AND cabin = 'economy'`,
      [dropped.id],
    );
    await client.query(
      `INSERT INTO bookings (${NEW_BOOKING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      newBookingValues(booking),
    );

    let told: readonly BookingRecord[] = [];
    const switching = store.schedules.switchTo('i', [scope], [], [], () => [], {
      held: (found) => {
        told = found;
        return [];
      },
    });
    let settled = false;
    void switching.finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(settled).toBe(false);
    await client.query('COMMIT');
    await client.end();

    const result = await switching;
    expect(told.map((b) => b.id)).toEqual([booking.id]);
    expect(result.cancelled).toEqual([dropped.id]);
    expect((await store.inventory.getFlights([dropped.id]))[0]).toMatchObject({ cancelled: true });
  });
});
