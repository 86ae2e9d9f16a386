import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudEvent } from '../../../ports/events.js';
import {
  type FareComparison,
  type FareFiling,
  type FareFilings,
  type FareMarket,
  fareFilingBody,
  fareFilingKey,
  type StagedFiling,
} from '../../../ports/fare-filings.js';
import type { AppendSignal } from '../append-signal.js';
import { type ComparisonRow, parseFareBody, toFareComparison } from '../fare-filing-rows.js';
import { ConditionFailed, type DynamoTable, type Item, inParallel } from './dynamo-table.js';
import { type ItemKey, KIND, keys, PK, SK } from './keys.js';
import { outboxItems } from './outbox-records.js';
import { put, TRANSACTION_LIMIT, transactWrite, type WriteMode } from './writes.js';

/** Conditional puts of one staging call in flight at once. */
const STAGE_CONCURRENCY = 16;
/** Attribute of the versions item holding one carrier's current version. */
const versionAttribute = (carrier: string): string => `v#${carrier}`;

/**
 * FareFilings on the single table. A version's filings share one partition (`FARES#<version>`,
 * sorted by carrier and filing key); one item (`FARE-VERSIONS`) names every carrier's current
 * version, so publishing switches any number of carriers with one UpdateItem — atomic on DynamoDB
 * whatever the size of the file, because the filings themselves are written before the switch and
 * never touched by it. With transactions the switch and the events go in one TransactWriteItems call;
 * in conditional mode (local servers without transactions) the events follow the switch.
 */
export class DynamoFareFilings implements FareFilings {
  readonly #table: DynamoTable;
  readonly #signal: AppendSignal;
  readonly #mode: WriteMode;

  constructor(table: DynamoTable, signal: AppendSignal, mode: WriteMode) {
    this.#table = table;
    this.#signal = signal;
    this.#mode = mode;
  }

  async findFares(markets: readonly FareMarket[]): Promise<FareFiling[][]> {
    if (markets.length === 0) return [];
    const versions = await this.#currentVersions();
    const answers: FareFiling[][] = markets.map(() => []);
    await inParallel(
      markets.map((market, i) => ({ market, i })),
      8,
      async ({ market, i }) => {
        const version = versions.get(market.carrier);
        if (version === undefined) return;
        const items = await this.#table.queryAll('read fare filings', {
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: {
            ':pk': keys.fareVersionPartition(version),
            ':prefix': `${market.carrier}#${market.origin}#${market.destination}#`,
          },
        });
        answers[i] = items.map((item) => parseFareBody(item.body as string));
      },
    );
    return answers;
  }

  async stage(version: string, filings: readonly StagedFiling[]): Promise<number[]> {
    const duplicates: number[] = [];
    await inParallel(filings, STAGE_CONCURRENCY, async ({ line, filing }) => {
      const item: Item = {
        ...keys.fareFiling(version, filing.carrier, fareFilingKey(filing)),
        [KIND]: 'fare-filing',
        carrier: filing.carrier,
        origin: filing.origin,
        destination: filing.destination,
        line,
        body: fareFilingBody(filing),
      };
      try {
        await put(this.#table, 'stage fare filings', item, 'attribute_not_exists(#pk)');
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
        duplicates.push(line);
      }
    });
    return duplicates.sort((a, b) => a - b);
  }

  async compare(version: string, carriers: readonly string[]): Promise<FareComparison> {
    const versions = await this.#currentVersions();
    const groups = new Map<string, ComparisonRow>();
    const count = (item: Item, status: ComparisonRow['status']): void => {
      const id = `${item.origin}|${item.destination}|${status}`;
      const row = groups.get(id) ?? {
        origin: item.origin as string,
        destination: item.destination as string,
        status,
        count: 0,
      };
      row.count += 1;
      groups.set(id, row);
    };
    for (const carrier of carriers) {
      // Both sides are read in sort-key order, page by page, and merged: memory stays one page each.
      const staged = this.#pages(keys.fareVersionPartition(version), `${carrier}#`);
      const current = versions.get(carrier);
      const live =
        current === undefined ? emptyPages() : this.#pages(keys.fareVersionPartition(current), `${carrier}#`);
      let a = await staged.next();
      let b = await live.next();
      while (!a.done || !b.done) {
        const sa = a.done ? undefined : (a.value[SK] as string);
        const sb = b.done ? undefined : (b.value[SK] as string);
        if (sb === undefined || (sa !== undefined && sa < sb)) {
          count(a.value as Item, 'created');
          a = await staged.next();
        } else if (sa === undefined || sb < sa) {
          count(b.value as Item, 'removed');
          b = await live.next();
        } else {
          count(a.value as Item, a.value?.body === b.value?.body ? 'unchanged' : 'changed');
          a = await staged.next();
          b = await live.next();
        }
      }
    }
    return toFareComparison([...groups.values()]);
  }

  async publish(version: string, carriers: readonly string[], events: readonly CloudEvent[]): Promise<void> {
    const replaced = await this.#currentVersions();
    const names: Record<string, string> = {};
    const sets = carriers.map((carrier, i) => {
      names[`#c${i}`] = versionAttribute(carrier);
      return `#c${i} = :version`;
    });
    const switchVersions = {
      TableName: this.#table.name,
      Key: keys.fareVersions,
      UpdateExpression: `SET #kind = :kind, ${sets.join(', ')}`,
      ExpressionAttributeNames: { ...names, '#kind': KIND },
      ExpressionAttributeValues: { ':version': version, ':kind': 'fare-versions' },
    };
    const records = outboxItems(events);
    if (this.#mode === 'transaction' && records.length + 1 <= TRANSACTION_LIMIT) {
      await transactWrite(this.#table, 'publish fare filings', [
        { Update: switchVersions },
        ...records.map((Item) => ({ Put: { TableName: this.#table.name, Item } })),
      ]);
    } else {
      await this.#table.run('publish fare filings', (c) => c.send(new UpdateCommand(switchVersions)));
      await this.#table.batchWrite(
        'append fare events',
        records.map((item) => ({ put: item })),
      );
    }
    this.#signal.appended();
    for (const carrier of carriers) {
      const old = replaced.get(carrier);
      if (old !== undefined && old !== version) await this.#deletePartition(old, `${carrier}#`);
    }
  }

  async discard(version: string): Promise<void> {
    await this.#deletePartition(version, '');
  }

  async #currentVersions(): Promise<Map<string, string>> {
    const answer = await this.#table.run('read fare versions', (c) =>
      c.send(new GetCommand({ TableName: this.#table.name, Key: keys.fareVersions, ConsistentRead: true })),
    );
    const versions = new Map<string, string>();
    for (const [name, value] of Object.entries(answer.Item ?? {})) {
      if (name.startsWith('v#') && typeof value === 'string') versions.set(name.slice(2), value);
    }
    return versions;
  }

  /** Items of a partition whose sort key starts with `prefix`, in sort-key order, one page in memory at a time. */
  #pages(partition: string, prefix: string): AsyncGenerator<Item> {
    return this.#table.queryItems('read fare filings', {
      KeyConditionExpression: prefix === '' ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: prefix === '' ? { '#pk': PK } : { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues:
        prefix === '' ? { ':pk': partition } : { ':pk': partition, ':prefix': prefix },
      ConsistentRead: true,
    });
  }

  async #deletePartition(version: string, prefix: string): Promise<void> {
    let batch: ItemKey[] = [];
    for await (const item of this.#pages(keys.fareVersionPartition(version), prefix)) {
      batch.push({ [PK]: item[PK] as string, [SK]: item[SK] as string });
      if (batch.length >= 500) {
        await this.#table.batchWrite(
          'delete fare filings',
          batch.map((key) => ({ delete: key })),
        );
        batch = [];
      }
    }
    if (batch.length > 0)
      await this.#table.batchWrite(
        'delete fare filings',
        batch.map((key) => ({ delete: key })),
      );
  }
}

async function* emptyPages(): AsyncGenerator<Item> {}
