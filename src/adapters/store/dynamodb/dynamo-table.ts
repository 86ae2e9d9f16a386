import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandInput,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { backoffDelay, sleep } from '../../../kernel/backoff.js';
import { StoreThrottledError, StoreUnavailableError } from '../../../ports/store.js';
import { type ItemKey, PK, SK, TIMESTAMP, TIMESTAMP_INDEX } from './keys.js';
import { DEFAULT_RETRY, isDroppedConnection, isThrottling, type RetryPolicy } from './throttling.js';

export type Item = Record<string, unknown>;

/** What the table needs to connect: region and credentials otherwise come from the SDK's standard chain. */
export interface DynamoConnection {
  tableName: string;
  /** A local server (dynalite, DynamoDB Local); fixed local credentials are used with it. */
  endpoint?: string | undefined;
  region?: string | undefined;
  retry?: RetryPolicy;
}

/** A conditional write whose condition did not hold: the adapters decide what it means. */
export class ConditionFailed extends Error {
  constructor(options: { cause: unknown }) {
    super('the condition of a DynamoDB write did not hold', options);
    this.name = 'ConditionFailed';
  }
}

/** A TransactWriteItems call cancelled by a condition: `reasons[i]` is the code for item i ('None' if it passed). */
export class TransactionCancelled extends Error {
  constructor(
    readonly reasons: readonly string[],
    options: { cause: unknown },
  ) {
    super(`the DynamoDB transaction was cancelled: ${reasons.join(', ')}`, options);
    this.name = 'TransactionCancelled';
  }
}

const BATCH_WRITE_SIZE = 25;
const BATCH_GET_SIZE = 100;
/** Batches of one call in flight at once: enough to seed quickly, few enough to not throttle ourselves. */
const BATCH_CONCURRENCY = 8;

/**
 * The one table every DynamoDB adapter shares: a document client plus the error boundary. Every
 * request goes through `run`, which retries throttling with backoff, turns persistent throttling into
 * StoreThrottledError and any other SDK failure into StoreUnavailableError; failed conditions come out
 * as ConditionFailed / TransactionCancelled for the adapter to interpret.
 */
export class DynamoTable {
  readonly name: string;
  readonly client: DynamoDBDocumentClient;
  readonly #retry: RetryPolicy;
  #closed = false;

  constructor(connection: DynamoConnection) {
    this.name = connection.tableName;
    this.#retry = connection.retry ?? DEFAULT_RETRY;
    const local = connection.endpoint !== undefined && connection.endpoint !== '';
    const base = new DynamoDBClient({
      ...(local
        ? {
            endpoint: connection.endpoint,
            region: connection.region || 'us-east-1',
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }
        : connection.region
          ? { region: connection.region }
          : {}),
      // Retries are ours (see run), so throttling ends in a 503 we control rather than the SDK's.
      maxAttempts: 1,
      // A dead or unreachable endpoint fails fast instead of hanging a request.
      requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
    });
    this.client = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs one request with the table's retries and error translation; `action` completes "cannot …". */
  async run<T>(action: string, request: (client: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      if (this.#closed) throw new StoreUnavailableError(`cannot ${action}: the DynamoDB store is closed`);
      try {
        return await request(this.client);
      } catch (error) {
        const throttled = isThrottling(error) || isTransactionConflict(error);
        if (!throttled && !isDroppedConnection(error)) throw translate(action, error);
        if (attempt >= this.#retry.attempts) {
          if (!throttled) throw translate(action, error);
          throw new StoreThrottledError(`cannot ${action}: DynamoDB kept throttling`, { cause: error });
        }
        await sleep(backoffDelay(attempt, this.#retry));
      }
    }
  }

  /** Every page of a query. */
  async queryAll(action: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.run(action, (c) =>
        c.send(new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey: start })),
      );
      items.push(...((page.Items ?? []) as Item[]));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /** The items of a query one page at a time, in sort-key order: memory holds one page whatever the result's size. */
  async *queryItems(action: string, input: Omit<QueryCommandInput, 'TableName'>): AsyncGenerator<Item> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.run(action, (c) =>
        c.send(new QueryCommand({ ...input, TableName: this.name, ExclusiveStartKey: start })),
      );
      for (const item of (page.Items ?? []) as Item[]) yield item;
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
  }

  /** Every item the scan returns, read as `segments` parallel scans (operator paths only: it reads the whole table). */
  async scanAll(action: string, input: Omit<ScanCommandInput, 'TableName'>, segments = 4): Promise<Item[]> {
    const items: Item[] = [];
    await inParallel(
      Array.from({ length: segments }, (_, i) => i),
      segments,
      async (segment) => {
        let start: Record<string, unknown> | undefined;
        do {
          const page = await this.run(action, (c) =>
            c.send(
              new ScanCommand({
                ...input,
                TableName: this.name,
                Segment: segment,
                TotalSegments: segments,
                ExclusiveStartKey: start,
              }),
            ),
          );
          items.push(...((page.Items ?? []) as Item[]));
          start = page.LastEvaluatedKey;
        } while (start !== undefined);
      },
    );
    return items;
  }

  /** Items by key, in no particular order; missing ones are left out. Unprocessed keys are retried. */
  async batchGet(action: string, itemKeys: readonly ItemKey[], projection?: string[]): Promise<Item[]> {
    const unique = [...new Map(itemKeys.map((k) => [`${k.searchType}\u0000${k.searchId}`, k])).values()];
    const found: Item[] = [];
    await inParallel(chunk(unique, BATCH_GET_SIZE), BATCH_CONCURRENCY, async (batch) => {
      let pending: Record<string, unknown>[] = batch as unknown as Record<string, unknown>[];
      for (let round = 1; pending.length > 0; round += 1) {
        const request: BatchGetCommandInput['RequestItems'] = {
          [this.name]: {
            Keys: pending,
            ConsistentRead: true,
            ...(projection ? projectionOf(projection) : {}),
          },
        };
        const answer = await this.run(action, (c) => c.send(new BatchGetCommand({ RequestItems: request })));
        found.push(...((answer.Responses?.[this.name] ?? []) as Item[]));
        pending = (answer.UnprocessedKeys?.[this.name]?.Keys ?? []) as Record<string, unknown>[];
        if (pending.length > 0) await this.#backOffUnprocessed(action, round);
      }
    });
    return found;
  }

  /** Puts and deletes in batches of 25, several batches at once; unprocessed items are retried with backoff. */
  /**
   * Writes items in batches, several at once. An item written twice keeps its last write, as
   * sequential writes would leave it: DynamoDB refuses a batch naming one key twice, and batches
   * running side by side have no order.
   */
  async batchWrite(action: string, writes: readonly BatchWrite[]): Promise<void> {
    await inParallel(chunk(lastWritePerKey(writes), BATCH_WRITE_SIZE), BATCH_CONCURRENCY, async (batch) => {
      let pending = batch.map(toWriteRequest);
      for (let round = 1; pending.length > 0; round += 1) {
        const answer = await this.run(action, (c) =>
          c.send(new BatchWriteCommand({ RequestItems: { [this.name]: pending } })),
        );
        pending = (answer.UnprocessedItems?.[this.name] ?? []) as typeof pending;
        if (pending.length > 0) await this.#backOffUnprocessed(action, round);
      }
    });
  }

  /**
   * Deletes the items of `partition` whose timestamp (the `timestamp-index` sort key) is before
   * `before`; answers how many. The pruning of outbox records and processed-event marks.
   */
  async deleteOlderThan(action: string, partition: string, before: number): Promise<number> {
    const old = await this.queryAll(`find the items to ${action}`, {
      IndexName: TIMESTAMP_INDEX,
      KeyConditionExpression: '#pk = :pk AND #ts < :before',
      ExpressionAttributeNames: { '#pk': PK, '#ts': TIMESTAMP },
      ExpressionAttributeValues: { ':pk': partition, ':before': before },
    });
    await this.batchWrite(
      action,
      old.map((item) => ({ delete: { [PK]: partition, [SK]: item[SK] as string } })),
    );
    return old.length;
  }

  /** Stops accepting requests and closes the HTTP connections; never rejects. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.client.destroy();
  }

  async #backOffUnprocessed(action: string, round: number): Promise<void> {
    // Unprocessed items are DynamoDB throttling part of a batch: same budget as a throttled request.
    if (round >= this.#retry.attempts) {
      throw new StoreThrottledError(`cannot ${action}: DynamoDB kept leaving items unprocessed`);
    }
    await sleep(backoffDelay(round, this.#retry));
  }
}

export type BatchWrite = { put: Item } | { delete: ItemKey };

function lastWritePerKey(writes: readonly BatchWrite[]): BatchWrite[] {
  const byKey = new Map<string, BatchWrite>();
  for (const write of writes) {
    const key = 'put' in write ? write.put : write.delete;
    byKey.set(`${key[PK]}\u0000${key[SK]}`, write);
  }
  return byKey.size === writes.length ? [...writes] : [...byKey.values()];
}

function toWriteRequest(write: BatchWrite) {
  return 'put' in write ? { PutRequest: { Item: write.put } } : { DeleteRequest: { Key: write.delete } };
}

function projectionOf(attributes: string[]) {
  const names: Record<string, string> = {};
  attributes.forEach((attribute, i) => {
    names[`#p${i}`] = attribute;
  });
  return { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names };
}

function isTransactionConflict(error: unknown): boolean {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return false;
  const reasons = cancellationCodes(error);
  return reasons.includes('TransactionConflict') && !reasons.includes('ConditionalCheckFailed');
}

function cancellationCodes(error: Error): string[] {
  const reasons = (error as Error & { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code ?? 'None');
}

function translate(action: string, error: unknown): Error {
  if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
    return new ConditionFailed({ cause: error });
  }
  if (error instanceof Error && error.name === 'TransactionCanceledException') {
    return new TransactionCancelled(cancellationCodes(error), { cause: error });
  }
  return new StoreUnavailableError(`cannot ${action}`, { cause: error });
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

/** Runs `work` on every item, at most `limit` at once; rejects with the first failure. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
