import type { InventoryHold } from '../../../ports/bookings.js';
import type { DynamoTable } from './dynamo-table.js';
import { FlightVersions } from './flight-versions.js';
import { type ItemKey, keys } from './keys.js';
import type { UpdateSpec } from './writes.js';

/** One flight cabin or room night a booking takes from, in the fixed order every writer takes them. */
export interface HeldUnit {
  /** The flight id (seats) or night (rooms) a sold-out error names. */
  label: string;
  take: UpdateSpec;
  giveBack: UpdateSpec;
  /** Seats only: brings seats left back down to capacity if giving back overshot it (admin refilled the cabin). */
  cap?: UpdateSpec;
  /**
   * Seats taken as pending (conditional writes): the booking's commit point on the flight item,
   * refused once a schedule switch superseded the item (superseded-flights.ts).
   */
  confirm?: UpdateSpec;
}

/**
 * The attribute a pending take leaves on a flight item, naming the cabin: the take is not a booking
 * yet (conditional writes store the booking after their takes). Top-level, as items have no map for it.
 */
export const pendingAttribute = (bookingId: string): string => `pending#${bookingId}`;
/** Set on a flight item a schedule switch superseded: no take or confirmation succeeds on it after. */
export const SUPERSEDED = 'superseded';

/**
 * The held units of a booking with each flight's key as readers see it now: a schedule import may
 * have moved a flight to a new item (flight-versions.ts).
 */
export async function currentHeldUnits(
  table: DynamoTable,
  bookingId: string,
  hold: InventoryHold,
  options: { pending?: boolean } = {},
): Promise<HeldUnit[]> {
  const flightKeys =
    hold.kind === 'seats' ? await new FlightVersions(table).keysOf(hold.flightIds) : new Map();
  return heldUnits(table.name, bookingId, hold, flightKeys, options);
}

/** Whether two plans of one hold write to different items: a schedule switch moved a flight in between. */
export function keysMoved(before: readonly HeldUnit[], after: readonly HeldUnit[]): boolean {
  const keyOf = (unit: HeldUnit) => JSON.stringify(unit.take.Key);
  return (
    before.length !== after.length || before.some((unit, i) => keyOf(unit) !== keyOf(after[i] as HeldUnit))
  );
}

/**
 * The conditional writes of a hold. Each take decrements only while enough is left and records the
 * booking in the item's `holds` map in the same write; giving back is conditional on that record and
 * removes it, so inventory is returned at most once per booking however often a cancel or a
 * compensation runs. Units are sorted, so concurrent bookings take overlapping units in one order.
 *
 * A take is refused on a flight item a schedule switch superseded (`superseded`, set after the
 * switch's pointer write), so a booking that read the old pointer retries on the new generation
 * instead of holding seats the switch no longer looks at. With `pending` (conditional writes), a take
 * also leaves `pending#<booking>` naming the cabin, and `confirm` removes it once the booking is
 * stored: the switch counts only confirmed holds as bookings (superseded-flights.ts).
 */
export function heldUnits(
  tableName: string,
  bookingId: string,
  hold: InventoryHold,
  flightKeys: ReadonlyMap<string, ItemKey> = new Map(),
  options: { pending?: boolean } = {},
): HeldUnit[] {
  const names = { '#booking': bookingId };
  if (hold.kind === 'seats') {
    const seats = 'cabins.#cabin.seatsLeft';
    return [...new Set(hold.flightIds)].sort().map((flightId) => {
      const base = {
        TableName: tableName,
        Key: flightKeys.get(flightId) ?? keys.flight(flightId),
        ExpressionAttributeNames: { ...names, '#cabin': hold.cabin },
      };
      const pending = { '#pending': pendingAttribute(bookingId) };
      const unit: HeldUnit = {
        label: flightId,
        take: {
          ...base,
          UpdateExpression: `SET ${seats} = ${seats} - :n, holds.#booking = :n${options.pending ? ', #pending = :cabin' : ''}`,
          ConditionExpression: `${seats} >= :n AND attribute_not_exists(holds.#booking) AND attribute_not_exists(${SUPERSEDED})`,
          ...(options.pending
            ? {
                ExpressionAttributeNames: { ...base.ExpressionAttributeNames, ...pending },
                ExpressionAttributeValues: { ':n': hold.seats, ':cabin': hold.cabin },
              }
            : { ExpressionAttributeValues: { ':n': hold.seats } }),
        },
        giveBack: {
          ...base,
          UpdateExpression: `SET ${seats} = ${seats} + :n REMOVE holds.#booking, #pending`,
          ConditionExpression: 'attribute_exists(holds.#booking)',
          ExpressionAttributeNames: { ...base.ExpressionAttributeNames, ...pending },
          ExpressionAttributeValues: { ':n': hold.seats },
        },
        cap: {
          TableName: tableName,
          Key: flightKeys.get(flightId) ?? keys.flight(flightId),
          UpdateExpression: `SET ${seats} = cabins.#cabin.#capacity`,
          ConditionExpression: `${seats} > cabins.#cabin.#capacity`,
          ExpressionAttributeNames: { '#cabin': hold.cabin, '#capacity': 'capacity' },
        },
      };
      if (options.pending) {
        unit.confirm = {
          TableName: tableName,
          Key: base.Key,
          UpdateExpression: 'REMOVE #pending',
          ConditionExpression: `attribute_exists(holds.#booking) AND attribute_not_exists(${SUPERSEDED})`,
          ExpressionAttributeNames: { ...names, ...pending },
        };
      }
      return unit;
    });
  }
  return [...new Set(hold.nights)].sort().map((date) => {
    const base = {
      TableName: tableName,
      Key: keys.roomNight(hold.hotelId, date, hold.roomType),
      ExpressionAttributeNames: names,
    };
    return {
      label: date,
      take: {
        ...base,
        UpdateExpression: 'SET roomsLeft = roomsLeft - :n, holds.#booking = :n',
        ConditionExpression: 'roomsLeft >= :n AND attribute_not_exists(holds.#booking)',
        ExpressionAttributeValues: { ':n': hold.rooms },
      },
      giveBack: {
        ...base,
        UpdateExpression: 'SET roomsLeft = roomsLeft + :n REMOVE holds.#booking',
        ConditionExpression: 'attribute_exists(holds.#booking)',
        ExpressionAttributeValues: { ':n': hold.rooms },
      },
    };
  });
}
