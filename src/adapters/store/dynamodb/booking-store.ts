import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BookingRecord, BookingStore, HeldKey, IdempotencyClaim } from '../../../ports/bookings.js';
import type { CloudEvent } from '../../../ports/events.js';
import { toBooking } from './booking-items.js';
import { createInTransaction, createWithConditions, giveBack } from './booking-writes.js';
import {
  ConditionFailed,
  type DynamoTable,
  type Item,
  inParallel,
  TransactionCancelled,
} from './dynamo-table.js';
import { heldUnits } from './inventory-holds.js';
import {
  IDEMPOTENCY_EXPIRY_SHARDS,
  KIND,
  keys,
  LOOKUP_INDEX,
  LOOKUP_PK,
  LOOKUP_SK,
  PK,
  paddedMs,
  TTL,
} from './keys.js';
import type { AppendSignal } from './outbox-records.js';
import { outboxItems } from './outbox-records.js';
import { transactWrite, type WriteMode } from './writes.js';

/**
 * BookingStore on the single table. Idempotency keys are items written conditionally (the lease and
 * token in the condition), with a TTL attribute so DynamoDB forgets them after their retention; a
 * booking is written in one transaction or, without transactions, by conditional writes in a fixed
 * order with compensation (see booking-writes.ts) — chosen by DYNAMODB_BOOKING_WRITES.
 */
export class DynamoBookingStore implements BookingStore {
  readonly #table: DynamoTable;
  readonly #signal: AppendSignal;
  readonly #mode: WriteMode;

  constructor(table: DynamoTable, signal: AppendSignal, mode: WriteMode) {
    this.#table = table;
    this.#signal = signal;
    this.#mode = mode;
  }

  async claimKey(
    scope: string,
    key: string,
    requestHash: string,
    options: { now: number; leaseMs: number; retentionMs: number },
  ): Promise<IdempotencyClaim> {
    const { now, leaseMs, retentionMs } = options;
    const standing = stateOf(await this.#readKey(scope, key), now);
    if (standing !== undefined) return standing;
    const token = randomUUID();
    const expiresAt = now + retentionMs;
    try {
      await this.#table.run('claim an idempotency key', (c) =>
        c.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: {
              ...keys.idempotencyKey(scope, key),
              [KIND]: 'idempotency-key',
              [LOOKUP_PK]: keys.idempotencyExpiryLookup(shardOf(`${scope}\u0000${key}`)),
              [LOOKUP_SK]: `${paddedMs(expiresAt)}#${scope}#${key}`,
              [TTL]: Math.ceil(expiresAt / 1000),
              scope,
              idempotencyKey: key,
              requestHash,
              token,
              leaseUntil: now + leaseMs,
              expiresAt,
            },
            // Absent, past its retention, or abandoned by a request whose process died: take it.
            ConditionExpression:
              'attribute_not_exists(#pk) OR expiresAt <= :now OR (attribute_not_exists(bookingId) AND leaseUntil <= :now)',
            ExpressionAttributeNames: { '#pk': PK },
            ExpressionAttributeValues: { ':now': now },
          }),
        ),
      );
      return { state: 'acquired', token };
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // Another request claimed it between our read and our write.
      const winner = stateOf(await this.#readKey(scope, key), now);
      return winner ?? { state: 'in-flight', requestHash };
    }
  }

  async releaseKey(held: HeldKey): Promise<void> {
    try {
      await this.#table.run('release an idempotency key', (c) =>
        c.send(
          new DeleteCommand({
            TableName: this.#table.name,
            Key: keys.idempotencyKey(held.scope, held.key),
            ConditionExpression: '#token = :token AND attribute_not_exists(bookingId)',
            ExpressionAttributeNames: { '#token': 'token' },
            ExpressionAttributeValues: { ':token': held.token },
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }

  async create(booking: BookingRecord, held: HeldKey, events: readonly CloudEvent[]): Promise<void> {
    if (this.#mode === 'transaction') await createInTransaction(this.#table, booking, held, events);
    else await createWithConditions(this.#table, booking, held, events);
    if (events.length > 0) this.#signal.appended();
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
      await giveBack(this.#table, heldUnits(this.#table.name, id, booking.hold));
    }
    if (cancelledNow) return { booking: cancelled, cancelledNow: true };
    const current = await this.get(id);
    return { booking: current ?? booking, cancelledNow: false };
  }

  async pruneKeys(before: number): Promise<number> {
    const shards = Array.from({ length: IDEMPOTENCY_EXPIRY_SHARDS }, (_, shard) => shard);
    const expired = (
      await Promise.all(
        shards.map((shard) =>
          this.#table.queryAll('find expired idempotency keys', {
            IndexName: LOOKUP_INDEX,
            KeyConditionExpression: '#pk = :shard AND #sk < :before',
            ExpressionAttributeNames: { '#pk': LOOKUP_PK, '#sk': LOOKUP_SK },
            ExpressionAttributeValues: {
              ':shard': keys.idempotencyExpiryLookup(shard),
              ':before': paddedMs(before),
            },
          }),
        ),
      )
    ).flat();
    let deleted = 0;
    await inParallel(expired, 8, async (item) => {
      try {
        // The index lags the table: delete only if still expired (not claimed again meanwhile).
        await this.#table.run('prune idempotency keys', (c) =>
          c.send(
            new DeleteCommand({
              TableName: this.#table.name,
              Key: keys.idempotencyKey(item.scope as string, item.idempotencyKey as string),
              ConditionExpression: 'expiresAt < :before',
              ExpressionAttributeValues: { ':before': before },
            }),
          ),
        );
        deleted += 1;
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
      }
    });
    return deleted;
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

  async #readKey(scope: string, key: string): Promise<Item | undefined> {
    const answer = await this.#table.run('read an idempotency key', (c) =>
      c.send(
        new GetCommand({
          TableName: this.#table.name,
          Key: keys.idempotencyKey(scope, key),
          ConsistentRead: true,
        }),
      ),
    );
    return answer.Item as Item | undefined;
  }

  async #readBooking(id: string): Promise<Item | undefined> {
    const answer = await this.#table.run('read a booking', (c) =>
      c.send(new GetCommand({ TableName: this.#table.name, Key: keys.booking(id), ConsistentRead: true })),
    );
    return answer.Item as Item | undefined;
  }
}

/** What a stored key means at `now`, or undefined when it may be taken. */
function stateOf(item: Item | undefined, now: number): IdempotencyClaim | undefined {
  if (item === undefined || (item.expiresAt as number) <= now) return undefined;
  const requestHash = item.requestHash as string;
  if (typeof item.bookingId === 'string')
    return { state: 'completed', requestHash, bookingId: item.bookingId };
  if ((item.leaseUntil as number) > now) return { state: 'in-flight', requestHash };
  return undefined;
}

function shardOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (hash * 31 + text.charCodeAt(i)) >>> 0;
  return hash % IDEMPOTENCY_EXPIRY_SHARDS;
}
