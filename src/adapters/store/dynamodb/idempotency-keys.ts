import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { BookingRecord, HeldKey, IdempotencyClaim } from '../../../ports/bookings.js';
import { giveBack } from './booking-writes.js';
import { ConditionFailed, type DynamoTable, type Item, inParallel } from './dynamo-table.js';
import { itemKey } from './flight-versions.js';
import { currentHeldUnits, heldUnits, pendingAttribute } from './inventory-holds.js';
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
  ttlAfter,
} from './keys.js';
import { update } from './writes.js';

/**
 * Idempotency keys of booking requests: one item per (scope, key), taken and released with
 * conditional writes on its lease and token, forgotten by DynamoDB's TTL after its retention (and by
 * `prune`, through the expiry shards of the lookup index). Completion is part of the booking write
 * (booking-writes.ts).
 */
export class DynamoIdempotencyKeys {
  readonly #table: DynamoTable;

  constructor(table: DynamoTable) {
    this.#table = table;
  }

  async claim(
    scope: string,
    key: string,
    requestHash: string,
    options: { now: number; leaseMs: number; retentionMs: number },
  ): Promise<IdempotencyClaim> {
    const { now, leaseMs, retentionMs } = options;
    const stored = await this.#readKey(scope, key);
    const standing = stateOf(stored, now);
    if (standing !== undefined) return standing;
    if (
      stored !== undefined &&
      (stored.expiresAt as number) > now &&
      typeof stored.pendingBookingId === 'string'
    ) {
      const completed = await this.#recoverAbandoned(stored);
      if (completed !== undefined) return completed;
    }
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
              [TTL]: ttlAfter(expiresAt, 0),
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
      // Gone again by the time it was read: a retry at once may take it.
      return winner ?? { state: 'in-flight', requestHash, leaseUntil: now };
    }
  }

  async release(held: HeldKey): Promise<void> {
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

  async prune(before: number): Promise<number> {
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

  /**
   * A key whose holder died in the middle of a conditional-writes booking (its lease ran out with a
   * pending booking on it). If the booking was stored, the key is completed with it: the retry gets
   * the booking, not a second one, once the takes it left pending are confirmed. Otherwise (not
   * stored, or a take refused because a schedule switch superseded its flight item) what the booking
   * had taken is given back (only what its marks still show), the booking and its reference dropped,
   * and the caller takes the key over. Should the holder
   * still be alive, its own completion fails on the new token and it undoes its booking.
   */
  async #recoverAbandoned(stored: Item): Promise<IdempotencyClaim | undefined> {
    const bookingId = stored.pendingBookingId as string;
    const pending = JSON.parse((stored.pendingBooking as string | undefined) ?? 'null') as {
      reference: string;
      hold: BookingRecord['hold'];
    } | null;
    const keyKey = keys.idempotencyKey(stored.scope as string, stored.idempotencyKey as string);
    if ((await this.#bookingExists(bookingId)) && (await this.#confirmTakes(bookingId, pending))) {
      try {
        await update(this.#table, 'complete an abandoned idempotency key', {
          TableName: this.#table.name,
          Key: keyKey,
          UpdateExpression:
            'SET bookingId = :booking, leaseUntil = :zero REMOVE pendingBookingId, pendingBooking',
          ConditionExpression: '#token = :token AND attribute_not_exists(bookingId)',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':booking': bookingId, ':zero': 0, ':token': stored.token },
        });
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        return undefined;
      }
      return { state: 'completed', requestHash: stored.requestHash as string, bookingId };
    }
    if (pending === null) return undefined;
    await giveBack(this.#table, await currentHeldUnits(this.#table, bookingId, pending.hold));
    await this.#table.run('drop an abandoned booking', (c) =>
      c.send(new DeleteCommand({ TableName: this.#table.name, Key: keys.booking(bookingId) })),
    );
    try {
      await this.#table.run('free an abandoned booking reference', (c) =>
        c.send(
          new DeleteCommand({
            TableName: this.#table.name,
            Key: keys.bookingReference(pending.reference),
            ConditionExpression: 'bookingId = :booking',
            ExpressionAttributeValues: { ':booking': bookingId },
          }),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
    }
    return undefined;
  }

  /**
   * Confirms the takes the holder left pending (it died after storing the booking, before its step
   * 5b: booking-writes.ts). False when one is refused — a schedule switch superseded that flight item
   * since, and counted the hold as no booking — so the booking must not stand and is undone.
   */
  async #confirmTakes(bookingId: string, pending: { hold: BookingRecord['hold'] } | null): Promise<boolean> {
    if (pending === null || pending.hold.kind !== 'seats') return true;
    const left = (await this.#itemsHolding(bookingId, pending.hold.flightIds)).filter(
      (item) => item[pendingAttribute(bookingId)] !== undefined,
    );
    const flightKeys = new Map(left.map((item) => [item.id as string, itemKey(item)]));
    for (const unit of heldUnits(this.#table.name, bookingId, pending.hold, flightKeys, { pending: true })) {
      if (unit.confirm === undefined || !flightKeys.has(unit.label)) continue;
      try {
        await update(this.#table, 'confirm an abandoned booking', unit.confirm);
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        return false;
      }
    }
    return true;
  }

  /** Every item of `flightIds` (any generation) on which `bookingId` holds seats. */
  async #itemsHolding(bookingId: string, flightIds: readonly string[]): Promise<Item[]> {
    const found: Item[] = [];
    for (const id of new Set(flightIds)) {
      const versions = await this.#table.queryAll('read flight versions', {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': keys.flightPartition(id) },
        ConsistentRead: true,
      });
      for (const item of versions) {
        if ((item.holds as Record<string, number> | undefined)?.[bookingId] !== undefined) found.push(item);
      }
    }
    return found;
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

  async #bookingExists(id: string): Promise<boolean> {
    const answer = await this.#table.run('read a booking', (c) =>
      c.send(
        new GetCommand({
          TableName: this.#table.name,
          Key: keys.booking(id),
          ConsistentRead: true,
          ProjectionExpression: '#pk',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      ),
    );
    return answer.Item !== undefined;
  }
}

/** What a stored key means at `now`, or undefined when it may be taken. */
function stateOf(item: Item | undefined, now: number): IdempotencyClaim | undefined {
  if (item === undefined || (item.expiresAt as number) <= now) return undefined;
  const requestHash = item.requestHash as string;
  if (typeof item.bookingId === 'string')
    return { state: 'completed', requestHash, bookingId: item.bookingId };
  const leaseUntil = item.leaseUntil as number;
  if (leaseUntil > now) return { state: 'in-flight', requestHash, leaseUntil };
  return undefined;
}

function shardOf(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (hash * 31 + text.charCodeAt(i)) >>> 0;
  return hash % IDEMPOTENCY_EXPIRY_SHARDS;
}
