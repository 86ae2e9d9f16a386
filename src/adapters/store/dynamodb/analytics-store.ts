import type {
  AnalyticsStore,
  RollupGranularity,
  RollupKey,
  RollupRecord,
} from '../../../ports/analytics-store.js';
import type { DynamoTable, Item } from './dynamo-table.js';
import { type ItemKey, KIND, keys, PK, paddedMs, SK } from './keys.js';

const DAY_MS = 86_400_000;

/**
 * Analytics rollups in the single table: minutes in one partition per UTC day, hours in one per
 * UTC month (`ANALYTICS#minute#2030-01-31`, `ANALYTICS#hour#2030-01`), sorted by bucket then id,
 * so a window is one Query per day or month it spans.
 */
export class DynamoAnalyticsStore implements AnalyticsStore {
  readonly #table: DynamoTable;

  constructor(table: DynamoTable) {
    this.#table = table;
  }

  async put(records: readonly RollupRecord[]): Promise<void> {
    // A batch may not name one key twice: the last record of an id wins, as sequential puts would.
    const unique = [...new Map(records.map((r) => [r.id, r])).values()];
    await this.#table.batchWrite(
      'write analytics rollups',
      unique.map((record) => ({
        put: {
          ...keyOf(record),
          [KIND]: 'analytics-rollup',
          id: record.id,
          granularity: record.granularity,
          bucket: record.bucket,
          payload: record.payload,
        },
      })),
    );
  }

  async list(granularity: RollupGranularity, from: number, to: number): Promise<RollupRecord[]> {
    if (to <= from) return [];
    const pages = await Promise.all(
      partitionsOf(granularity, from, to).map((partition) =>
        this.#table.queryAll('read analytics rollups', {
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: {
            ':pk': partition,
            ':lo': paddedMs(from),
            ':hi': `${paddedMs(to - 1)}#\uffff`,
          },
          ConsistentRead: true,
        }),
      ),
    );
    return pages
      .flat()
      .map(recordOf)
      .filter((r) => r.bucket >= from && r.bucket < to)
      .sort((a, b) => a.bucket - b.bucket || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async remove(records: readonly RollupKey[]): Promise<void> {
    const unique = [...new Map(records.map((r) => [r.id, r])).values()];
    await this.#table.batchWrite(
      'delete analytics rollups',
      unique.map((record) => ({ delete: keyOf(record) })),
    );
  }

  async removeRange(granularity: RollupGranularity, from: number, to: number): Promise<number> {
    const found = await this.list(granularity, from, to);
    await this.remove(found);
    return found.length;
  }
}

function partitionOf(granularity: RollupGranularity, bucket: number): string {
  const date = new Date(bucket).toISOString();
  return `${keys.analyticsPartitionPrefix}${granularity}#${granularity === 'minute' ? date.slice(0, 10) : date.slice(0, 7)}`;
}

/** Every partition holding a bucket of [from, to). */
function partitionsOf(granularity: RollupGranularity, from: number, to: number): string[] {
  const partitions = new Set<string>();
  for (let t = Math.floor(from / DAY_MS) * DAY_MS; t < to; t += DAY_MS)
    partitions.add(partitionOf(granularity, t));
  partitions.add(partitionOf(granularity, to - 1));
  return [...partitions];
}

function keyOf(record: RollupKey): ItemKey {
  return {
    [PK]: partitionOf(record.granularity, record.bucket),
    [SK]: `${paddedMs(record.bucket)}#${record.id}`,
  };
}

function recordOf(item: Item): RollupRecord {
  return {
    id: String(item.id),
    granularity: item.granularity as RollupGranularity,
    bucket: Number(item.bucket),
    payload: String(item.payload),
  };
}
