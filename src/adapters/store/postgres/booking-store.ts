import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import {
  type BookingRecord,
  BookingReferenceTakenError,
  type BookingStore,
  type HeldKey,
  type IdempotencyClaim,
  IdempotencyKeyLostError,
  type InventoryHold,
  SoldOutError,
} from '../../../ports/bookings.js';
import type { CloudEvent } from '../../../ports/events.js';
import {
  type BookingRow,
  NEW_BOOKING_COLUMNS,
  newBookingValues,
  toBookingRecord,
} from '../relational-booking-rows.js';
import { type AppendEvents, guarded, inTransaction } from './connection.js';
import { PostgresPeriodLegs } from './period-legs.js';

interface KeyRow {
  request_hash: string;
  booking_id: string | null;
  lease_until: number;
}

const BOOKING_ERRORS = [SoldOutError, BookingReferenceTakenError, IdempotencyKeyLostError];

/** A claim that found the key held but then could not read it (released or pruned meanwhile) tries again. */
const CLAIM_ATTEMPTS = 5;

/**
 * BookingStore on PostgreSQL (READ COMMITTED). The conditional UPDATEs are the whole overbooking
 * guard: a concurrent booking of the same cabin waits for the row lock, then re-checks
 * `seats_left >= n` against the committed count, so two processes never both take the last seat.
 *
 *   request A (API process 1)                   request B (API process 2)
 *   ─────────────────────────────────────────   ─────────────────────────────────────────
 *   BEGIN
 *     UPDATE idempotency_keys … (A's token)
 *     UPDATE flight_cabins SET seats_left =     BEGIN
 *       seats_left − 2 WHERE flight_id = ANY(…)   UPDATE idempotency_keys … (B's token)
 *       AND seats_left ≥ 2  (row locks taken)     UPDATE flight_cabins … → waits for A's locks
 *     INSERT INTO bookings …
 *     INSERT INTO outbox …; NOTIFY
 *   COMMIT ───────────────────────────────────▶   re-checks seats_left ≥ 2 on A's result:
 *                                                  fewer rows than legs → SoldOutError, ROLLBACK
 *
 * Every leg is taken by one statement, so concurrent bookings lock shared legs in the same (index)
 * order and cannot deadlock each other.
 */
export class PostgresBookingStore implements BookingStore {
  readonly #pool: pg.Pool;
  readonly #appendEvents: AppendEvents;

  constructor(pool: pg.Pool, appendEvents: AppendEvents) {
    this.#pool = pool;
    this.#appendEvents = appendEvents;
  }

  async claimKey(
    scope: string,
    key: string,
    requestHash: string,
    options: { now: number; leaseMs: number; retentionMs: number },
  ): Promise<IdempotencyClaim> {
    const { now, leaseMs, retentionMs } = options;
    return guarded('claim an idempotency key', async () => {
      for (let attempt = 1; ; attempt++) {
        const token = randomUUID();
        // Inserts a new key, or takes over one past its retention or abandoned by a dead process;
        // a live key makes the WHERE false and nothing is returned. The row lock of ON CONFLICT
        // makes concurrent claims of one key queue up, so exactly one acquires it.
        const taken = await this.#pool.query(
          `INSERT INTO idempotency_keys AS k (scope, key, request_hash, token, lease_until, booking_id, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, NULL, $6, $7)
           ON CONFLICT (scope, key) DO UPDATE SET request_hash = excluded.request_hash, token = excluded.token,
             lease_until = excluded.lease_until, booking_id = NULL, created_at = excluded.created_at,
             expires_at = excluded.expires_at
           WHERE k.expires_at <= $6 OR (k.booking_id IS NULL AND k.lease_until <= $6)
           RETURNING token`,
          [scope, key, requestHash, token, now + leaseMs, now, now + retentionMs],
        );
        if (taken.rowCount === 1) return { state: 'acquired', token };
        const { rows } = await this.#pool.query<KeyRow>(
          'SELECT request_hash, booking_id, lease_until FROM idempotency_keys WHERE scope = $1 AND key = $2',
          [scope, key],
        );
        const row = rows[0];
        if (row !== undefined) {
          return row.booking_id === null
            ? { state: 'in-flight', requestHash: row.request_hash, leaseUntil: row.lease_until }
            : { state: 'completed', requestHash: row.request_hash, bookingId: row.booking_id };
        }
        if (attempt >= CLAIM_ATTEMPTS) throw new Error(`idempotency key ${key} keeps changing hands`);
      }
    });
  }

  async releaseKey(held: HeldKey): Promise<void> {
    await guarded('release an idempotency key', () =>
      this.#pool.query(
        'DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND token = $3 AND booking_id IS NULL',
        [held.scope, held.key, held.token],
      ),
    );
  }

  async create(booking: BookingRecord, held: HeldKey, events: readonly CloudEvent[]): Promise<void> {
    await guarded(
      'create a booking',
      () =>
        inTransaction(this.#pool, async (client) => {
          const completed = await client.query(
            `UPDATE idempotency_keys SET booking_id = $1, lease_until = 0
             WHERE scope = $2 AND key = $3 AND token = $4 AND booking_id IS NULL`,
            [booking.id, held.scope, held.key, held.token],
          );
          if (completed.rowCount !== 1) throw new IdempotencyKeyLostError(held.key);
          await take(client, booking.hold);
          const inserted = await client.query(
            `INSERT INTO bookings (${NEW_BOOKING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (reference) DO NOTHING`,
            newBookingValues(booking),
          );
          if (inserted.rowCount !== 1) throw new BookingReferenceTakenError(booking.reference);
          await this.#appendEvents(client, events);
        }),
      BOOKING_ERRORS,
    );
  }

  async get(id: string): Promise<BookingRecord | undefined> {
    return guarded('read a booking', async () => {
      const { rows } = await this.#pool.query<BookingRow>('SELECT * FROM bookings WHERE id = $1', [id]);
      return rows[0] === undefined ? undefined : toBookingRecord(rows[0]);
    });
  }

  async findByFlights(flightIds: readonly string[]): Promise<BookingRecord[]> {
    if (flightIds.length === 0) return [];
    return guarded('find bookings on flights', async () => {
      // The hold lives in the JSON document; bookings are few next to flights, so a scan of the
      // confirmed ones is what a rare schedule change can afford.
      const { rows } = await this.#pool.query<BookingRow>(
        `SELECT * FROM bookings
         WHERE status = 'confirmed' AND (document::jsonb -> 'hold' -> 'flightIds') ?| $1::text[]`,
        [flightIds],
      );
      return rows.map(toBookingRecord);
    });
  }

  async cancel(
    id: string,
    now: number,
    events: (cancelled: BookingRecord) => readonly CloudEvent[],
  ): Promise<{ booking: BookingRecord; cancelledNow: boolean } | undefined> {
    return guarded('cancel a booking', () =>
      inTransaction(this.#pool, async (client) => {
        // The status flip is the "exactly once": only the call that flips it gives inventory back.
        const flipped = await client.query<BookingRow>(
          `UPDATE bookings SET status = 'cancelled', cancelled_at = $1 WHERE id = $2 AND status = 'confirmed'
           RETURNING *`,
          [now, id],
        );
        const row = flipped.rows[0];
        if (row === undefined) {
          const { rows } = await client.query<BookingRow>('SELECT * FROM bookings WHERE id = $1', [id]);
          return rows[0] === undefined
            ? undefined
            : { booking: toBookingRecord(rows[0]), cancelledNow: false };
        }
        const cancelled = toBookingRecord(row);
        await giveBack(client, cancelled.hold);
        await this.#appendEvents(client, events(cancelled));
        return { booking: cancelled, cancelledNow: true };
      }),
    );
  }

  async pruneKeys(before: number): Promise<number> {
    return guarded('prune idempotency keys', async () => {
      const result = await this.#pool.query('DELETE FROM idempotency_keys WHERE expires_at < $1', [before]);
      return result.rowCount ?? 0;
    });
  }
}

/** Takes every leg or night of `hold` in one conditional UPDATE, or throws SoldOutError naming what lacked. */
async function take(client: pg.PoolClient, hold: InventoryHold): Promise<void> {
  if (hold.kind === 'seats') {
    const legs = [...new Set(hold.flightIds)];
    // A dated leg of an imported period gets its rows first, in this transaction (docs/adr/0025).
    await PostgresPeriodLegs.materialise(client, legs);
    const { rows } = await client.query<{ flight_id: string }>(
      `UPDATE flight_cabins SET seats_left = seats_left - $3
       WHERE flight_id = ANY($1::text[]) AND cabin = $2 AND seats_left >= $3 RETURNING flight_id`,
      [legs, hold.cabin, hold.seats],
    );
    const taken = new Set(rows.map((row) => row.flight_id));
    const lacking = legs.filter((leg) => !taken.has(leg));
    if (lacking.length > 0) throw new SoldOutError({ flightIds: lacking });
    return;
  }
  const nights = [...new Set(hold.nights)];
  const { rows } = await client.query<{ date: string }>(
    `UPDATE room_nights SET rooms_left = rooms_left - $4
     WHERE hotel_id = $1 AND room_type = $2 AND date = ANY($3::text[]) AND rooms_left >= $4 RETURNING date`,
    [hold.hotelId, hold.roomType, nights, hold.rooms],
  );
  const taken = new Set(rows.map((row) => row.date));
  const lacking = nights.filter((night) => !taken.has(night));
  if (lacking.length > 0) throw new SoldOutError({ nights: lacking });
}

async function giveBack(client: pg.PoolClient, hold: InventoryHold): Promise<void> {
  if (hold.kind === 'seats') {
    await client.query(
      `UPDATE flight_cabins SET seats_left = LEAST(capacity, seats_left + $3)
       WHERE flight_id = ANY($1::text[]) AND cabin = $2`,
      [[...new Set(hold.flightIds)], hold.cabin, hold.seats],
    );
    return;
  }
  await client.query(
    `UPDATE room_nights SET rooms_left = rooms_left + $4
     WHERE hotel_id = $1 AND room_type = $2 AND date = ANY($3::text[])`,
    [hold.hotelId, hold.roomType, [...new Set(hold.nights)], hold.rooms],
  );
}
