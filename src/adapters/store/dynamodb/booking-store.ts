import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BookingRecord, BookingStore, HeldKey, IdempotencyClaim } from '../../../ports/bookings.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { AppendSignal } from '../append-signal.js';
import { toBooking } from './booking-items.js';
import { createInTransaction, createWithConditions, giveBack } from './booking-writes.js';
import { ConditionFailed, type DynamoTable, type Item, TransactionCancelled } from './dynamo-table.js';
import { DynamoIdempotencyKeys } from './idempotency-keys.js';
import { currentHeldUnits } from './inventory-holds.js';
import { KIND, keys } from './keys.js';
import { outboxItems } from './outbox-records.js';
import { transactWrite, type WriteMode } from './writes.js';

/**
 * BookingStore on the single table: idempotency keys in idempotency-keys.ts; a booking written in one
 * transaction or, without transactions, by conditional writes in a fixed order with compensation
 * (booking-writes.ts), as DYNAMODB_BOOKING_WRITES chooses; a cancellation flips the status
 * conditionally and gives back what the booking's marks still hold.
 */
export class DynamoBookingStore implements BookingStore {
  readonly #table: DynamoTable;
  readonly #signal: AppendSignal;
  readonly #mode: WriteMode;
  readonly #keys: DynamoIdempotencyKeys;

  constructor(table: DynamoTable, signal: AppendSignal, mode: WriteMode) {
    this.#table = table;
    this.#signal = signal;
    this.#mode = mode;
    this.#keys = new DynamoIdempotencyKeys(table);
  }

  async claimKey(
    scope: string,
    key: string,
    requestHash: string,
    options: { now: number; leaseMs: number; retentionMs: number },
  ): Promise<IdempotencyClaim> {
    return this.#keys.claim(scope, key, requestHash, options);
  }

  async releaseKey(held: HeldKey): Promise<void> {
    await this.#keys.release(held);
  }

  async pruneKeys(before: number): Promise<number> {
    return this.#keys.prune(before);
  }

  async create(booking: BookingRecord, held: HeldKey, events: readonly CloudEvent[]): Promise<void> {
    if (this.#mode === 'transaction') await createInTransaction(this.#table, booking, held, events);
    else await createWithConditions(this.#table, booking, held, events);
    if (events.length > 0) this.#signal.appended();
  }

  async findByFlights(flightIds: readonly string[]): Promise<BookingRecord[]> {
    if (flightIds.length === 0) return [];
    const wanted = new Set(flightIds);
    // No index holds flights → bookings: a filtered scan of the booking items (schedule imports only,
    // never a request path; its cost grows with the table, as the port allows).
    const items = await this.#table.scanAll('find bookings on flights', {
      FilterExpression: '#kind = :booking AND #status = :confirmed',
      ExpressionAttributeNames: { '#kind': KIND, '#status': 'status' },
      ExpressionAttributeValues: { ':booking': 'booking', ':confirmed': 'confirmed' },
    });
    return items
      .map(toBooking)
      .filter(
        (booking) => booking.hold.kind === 'seats' && booking.hold.flightIds.some((id) => wanted.has(id)),
      );
  }

  async get(id: string): Promise<BookingRecord | undefined> {
    const item = await this.#readBooking(id);
    return item === undefined ? undefined : toBooking(item);
  }

  async cancel(
    id: string,
    now: number,
    events: (cancelled: BookingRecord) => readonly CloudEvent[],
  ): Promise<{ booking: BookingRecord; cancelledNow: boolean } | undefined> {
    const item = await this.#readBooking(id);
    if (item === undefined) return undefined;
    const booking = toBooking(item);
    const cancelled: BookingRecord = { ...booking, status: 'cancelled', cancelledAt: now };
    const cancelledNow =
      booking.status === 'confirmed' && (await this.#flipToCancelled(cancelled, events(cancelled)));
    // Every call gives back what is still marked as this booking's: exactly once (the marks), and a
    // cancel that died before giving back is completed by the next call.
    if (cancelledNow || booking.status === 'cancelled' || (await this.get(id))?.status === 'cancelled') {
      await giveBack(this.#table, await currentHeldUnits(this.#table, id, booking.hold));
    }
    if (cancelledNow) return { booking: cancelled, cancelledNow: true };
    const current = await this.get(id);
    return { booking: current ?? booking, cancelledNow: false };
  }

  /** Marks the booking cancelled (if still confirmed) with its events; false when another call did it first. */
  async #flipToCancelled(cancelled: BookingRecord, events: readonly CloudEvent[]): Promise<boolean> {
    const flip = {
      TableName: this.#table.name,
      Key: keys.booking(cancelled.id),
      UpdateExpression: 'SET #status = :cancelled, cancelledAt = :now',
      ConditionExpression: '#status = :confirmed',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':cancelled': 'cancelled',
        ':confirmed': 'confirmed',
        ':now': cancelled.cancelledAt,
      },
    };
    const records = outboxItems(events);
    try {
      if (this.#mode === 'transaction') {
        await transactWrite(this.#table, 'cancel a booking', [
          { Update: flip },
          ...records.map((Item) => ({ Put: { TableName: this.#table.name, Item } })),
        ]);
      } else {
        await this.#table.run('cancel a booking', (c) => c.send(new UpdateCommand(flip)));
        await this.#table.batchWrite(
          'append cancellation events',
          records.map((put) => ({ put })),
        );
      }
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      if (error instanceof TransactionCancelled && error.reasons[0] === 'ConditionalCheckFailed')
        return false;
      throw error;
    }
    if (records.length > 0) this.#signal.appended();
    return true;
  }

  async #readBooking(id: string): Promise<Item | undefined> {
    const answer = await this.#table.run('read a booking', (c) =>
      c.send(new GetCommand({ TableName: this.#table.name, Key: keys.booking(id), ConsistentRead: true })),
    );
    return answer.Item as Item | undefined;
  }
}
