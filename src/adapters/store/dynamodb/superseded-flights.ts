import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BookingRecord } from '../../../ports/bookings.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { SwitchBookings } from '../../../ports/schedules.js';
import type { CabinInventory } from '../../../ports/store.js';
import { toBooking } from './booking-items.js';
import { ConditionFailed, type DynamoTable, type Item, inParallel } from './dynamo-table.js';
import { itemKey } from './flight-versions.js';
import { SUPERSEDED } from './inventory-holds.js';
import { type ItemKey, KIND, keys, PK, SK } from './keys.js';

/**
 * The flight items a schedule switch supersedes, and the bookings on them (docs/adr/0023, "DynamoDB").
 *
 * No DynamoDB transaction spans a switch, so the bookings on the flights it drops or moves are settled
 * by conditional writes on the superseded items themselves, whose `holds` map records every booking's
 * seats in the same write that takes them:
 *
 *   switch (schedule-store.ts)                      booking that read the old pointer
 *   ─────────────────────────────────────────────   ───────────────────────────────────────────
 *   successor written from the old item's held       take on the old item (not superseded)
 *   image: confirmed holds and their seats           [conditional writes: pending#<booking>,
 *   (a dropped flight gets a cancelled successor        booking stored, pending removed = confirm,
 *    too, provisional)                                   refused once the item is superseded]
 *   pointer written (the switch)
 *   settle: each old item marked `superseded`        take or confirm after the mark: refused,
 *   (one conditional write answering its image)      retried on the new pointer's item
 *   → holds confirmed at the mark are final:
 *     moved to the successor, and the bookings
 *     on dropped or moved flights are told to
 *     `held`, which answers their events;
 *     a provisional cancelled flight holding none
 *     is deleted
 *
 * Every write to an item is ordered with the mark: a take or confirmation before it is in the image the
 * mark answers; one after it is refused. So the bookings the image shows are exactly those that stand
 * on the old item, whatever the interleaving, and no booking can slip in after the look-up.
 */

/** Superseded items marked (and their successors corrected) at once. */
const SETTLE_CONCURRENCY = 16;
const PENDING_PREFIX = 'pending#';

/** What a switch does to a live flight whose item it supersedes, as the core's comparison sees it. */
export type SupersededAs = 'moved' | 'dropped' | 'changed';

/** Seats left per cabin and seats held per booking of a flight item, counting confirmed holds only. */
export interface HeldImage {
  seats: Record<string, number>;
  holds: Record<string, number>;
}

/**
 * A flight item as its bookings stand: a pending take (a booking not stored yet, which gives its
 * seats back or is refused if the item is superseded before it confirms) counts as not taken.
 */
export function heldImage(item: Item): HeldImage {
  const seats = Object.fromEntries(liveCabins(item).map((c) => [c.cabin, c.seats_left]));
  const holds = { ...holdsOf(item) };
  for (const [name, cabin] of Object.entries(item)) {
    if (!name.startsWith(PENDING_PREFIX)) continue;
    const booking = name.slice(PENDING_PREFIX.length);
    const n = holds[booking];
    if (n === undefined) continue;
    delete holds[booking];
    if (typeof cabin === 'string' && seats[cabin] !== undefined) seats[cabin] += n;
  }
  return { seats, holds };
}

/** The cabins of an item with the seats left its held image gives (cabinsKeepingSales' input). */
export function heldCabins(item: Item): { cabin: string; capacity: number; seats_left: number }[] {
  const { seats } = heldImage(item);
  return liveCabins(item).map((c) => ({ ...c, seats_left: seats[c.cabin] ?? c.seats_left }));
}

/** A live item copied as the cancelled flight of `generation`, with its held image's seats and holds. */
export function cancelledCopy(item: Item, key: ItemKey, generation: string): Item {
  const image = heldImage(item);
  const copy: Item = {};
  for (const [name, value] of Object.entries(item)) {
    if (!name.startsWith(PENDING_PREFIX) && name !== SUPERSEDED) copy[name] = value;
  }
  const cabins = (item.cabins ?? {}) as Record<string, Omit<CabinInventory, 'cabin'>>;
  return {
    ...copy,
    ...key,
    gens: new Set([generation]),
    cancelled: true,
    scheduleSignature: '',
    cabins: Object.fromEntries(
      Object.entries(cabins).map(([cabin, c]) => [
        cabin,
        { ...c, seatsLeft: image.seats[cabin] ?? c.seatsLeft },
      ]),
    ),
    holds: image.holds,
  };
}

/**
 * The record of a superseded flight item: its key, its successor's with the held image copied to it,
 * and how the switch supersedes it (a `provisional` successor is the cancelled copy of a dropped flight,
 * kept only if a booking holds it once the item is marked).
 */
export function retiredItem(
  generation: string,
  item: Item,
  successor: Item | undefined,
  as: SupersededAs,
  provisional = false,
): Item {
  const old = itemKey(item);
  const image = heldImage(item);
  return {
    [PK]: keys.scheduleRetiredPartition(generation),
    [SK]: `${old[PK]}|${old[SK]}`,
    [KIND]: 'schedule-retired',
    old,
    id: item.id,
    as,
    ...(provisional ? { provisional: true } : {}),
    ...(successor === undefined
      ? {}
      : { successor: itemKey(successor), seats: image.seats, holds: Object.keys(image.holds) }),
  };
}

/** What settling a switch found: the events `held` answered and the dropped flights kept cancelled. */
export interface Settled {
  events: CloudEvent[];
  /** Dropped flights whose provisional cancelled successor stays: a booking holds them. */
  cancelled: string[];
}

/**
 * After the pointer write: marks every item the switch superseded, moves to its successor what the
 * mark's image shows beyond the copy (holds confirmed and seats taken or given back since), drops the
 * provisional cancelled flights nobody holds, and tells `bookings.held` the confirmed bookings holding
 * a dropped or moved flight. Reads the retirement records a page at a time; keeps in memory only the
 * ids of bookings on moved or dropped flights (the core's own look-up holds as many).
 */
export async function settleSuperseded(
  table: DynamoTable,
  generation: string,
  bookings: SwitchBookings | undefined,
): Promise<Settled> {
  const holding = new Set<string>();
  const cancelled: string[] = [];
  let page: Item[] = [];
  const settlePage = async (records: Item[]) => {
    await inParallel(records, SETTLE_CONCURRENCY, async (record) => {
      const image = await markSuperseded(table, record.old as ItemKey, generation);
      if (image === undefined) return;
      if (record.as !== 'changed') for (const booking of Object.keys(image.holds)) holding.add(booking);
      const successor = record.successor as ItemKey | undefined;
      if (successor === undefined) return;
      if (record.provisional === true && Object.keys(image.holds).length === 0) {
        if (await deleteIfUnheld(table, successor)) return;
      }
      if (record.provisional === true) cancelled.push(record.id as string);
      // Nothing sold or given back since the copy (the usual case): the record stands as it is.
      if (await moveToSuccessor(table, successor, copiedImage(record), image))
        await rebase(table, record, image);
    });
  };
  for await (const record of table.queryItems('read superseded flights', {
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': PK },
    ExpressionAttributeValues: { ':pk': keys.scheduleRetiredPartition(generation) },
    ConsistentRead: true,
  })) {
    page.push(record);
    if (page.length >= 100) {
      await settlePage(page);
      page = [];
    }
  }
  await settlePage(page);
  if (bookings === undefined || holding.size === 0) return { events: [], cancelled };
  const items = await table.batchGet('read bookings on superseded flights', [...holding].map(keys.booking));
  const standing: BookingRecord[] = items
    .map(toBooking)
    .filter((booking) => booking.status === 'confirmed')
    .sort((a, b) => a.id.localeCompare(b.id));
  return { events: standing.length === 0 ? [] : [...bookings.held(standing)], cancelled };
}

/**
 * Sets `superseded` on an old item and answers its held image at that instant; undefined when the item
 * is gone (a later switch deleted it after the grace period: nothing stands on it).
 */
async function markSuperseded(
  table: DynamoTable,
  key: ItemKey,
  generation: string,
): Promise<HeldImage | undefined> {
  try {
    const answer = await table.run('mark a superseded flight', (c) =>
      c.send(
        new UpdateCommand({
          TableName: table.name,
          Key: key,
          UpdateExpression: 'SET #superseded = :generation',
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK, '#superseded': SUPERSEDED },
          ExpressionAttributeValues: { ':generation': generation },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return heldImage(answer.Attributes as Item);
  } catch (error) {
    if (error instanceof ConditionFailed) return undefined;
    throw error;
  }
}

/** Deletes a provisional cancelled flight unless a booking took seats on it since; true when deleted. */
async function deleteIfUnheld(table: DynamoTable, key: ItemKey): Promise<boolean> {
  try {
    await table.run('drop a dropped flight nobody holds', (c) =>
      c.send(
        new DeleteCommand({
          TableName: table.name,
          Key: key,
          ConditionExpression: 'size(holds) = :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      ),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionFailed) return false;
    throw error;
  }
}

/** The held image a retirement record says was copied to the successor. */
export function copiedImage(record: Item): HeldImage {
  const holds = (record.holds as string[] | undefined) ?? [];
  return {
    seats: (record.seats as Record<string, number> | undefined) ?? {},
    holds: Object.fromEntries(holds.map((booking) => [booking, 0])),
  };
}

/** Records `image` as what the successor now carries: a later retirement moves only what changes after. */
async function rebase(table: DynamoTable, record: Item, image: HeldImage): Promise<void> {
  await table.run('record a settled flight', (c) =>
    c.send(
      new UpdateCommand({
        TableName: table.name,
        Key: itemKey(record),
        UpdateExpression: 'SET seats = :seats, holds = :holds',
        ExpressionAttributeValues: { ':seats': image.seats, ':holds': Object.keys(image.holds) },
      }),
    ),
  );
}

/**
 * Moves to the successor what the old item's image shows beyond what was copied to it: seats taken or
 * given back per cabin, holds added or removed; false when there is none. A successor gone since
 * (superseded and deleted in turn) has nothing left to correct.
 */
export async function moveToSuccessor(
  table: DynamoTable,
  successor: ItemKey,
  copied: HeldImage,
  image: HeldImage,
): Promise<boolean> {
  const sets: string[] = [];
  const removes: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [cabin, seatsLeft] of Object.entries(image.seats)) {
    const delta = seatsLeft - (copied.seats[cabin] ?? seatsLeft);
    if (delta === 0) continue;
    const i = sets.length;
    names[`#c${i}`] = cabin;
    values[`:d${i}`] = delta;
    sets.push(`cabins.#c${i}.seatsLeft = cabins.#c${i}.seatsLeft + :d${i}`);
  }
  for (const [booking, seats] of Object.entries(image.holds)) {
    if (booking in copied.holds) continue;
    const i = sets.length + removes.length;
    names[`#b${i}`] = booking;
    values[`:h${i}`] = seats;
    sets.push(`holds.#b${i} = :h${i}`);
  }
  for (const booking of Object.keys(copied.holds)) {
    if (booking in image.holds) continue;
    const i = sets.length + removes.length;
    names[`#b${i}`] = booking;
    removes.push(`holds.#b${i}`);
  }
  if (sets.length + removes.length === 0) return false;
  names['#pk'] = PK;
  try {
    await table.run('move late sales to the new flight', (c) =>
      c.send(
        new UpdateCommand({
          TableName: table.name,
          Key: successor,
          UpdateExpression: [
            sets.length ? `SET ${sets.join(', ')}` : '',
            removes.length ? `REMOVE ${removes.join(', ')}` : '',
          ]
            .join(' ')
            .trim(),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: names,
          ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
        }),
      ),
    );
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
  return true;
}

function liveCabins(item: Item): { cabin: string; capacity: number; seats_left: number }[] {
  const cabins = (item.cabins ?? {}) as Record<string, Omit<CabinInventory, 'cabin'>>;
  return Object.entries(cabins).map(([cabin, c]) => ({
    cabin,
    capacity: c.capacity,
    seats_left: c.seatsLeft,
  }));
}

const holdsOf = (item: Item): Record<string, number> => (item.holds ?? {}) as Record<string, number>;
