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
}

/**
 * The held units of a booking with each flight's key as readers see it now: a schedule import may
 * have moved a flight to a new item (flight-versions.ts).
 */
export async function currentHeldUnits(
  table: DynamoTable,
  bookingId: string,
  hold: InventoryHold,
): Promise<HeldUnit[]> {
  const flightKeys =
    hold.kind === 'seats' ? await new FlightVersions(table).keysOf(hold.flightIds) : new Map();
  return heldUnits(table.name, bookingId, hold, flightKeys);
}

/**
 * The conditional writes of a hold. Each take decrements only while enough is left and records the
 * booking in the item's `holds` map in the same write; giving back is conditional on that record and
 * removes it, so inventory is returned at most once per booking however often a cancel or a
 * compensation runs. Units are sorted, so concurrent bookings take overlapping units in one order.
 */
export function heldUnits(
  tableName: string,
  bookingId: string,
  hold: InventoryHold,
  flightKeys: ReadonlyMap<string, ItemKey> = new Map(),
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
      return {
        label: flightId,
        take: {
          ...base,
          UpdateExpression: `SET ${seats} = ${seats} - :n, holds.#booking = :n`,
          ConditionExpression: `${seats} >= :n AND attribute_not_exists(holds.#booking)`,
          ExpressionAttributeValues: { ':n': hold.seats },
        },
        giveBack: {
          ...base,
          UpdateExpression: `SET ${seats} = ${seats} + :n REMOVE holds.#booking`,
          ConditionExpression: 'attribute_exists(holds.#booking)',
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
