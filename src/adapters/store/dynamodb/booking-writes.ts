import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type BookingRecord,
  BookingReferenceTakenError,
  type HeldKey,
  IdempotencyKeyLostError,
  isBookingCreateAnswer,
  SoldOutError,
} from '../../../ports/bookings.js';
import type { CloudEvent } from '../../../ports/events.js';
import { bookingItem, referenceItem } from './booking-items.js';
import { ConditionFailed, type DynamoTable, TransactionCancelled } from './dynamo-table.js';
import { currentHeldUnits, type HeldUnit, heldUnits, keysMoved } from './inventory-holds.js';
import { type ItemKey, keys } from './keys.js';
import { outboxItems } from './outbox-records.js';
import { put, transactWrite, type UpdateSpec, update } from './writes.js';

const NOT_EXISTS = 'attribute_not_exists(#pk)';
/** Attempts of one booking after the first whose flights a schedule switch moved meanwhile. */
const MOVED_FLIGHT_RETRIES = 3;

function soldOut(booking: BookingRecord, labels: string[]): SoldOutError {
  return new SoldOutError(booking.hold.kind === 'seats' ? { flightIds: labels } : { nights: labels });
}

/** Completes the held key with the booking id: only while this request still holds it. */
function completeKey(tableName: string, booking: BookingRecord, held: HeldKey): UpdateSpec {
  return {
    TableName: tableName,
    Key: keys.idempotencyKey(held.scope, held.key),
    UpdateExpression: 'SET bookingId = :booking, leaseUntil = :zero REMOVE pendingBookingId, pendingBooking',
    ConditionExpression: '#token = :token AND attribute_not_exists(bookingId)',
    ExpressionAttributeNames: { '#token': 'token' },
    ExpressionAttributeValues: { ':booking': booking.id, ':zero': 0, ':token': held.token },
  };
}

/**
 * A booking in one TransactWriteItems call (AWS): the key's completion, the reference, every take,
 * the booking and its outbox records commit together or not at all. The cancellation reasons say
 * which condition failed, in the order the SQLite store checks them: key, inventory, reference.
 */
export async function createInTransaction(
  table: DynamoTable,
  booking: BookingRecord,
  held: HeldKey,
  events: readonly CloudEvent[],
): Promise<void> {
  await retryingMovedFlights(table, booking, {}, async (units) => {
    const items = bookingTransactionItems(table.name, booking, held, events, units);
    try {
      await transactWrite(table, 'create a booking', items);
    } catch (error) {
      if (!(error instanceof TransactionCancelled)) throw error;
      throw bookingRefusal(booking, held, units, error.reasons, error);
    }
  });
}

/**
 * Runs `attempt` with the booking's units as readers see them now and, when it is refused as sold
 * out because a schedule switch moved one of its flights to another item since (the take or the
 * confirmation on a superseded item is refused: superseded-flights.ts), again with the new items.
 * A flight the switch dropped has no item any more: its key stays the never-written one, so the
 * refusal stands.
 */
async function retryingMovedFlights(
  table: DynamoTable,
  booking: BookingRecord,
  options: { pending?: boolean },
  attempt: (units: HeldUnit[]) => Promise<void>,
): Promise<void> {
  let units = await currentHeldUnits(table, booking.id, booking.hold, options);
  for (let retry = 0; ; retry++) {
    try {
      await attempt(units);
      return;
    } catch (error) {
      if (!(error instanceof SoldOutError) || retry >= MOVED_FLIGHT_RETRIES) throw error;
      const fresh = await currentHeldUnits(table, booking.id, booking.hold, options);
      if (!keysMoved(units, fresh)) throw error;
      units = fresh;
    }
  }
}

/** The TransactItems of a booking: [key, reference, takes…, booking, outbox records…]. */
export function bookingTransactionItems(
  tableName: string,
  booking: BookingRecord,
  held: HeldKey,
  events: readonly CloudEvent[],
  units: readonly HeldUnit[] = heldUnits(tableName, booking.id, booking.hold),
) {
  const pk = { '#pk': 'searchType' };
  return [
    { Update: completeKey(tableName, booking, held) },
    {
      Put: {
        TableName: tableName,
        Item: referenceItem(booking),
        ConditionExpression: NOT_EXISTS,
        ExpressionAttributeNames: pk,
      },
    },
    ...units.map((unit) => ({ Update: unit.take })),
    {
      Put: {
        TableName: tableName,
        Item: bookingItem(booking),
        ConditionExpression: NOT_EXISTS,
        ExpressionAttributeNames: pk,
      },
    },
    ...outboxItems(events).map((Item) => ({ Put: { TableName: tableName, Item } })),
  ];
}

/** The port error a cancelled booking transaction means, from its per-item cancellation reasons. */
export function bookingRefusal(
  booking: BookingRecord,
  held: HeldKey,
  units: readonly HeldUnit[],
  reasons: readonly string[],
  cause: unknown,
): Error {
  const failed = (index: number): boolean => reasons[index] === 'ConditionalCheckFailed';
  if (failed(0)) return new IdempotencyKeyLostError(held.key);
  const short = units.filter((_, i) => failed(2 + i)).map((unit) => unit.label);
  if (short.length > 0) return soldOut(booking, short);
  if (failed(1)) return new BookingReferenceTakenError(booking.reference);
  return new TransactionCancelled([...reasons], { cause });
}

/**
 * A booking without transactions (dynalite): single-item conditional writes in a fixed order, each
 * undone on a later refusal, so nothing is overbooked and a refused booking leaves every count as it
 * was once this settles.
 *
 *   1. idempotency key: pendingBookingId   (only while this request holds the key)  → else key lost
 *   2. takes, sorted by flight id / night   (seatsLeft >= :n, marks holds.<booking>   → else sold out
 *                                            and, on flights, pending#<booking>)
 *   3. booking reference                    (attribute_not_exists)                    → else taken
 *   4. outbox records, 5. the booking,
 *   5b. takes confirmed: pending#<booking>  (flight item not superseded by a schedule  → else undo all,
 *       removed                              switch since the take)                       retry
 *   6. key completed                        (still held by this request)              → else undo all
 *
 * The events are written before the booking, so a stored booking never lacks them. A process dying
 * between 2 and 6 leaves seats taken (never an overbooking) and its pending booking on the key: the
 * next request that takes the key over gives them back, or completes the key if the booking was
 * stored and its takes confirm (DynamoBookingStore.claimKey). Step 5b is the booking's commit point on
 * each flight item: a schedule switch counts a hold as a booking only once it is confirmed, and a
 * confirmation after the switch superseded the item is refused (docs/adr/0023-schedule-import.md).
 */
export async function createWithConditions(
  table: DynamoTable,
  booking: BookingRecord,
  held: HeldKey,
  events: readonly CloudEvent[],
): Promise<void> {
  await retryingMovedFlights(table, booking, { pending: true }, (units) =>
    attemptWithConditions(table, booking, held, events, units),
  );
}

async function attemptWithConditions(
  table: DynamoTable,
  booking: BookingRecord,
  held: HeldKey,
  events: readonly CloudEvent[],
  units: readonly HeldUnit[],
): Promise<void> {
  const keyKey = keys.idempotencyKey(held.scope, held.key);
  try {
    await update(table, 'hold the idempotency key', {
      TableName: table.name,
      Key: keyKey,
      // What the booking is about to take, so a request taking the key over after this process died
      // can give it back (DynamoBookingStore.claimKey).
      UpdateExpression: 'SET pendingBookingId = :booking, pendingBooking = :pending',
      ConditionExpression: '#token = :token AND attribute_not_exists(bookingId)',
      ExpressionAttributeNames: { '#token': 'token' },
      ExpressionAttributeValues: {
        ':booking': booking.id,
        ':pending': JSON.stringify({ reference: booking.reference, hold: booking.hold }),
        ':token': held.token,
      },
    });
  } catch (error) {
    if (error instanceof ConditionFailed) throw new IdempotencyKeyLostError(held.key);
    throw error;
  }
  const taken: HeldUnit[] = [];
  const records = outboxItems(events);
  const undo = async (steps: {
    reference?: boolean;
    records?: boolean;
    booking?: boolean;
  }): Promise<void> => {
    await giveBack(table, taken);
    const deletes: ItemKey[] = [
      ...(steps.reference ? [keys.bookingReference(booking.reference)] : []),
      ...(steps.booking ? [keys.booking(booking.id)] : []),
      ...(steps.records ? records.map((r) => keys.outbox(r.searchId as string)) : []),
    ];
    await Promise.all(
      deletes.map((Key) =>
        table.run('undo a refused booking', (c) => c.send(new DeleteCommand({ TableName: table.name, Key }))),
      ),
    );
    await releasePending(table, keyKey, held.token);
  };
  try {
    for (const unit of units) {
      try {
        await update(table, 'take inventory', unit.take);
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        await undo({});
        throw soldOut(booking, [unit.label]);
      }
      taken.push(unit);
    }
    try {
      await put(table, 'reserve the booking reference', referenceItem(booking), NOT_EXISTS);
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      await undo({});
      throw new BookingReferenceTakenError(booking.reference);
    }
    await table.batchWrite(
      'append booking events',
      records.map((item) => ({ put: item })),
    );
    await put(table, 'store the booking', bookingItem(booking), NOT_EXISTS);
    for (const unit of taken) {
      if (unit.confirm === undefined) continue;
      try {
        await update(table, 'confirm the seats taken', unit.confirm);
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        // A schedule switch superseded the flight item after the take: the switch counted this hold
        // as no booking, so the booking must not stand on it; the caller retries on the new item.
        await undo({ reference: true, records: true, booking: true });
        throw soldOut(booking, [unit.label]);
      }
    }
    try {
      await update(table, 'complete the idempotency key', completeKey(table.name, booking, held));
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // The lease ran out and another request took the key over: this booking must not stand.
      await undo({ reference: true, records: true, booking: true });
      throw new IdempotencyKeyLostError(held.key);
    }
  } catch (error) {
    if (isBookingCreateAnswer(error)) throw error;
    // The store failed midway: undo what can be undone (best effort) and report the failure.
    await undo({ reference: true, records: true, booking: true }).catch(() => undefined);
    throw error;
  }
}

/** Gives back each unit still marked with this booking (a no-op for units already given back), then caps seats. */
export async function giveBack(table: DynamoTable, units: readonly HeldUnit[]): Promise<void> {
  await Promise.all(
    units.map(async (unit) => {
      try {
        await update(table, 'give inventory back', unit.giveBack);
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        return;
      }
      if (unit.cap === undefined) return;
      try {
        await update(table, 'give inventory back', unit.cap);
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
      }
    }),
  );
}

async function releasePending(table: DynamoTable, key: ItemKey, token: string): Promise<void> {
  try {
    await update(table, 'release the pending booking', {
      TableName: table.name,
      Key: key,
      UpdateExpression: 'REMOVE pendingBookingId, pendingBooking',
      ConditionExpression: '#token = :token',
      ExpressionAttributeNames: { '#token': 'token' },
      ExpressionAttributeValues: { ':token': token },
    });
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
}
