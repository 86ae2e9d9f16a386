import { randomUUID } from 'node:crypto';
import {
  type BookingRecord,
  BookingReferenceTakenError,
  type BookingStore,
  type HeldKey,
  type IdempotencyClaim,
  IdempotencyKeyLostError,
  type InventoryHold,
  isBookingCreateAnswer,
  SoldOutError,
} from '../../../ports/bookings.js';
import type { CloudEvent } from '../../../ports/events.js';
import { StoreUnavailableError } from '../../../ports/store.js';
import type { BookingDocument } from '../booking-document.js';
import {
  type BookingRow,
  NEW_BOOKING_COLUMNS,
  newBookingValues,
  toBookingRecord,
} from '../relational-booking-rows.js';
import type { SqliteDatabase } from './database.js';
import type { SqliteOutbox } from './outbox.js';
import { SqlitePeriodLegs } from './period-legs.js';

interface KeyRow {
  request_hash: string;
  token: string;
  lease_until: number;
  booking_id: string | null;
  expires_at: number;
}

/**
 * BookingStore on the process's shared SQLite connection; the outbox shares it, so events commit
 * with the booking. Every write is a BEGIN IMMEDIATE transaction: SQLite then serialises writers
 * across processes sharing the file, and the conditional UPDATEs below are the whole overbooking
 * guard — a seat count read earlier (re-pricing) is only advisory.
 *
 *   request A (API process 1)               request B (API process 2)
 *   ─────────────────────────────────────   ─────────────────────────────────────
 *   BEGIN IMMEDIATE  (takes the write lock)
 *     UPDATE idempotency_keys … token = A   BEGIN IMMEDIATE → waits (busy_timeout)
 *     UPDATE flight_cabins SET seats_left =
 *       seats_left − 2 WHERE … seats_left ≥ 2
 *       (0 rows → throw sold-out → ROLLBACK)
 *     INSERT INTO bookings …
 *     outbox.append(booking.created, availability.changed)
 *   COMMIT ──────────────────────────────▶   (lock granted) sees A's seats_left
 */
export class SqliteBookingStore implements BookingStore {
  readonly #db: SqliteDatabase;
  readonly #outbox: SqliteOutbox;
  readonly #periods: SqlitePeriodLegs;
  readonly #s;

  constructor(db: SqliteDatabase, outbox: SqliteOutbox) {
    this.#db = db;
    this.#outbox = outbox;
    this.#periods = new SqlitePeriodLegs(db);
    this.#s = {
      readKey: db.prepare(
        'SELECT request_hash, token, lease_until, booking_id, expires_at FROM idempotency_keys WHERE scope = ? AND key = ?',
      ),
      takeKey: db.prepare(
        `INSERT OR REPLACE INTO idempotency_keys
           (scope, key, request_hash, token, lease_until, booking_id, created_at, expires_at)
         VALUES (@scope, @key, @requestHash, @token, @leaseUntil, NULL, @now, @expiresAt)`,
      ),
      releaseKey: db.prepare(
        'DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND token = ? AND booking_id IS NULL',
      ),
      completeKey: db.prepare(
        `UPDATE idempotency_keys SET booking_id = ?, lease_until = 0
         WHERE scope = ? AND key = ? AND token = ? AND booking_id IS NULL`,
      ),
      pruneKeys: db.prepare('DELETE FROM idempotency_keys WHERE expires_at < ?'),
      takeSeats: db.prepare(
        `UPDATE flight_cabins SET seats_left = seats_left - @n
         WHERE flight_id = @flightId AND cabin = @cabin AND seats_left >= @n`,
      ),
      returnSeats: db.prepare(
        `UPDATE flight_cabins SET seats_left = MIN(capacity, seats_left + @n)
         WHERE flight_id = @flightId AND cabin = @cabin`,
      ),
      takeRooms: db.prepare(
        `UPDATE room_nights SET rooms_left = rooms_left - @n
         WHERE hotel_id = @hotelId AND room_type = @roomType AND date = @date AND rooms_left >= @n`,
      ),
      returnRooms: db.prepare(
        `UPDATE room_nights SET rooms_left = rooms_left + @n
         WHERE hotel_id = @hotelId AND room_type = @roomType AND date = @date`,
      ),
      insertBooking: db.prepare(`INSERT INTO bookings (${NEW_BOOKING_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      referenceTaken: db.prepare('SELECT 1 FROM bookings WHERE reference = ?'),
      getBooking: db.prepare('SELECT * FROM bookings WHERE id = ?'),
      cancelBooking: db.prepare(
        "UPDATE bookings SET status = 'cancelled', cancelled_at = ? WHERE id = ? AND status = 'confirmed'",
      ),
    };
  }

  async claimKey(
    scope: string,
    key: string,
    requestHash: string,
    options: { now: number; leaseMs: number; retentionMs: number },
  ): Promise<IdempotencyClaim> {
    const { now, leaseMs, retentionMs } = options;
    return this.#guard('claim an idempotency key', () =>
      this.#db
        .transaction((): IdempotencyClaim => {
          const row = this.#s.readKey.get(scope, key) as KeyRow | undefined;
          if (row !== undefined && row.expires_at > now) {
            if (row.booking_id !== null) {
              return { state: 'completed', requestHash: row.request_hash, bookingId: row.booking_id };
            }
            if (row.lease_until > now)
              return { state: 'in-flight', requestHash: row.request_hash, leaseUntil: row.lease_until };
          }
          // Absent, past its retention, or abandoned by a request whose process died: take it.
          const token = randomUUID();
          this.#s.takeKey.run({
            scope,
            key,
            requestHash,
            token,
            leaseUntil: now + leaseMs,
            now,
            expiresAt: now + retentionMs,
          });
          return { state: 'acquired', token };
        })
        .immediate(),
    );
  }

  async releaseKey(held: HeldKey): Promise<void> {
    this.#guard('release an idempotency key', () => {
      this.#s.releaseKey.run(held.scope, held.key, held.token);
    });
  }

  async create(booking: BookingRecord, held: HeldKey, events: readonly CloudEvent[]): Promise<void> {
    this.#guard('create a booking', () =>
      this.#db
        .transaction(() => {
          if (this.#s.completeKey.run(booking.id, held.scope, held.key, held.token).changes !== 1) {
            throw new IdempotencyKeyLostError(held.key);
          }
          this.#take(booking.hold);
          if (this.#s.referenceTaken.get(booking.reference) !== undefined) {
            throw new BookingReferenceTakenError(booking.reference);
          }
          this.#s.insertBooking.run(...newBookingValues(booking));
          this.#outbox.append(events);
        })
        .immediate(),
    );
  }

  async get(id: string): Promise<BookingRecord | undefined> {
    return this.#guard('read a booking', () => {
      const row = this.#s.getBooking.get(id) as BookingRow<string> | undefined;
      return row === undefined ? undefined : toRecord(row);
    });
  }

  async cancel(
    id: string,
    now: number,
    events: (cancelled: BookingRecord) => readonly CloudEvent[],
  ): Promise<{ booking: BookingRecord; cancelledNow: boolean } | undefined> {
    return this.#guard('cancel a booking', () =>
      this.#db
        .transaction(() => {
          const row = this.#s.getBooking.get(id) as BookingRow<string> | undefined;
          if (row === undefined) return undefined;
          const booking = toRecord(row);
          // The status flip is the "exactly once": only the call that flips it gives inventory back.
          if (this.#s.cancelBooking.run(now, id).changes !== 1) return { booking, cancelledNow: false };
          const cancelled: BookingRecord = { ...booking, status: 'cancelled', cancelledAt: now };
          this.#giveBack(booking.hold);
          this.#outbox.append(events(cancelled));
          return { booking: cancelled, cancelledNow: true };
        })
        .immediate(),
    );
  }

  async findByFlights(flightIds: readonly string[]): Promise<BookingRecord[]> {
    if (flightIds.length === 0) return [];
    return this.#guard('find bookings on flights', () => {
      const found = new Map<string, BookingRecord>();
      // The hold lives in the JSON document; bookings are few next to flights, so a scan of the
      // confirmed ones with json_each is what a rare schedule change can afford.
      for (let i = 0; i < flightIds.length; i += 500) {
        const chunk = flightIds.slice(i, i + 500);
        const rows = this.#db
          .prepare(
            `SELECT * FROM bookings b WHERE b.status = 'confirmed' AND EXISTS (
               SELECT 1 FROM json_each(b.document, '$.hold.flightIds') j
               WHERE j.value IN (${chunk.map(() => '?').join(', ')}))`,
          )
          .all(...chunk) as BookingRow<string>[];
        for (const row of rows) found.set(row.id, toRecord(row));
      }
      return [...found.values()];
    });
  }

  async pruneKeys(before: number): Promise<number> {
    return this.#guard('prune idempotency keys', () => this.#s.pruneKeys.run(before).changes);
  }

  /** Takes every leg or night of `hold` or throws sold-out, which rolls the transaction back. */
  #take(hold: InventoryHold): void {
    if (hold.kind === 'seats') {
      // A dated leg of an imported period gets its rows first, in this transaction (docs/adr/0025).
      this.#periods.materialise(hold.flightIds);
      for (const flightId of hold.flightIds) {
        if (this.#s.takeSeats.run({ flightId, cabin: hold.cabin, n: hold.seats }).changes !== 1) {
          throw new SoldOutError({ flightIds: [flightId] });
        }
      }
      return;
    }
    for (const date of hold.nights) {
      const night = { hotelId: hold.hotelId, roomType: hold.roomType, date, n: hold.rooms };
      if (this.#s.takeRooms.run(night).changes !== 1) {
        throw new SoldOutError({ nights: [date] });
      }
    }
  }

  #giveBack(hold: InventoryHold): void {
    if (hold.kind === 'seats') {
      for (const flightId of hold.flightIds) {
        this.#s.returnSeats.run({ flightId, cabin: hold.cabin, n: hold.seats });
      }
      return;
    }
    for (const date of hold.nights) {
      this.#s.returnRooms.run({ hotelId: hold.hotelId, roomType: hold.roomType, date, n: hold.rooms });
    }
  }

  /** Runs a store call; the port's own errors pass through, driver errors become StoreUnavailableError. */
  #guard<T>(action: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (isBookingCreateAnswer(error)) throw error;
      throw new StoreUnavailableError(`cannot ${action}`, { cause: error });
    }
  }
}

/** SQLite keeps the document as JSON text. */
function toRecord(row: BookingRow<string>): BookingRecord {
  return toBookingRecord({ ...row, document: JSON.parse(row.document) as BookingDocument });
}
