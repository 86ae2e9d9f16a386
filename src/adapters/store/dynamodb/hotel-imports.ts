import type { CloudEvent } from '../../../ports/events.js';
import type {
  HotelImportScope,
  HotelImports,
  NightComparison,
  StagedNight,
} from '../../../ports/hotel-imports.js';
import type { RoomNightRecord } from '../../../ports/store.js';
import type { AppendSignal } from '../append-signal.js';
import { type NightComparisonRow, toNightComparison } from '../hotel-import-rows.js';
import { type BatchWrite, ConditionFailed, type DynamoTable, type Item, inParallel } from './dynamo-table.js';
import { roomNightItem, toRoomNight } from './inventory-items.js';
import { DynamoInventoryStore } from './inventory-store.js';
import { type ItemKey, KIND, keys, PK, SK } from './keys.js';
import { outboxItems } from './outbox-records.js';
import { put } from './writes.js';

/** Writes of one batch of a replacement: large enough to keep batches full, small enough to hold. */
const WRITE_BATCH = 500;

type Status = NightComparisonRow['status'] | 'kept';

/**
 * HotelImports on the single table. Staged nights live in `HOTELIMPORT#<id>`, sorted as the hotel's
 * own nights are (hotel, then NIGHT#date#room type), so comparing and replacing merge the two sides
 * page by page. DynamoDB cannot take a whole file in one transaction (100 items), so `replace` is
 * ordered instead: hotels, then each hotel's nights (puts and deletes in batches), then the events.
 * A search running meanwhile may see some hotels' new nights and others' old ones; a failure midway
 * leaves the staging in place, and importing the file again completes it (writes are absolute).
 */
export class DynamoHotelImports implements HotelImports {
  readonly #table: DynamoTable;
  readonly #signal: AppendSignal;
  readonly #inventory: DynamoInventoryStore;

  constructor(table: DynamoTable, signal: AppendSignal) {
    this.#table = table;
    this.#signal = signal;
    this.#inventory = new DynamoInventoryStore(table);
  }

  async stageNights(importId: string, nights: readonly StagedNight[]): Promise<number[]> {
    const duplicates: number[] = [];
    await inParallel(nights, 16, async ({ line, night }) => {
      try {
        await put(
          this.#table,
          'stage room nights',
          {
            ...roomNightItem(night),
            ...keys.hotelImportNight(importId, night.hotelId, night.date, night.roomType),
            [KIND]: 'hotel-import-night',
            line,
          },
          'attribute_not_exists(#pk)',
        );
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        duplicates.push(line);
      }
    });
    return duplicates.sort((a, b) => a - b);
  }

  async compareNights(importId: string, scopes: readonly HotelImportScope[]): Promise<NightComparison> {
    const groups = new Map<string, NightComparisonRow>();
    for (const scope of scopes) {
      await this.#merge(importId, scope, (status, night) => {
        if (status === 'kept') return;
        const id = `${night.hotelId}|${night.date}|${status}`;
        const row = groups.get(id) ?? { hotel_id: night.hotelId, date: night.date, status, count: 0 };
        row.count += 1;
        groups.set(id, row);
      });
    }
    return toNightComparison([...groups.values()]);
  }

  async replace(
    importId: string,
    scopes: readonly HotelImportScope[],
    events: readonly CloudEvent[],
  ): Promise<void> {
    await this.#inventory.putHotels(scopes.map((s) => s.hotel));
    for (const scope of scopes) {
      let writes: BatchWrite[] = [];
      const flush = async (): Promise<void> => {
        await this.#table.batchWrite('import room nights', writes);
        writes = [];
      };
      await this.#merge(
        importId,
        scope,
        (status, night) => {
          if (status === 'removed')
            writes.push({ delete: keys.roomNight(night.hotelId, night.date, night.roomType) });
          else if (status === 'created' || status === 'changed') writes.push({ put: roomNightItem(night) });
        },
        async () => {
          if (writes.length >= WRITE_BATCH) await flush();
        },
      );
      await flush();
    }
    await this.#table.batchWrite(
      'append hotel import events',
      outboxItems(events).map((item) => ({ put: item })),
    );
    this.#signal.appended();
    await this.discard(importId);
  }

  async discard(importId: string): Promise<void> {
    let batch: ItemKey[] = [];
    for await (const item of this.#table.queryItems('read staged room nights', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': keys.hotelImportPartition(importId) },
      ConsistentRead: true,
    })) {
      batch.push({ [PK]: item[PK] as string, [SK]: item[SK] as string });
      if (batch.length >= WRITE_BATCH) {
        await this.#table.batchWrite(
          'discard staged room nights',
          batch.map((key) => ({ delete: key })),
        );
        batch = [];
      }
    }
    await this.#table.batchWrite(
      'discard staged room nights',
      batch.map((key) => ({ delete: key })),
    );
  }

  /**
   * Walks a scope's staged nights and the hotel's stored nights together in sort-key order, telling
   * `visit` what each night is: created, changed or unchanged (staged), removed (stored, replaced by
   * the file and not in it) or kept (stored, outside what the file replaces). `between` runs after each
   * step, so the caller may write a batch while the walk holds one page of each side.
   */
  async #merge(
    importId: string,
    scope: HotelImportScope,
    visit: (status: Status, night: RoomNightRecord) => void,
    between: () => Promise<void> = async () => {},
  ): Promise<void> {
    const hotelId = scope.hotel.id;
    const types = new Set(scope.hotel.roomTypes.map((r) => r.code));
    const replaced = (night: RoomNightRecord): boolean =>
      (scope.firstNight !== undefined &&
        scope.lastNight !== undefined &&
        night.date >= scope.firstNight &&
        night.date <= scope.lastNight) ||
      !types.has(night.roomType);
    const staged = this.#table.queryItems('read staged room nights', {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': keys.hotelImportPartition(importId), ':prefix': `${hotelId}#` },
      ConsistentRead: true,
    });
    const stored = this.#table.queryItems('read room nights', {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': keys.hotelPartition(hotelId), ':prefix': keys.roomNightPrefix },
      ConsistentRead: true,
    });
    const stagedKey = (item: Item) => (item[SK] as string).slice(hotelId.length + 1);
    let a = await staged.next();
    let b = await stored.next();
    while (!a.done || !b.done) {
      const ka = a.done ? undefined : stagedKey(a.value);
      const kb = b.done ? undefined : (b.value[SK] as string);
      if (kb === undefined || (ka !== undefined && ka < kb)) {
        visit('created', toRoomNight(a.value as Item));
        a = await staged.next();
      } else if (ka === undefined || kb < ka) {
        const night = toRoomNight(b.value as Item);
        visit(replaced(night) ? 'removed' : 'kept', night);
        b = await stored.next();
      } else {
        const next = toRoomNight(a.value as Item);
        const old = toRoomNight(b.value as Item);
        const same =
          next.rate === old.rate && next.currency === old.currency && next.roomsLeft === old.roomsLeft;
        visit(same ? 'unchanged' : 'changed', next);
        a = await staged.next();
        b = await stored.next();
      }
      await between();
    }
  }
}
