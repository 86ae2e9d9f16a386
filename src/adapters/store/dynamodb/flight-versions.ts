import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { FlightRecord } from '../../../ports/store.js';
import { type DynamoTable, type Item, inParallel } from './dynamo-table.js';
import { flightItem } from './inventory-items.js';
import { type ItemKey, KIND, keys, PK, SK } from './keys.js';

/**
 * Schedule generations (docs/adr/0023-schedule-import.md, "DynamoDB"). A schedule import cannot
 * replace a season in one DynamoDB transaction, so readers choose what they see instead:
 *
 * - one pointer item names, per carrier, ranges of flight dates and the generation (import id) that
 *   is current for them; dates no range covers are in the base generation (seeding, putFlights);
 * - a flight item belongs to the generations in its `gens` set (none: the base generation); an
 *   import writes new or changed flights as new items (`FLIGHT#<id>` / `FLIGHT#<import id>`) and adds
 *   its generation to the unchanged ones, all invisible until the pointer item names it;
 * - the switch is one conditional write of the pointer item, so every reader that reads the pointer
 *   before its flight items sees the old schedule or the new one, never a mix.
 *
 * Superseded items stay readable for a grace period after the switch (a reader holding the old
 * pointer finds them whole) and are deleted by a later switch (schedule-store.ts).
 */

/** `[firstDate, lastDate, generation]`, inclusive YYYY-MM-DD dates; a carrier's ranges never overlap. */
export type GenerationRange = readonly [string, string, string];

export interface SchedulePointers {
  carriers: Readonly<Record<string, readonly GenerationRange[]>>;
  /** Bumped by every switch: the condition that makes concurrent switches take turns. */
  version: number;
}

const BASE = '';
/** Not an import id (those are UUIDs): the sort key of a flight item that never exists. */
const NO_GENERATION = 'NONE';
/** Flight partitions read at once when ids need their versions looked up. */
const VERSION_READ_CONCURRENCY = 16;
const DAY_MS = 86_400_000;

/** The generation current for `carrier`'s flights of `date` ('' is the base generation). */
export function generationOf(pointers: SchedulePointers, carrier: string, date: string): string {
  for (const [first, last, generation] of pointers.carriers[carrier] ?? []) {
    if (first <= date && date <= last) return generation;
  }
  return BASE;
}

/** Whether a flight item belongs to the generation its readers see under `pointers`. */
export function isVisible(item: Item, pointers: SchedulePointers): boolean {
  if (item[KIND] !== 'flight') return false;
  const generation = generationOf(pointers, item.carrier as string, (item.id as string).slice(0, 10));
  const gens = item.gens as Set<string> | undefined;
  return generation === BASE ? gens === undefined : gens?.has(generation) === true;
}

/** `ranges` with [first, last] now naming `generation`: ranges it overlaps are cut around it. */
export function withRange(
  ranges: readonly GenerationRange[],
  first: string,
  last: string,
  generation: string,
): GenerationRange[] {
  const next: GenerationRange[] = [];
  for (const [a, b, g] of ranges) {
    if (b < first || a > last) {
      next.push([a, b, g]);
      continue;
    }
    if (a < first) next.push([a, shiftDate(first, -1), g]);
    if (b > last) next.push([shiftDate(last, 1), b, g]);
  }
  next.push([first, last, generation]);
  return next.sort((x, y) => x[0].localeCompare(y[0]));
}

const shiftDate = (date: string, days: number): string =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The item of `flight` written by the import `generation`, belonging to that generation only. */
export function versionItem(
  flight: FlightRecord,
  generation: string,
  signature: string,
  holds: Record<string, number> = {},
): Item {
  return {
    ...flightItem(flight),
    ...keys.flightVersion(flight.id, generation),
    gens: new Set([generation]),
    scheduleSignature: signature,
    holds,
  };
}

export const itemKey = (item: Item): ItemKey => ({ [PK]: item[PK] as string, [SK]: item[SK] as string });

/** Reads the pointer item and the flight items readers see under it. */
export class FlightVersions {
  readonly #table: DynamoTable;

  constructor(table: DynamoTable) {
    this.#table = table;
  }

  /** The current pointers (no item yet: every flight is in the base generation). */
  async pointers(): Promise<SchedulePointers> {
    const answer = await this.#table.run('read the schedule pointers', (c) =>
      c.send(
        new GetCommand({ TableName: this.#table.name, Key: keys.schedulePointers, ConsistentRead: true }),
      ),
    );
    const item = answer.Item;
    if (item === undefined) return { carriers: {}, version: 0 };
    return {
      carriers: JSON.parse(item.carriers as string) as SchedulePointers['carriers'],
      version: item.version as number,
    };
  }

  /**
   * The visible flight items of `ids` (unknown ids are left out), in no particular order. Base items
   * are read by key in batches; only ids whose carrier and date an import covers cost a query of
   * their partition (where the import's versions live).
   */
  async read(ids: readonly string[], pointers?: SchedulePointers): Promise<Item[]> {
    const current = pointers ?? (await this.pointers());
    const base = await this.#table.batchGet('read flights', ids.map(keys.flight));
    const found = base.filter((item) => isVisible(item, current));
    const visibleIds = new Set(found.map((item) => item.id as string));
    const imported =
      Object.keys(current.carriers).length === 0 ? [] : [...new Set(ids)].filter((id) => !visibleIds.has(id));
    await inParallel(imported, VERSION_READ_CONCURRENCY, async (id) => {
      const versions = await this.#table.queryAll('read flight versions', {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': keys.flightPartition(id) },
        ConsistentRead: true,
      });
      const visible = versions.find((item) => item[SK] !== 'FLIGHT' && isVisible(item, current));
      if (visible !== undefined) found.push(visible);
    });
    return found;
  }

  /**
   * The key of each id's visible item; ids with none get a key no item has, so a write to it fails its
   * condition (the base key would not do: a base item a switch superseded stays for its grace period).
   */
  async keysOf(ids: readonly string[]): Promise<Map<string, ItemKey>> {
    const found = new Map((await this.read(ids)).map((item) => [item.id as string, itemKey(item)]));
    for (const id of ids) if (!found.has(id)) found.set(id, keys.flightVersion(id, NO_GENERATION));
    return found;
  }
}
