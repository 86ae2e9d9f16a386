import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  DeliveryNext,
  DeliveryQuery,
  ReplaySelection,
  WebhookAttempt,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookDeliveryStore,
  WebhookEventType,
} from '../../../ports/webhooks.js';
import { ConditionFailed, type DynamoTable, type Item } from './dynamo-table.js';
import { KIND, keys, LOOKUP_INDEX, LOOKUP_PK, LOOKUP_SK, PK, SK } from './keys.js';
import { update } from './writes.js';

/** What a queue item repeats of its delivery: enough to pick the head of each booking and what is due. */
interface PendingEntry {
  id: string;
  endpointId: string;
  orderKey: string;
  sequence: string;
  nextAttemptAt: number;
  leaseUntil?: number;
}

/**
 * Webhook deliveries on DynamoDB, without transactions (dynalite has none), so every multi-item step
 * is ordered to be safe if the process dies between items:
 *
 * - the delivery item (`WEBHOOK-DELIVERY#id`/`DELIVERY`) is the truth: status, attempts, and the lease,
 *   which is taken and given back by conditional writes on it alone — so exactly one claimer wins;
 * - the `WEBHOOK-PENDING` partition holds one small queue item per pending delivery, which claims
 *   read (strongly consistent) to find heads of bookings that are due. It is a hint: a claim's
 *   condition on the delivery item decides, and a queue item left behind by a crash is cleaned when
 *   a claim finds its delivery no longer pending. Enqueue writes the queue item first, so a delivery
 *   is never stored without one;
 * - attempts (`ATTEMPT#…` items beside the delivery) and dead letters are written after the delivery
 *   changed; a crash in between loses that attempt's history line, never the delivery's state.
 *
 * The queue partition is read whole by each claim: fine for thousands of pending deliveries, the
 * expected backlog even with an endpoint down for days (docs/adr/0022-webhook-delivery.md).
 */
export class DynamoWebhookDeliveryStore implements WebhookDeliveryStore {
  readonly #table: DynamoTable;

  constructor(table: DynamoTable) {
    this.#table = table;
  }

  async enqueue(deliveries: readonly WebhookDeliveryRecord[]): Promise<number> {
    let added = 0;
    for (const delivery of deliveries) {
      if (await this.#exists(delivery.id)) continue;
      await this.#putPending(delivery);
      try {
        await this.#table.run('enqueue a webhook delivery', (c) =>
          c.send(
            new PutCommand({
              TableName: this.#table.name,
              Item: deliveryItem(delivery),
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': PK },
            }),
          ),
        );
        added++;
      } catch (error) {
        if (!(error instanceof ConditionFailed)) throw error;
      }
    }
    return added;
  }

  async claim(
    owner: string,
    options: { now: number; limit: number; leaseMs: number; skipEndpoints?: readonly string[] },
  ): Promise<WebhookDeliveryRecord[]> {
    const { now, limit, leaseMs } = options;
    const skip = new Set(options.skipEndpoints ?? []);
    const entries = (
      await this.#table.queryAll('read the webhook queue', {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': PK },
        ExpressionAttributeValues: { ':pk': keys.webhookPendingPartition },
        ConsistentRead: true,
      })
    ).map(toPendingEntry);
    const heads = new Map<string, PendingEntry>();
    for (const entry of entries) {
      const order = `${entry.endpointId}\n${entry.orderKey}`;
      const head = heads.get(order);
      if (head === undefined || entry.sequence < head.sequence) heads.set(order, entry);
    }
    const due = [...heads.values()]
      .filter(
        (e) =>
          e.nextAttemptAt <= now &&
          !(e.leaseUntil !== undefined && e.leaseUntil > now) &&
          !skip.has(e.endpointId),
      )
      .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.sequence < b.sequence ? -1 : 1));
    const claimed: WebhookDeliveryRecord[] = [];
    const endpoints = new Set<string>();
    for (const entry of due) {
      if (claimed.length >= limit) break;
      if (endpoints.has(entry.endpointId)) continue;
      const leased = await this.#lease(entry, owner, now, leaseMs);
      if (leased === undefined) continue;
      endpoints.add(entry.endpointId);
      claimed.push(leased);
    }
    return claimed;
  }

  async complete(owner: string, attempt: WebhookAttempt, next: DeliveryNext): Promise<boolean> {
    let item: Item | undefined;
    try {
      item = await update(
        this.#table,
        'record a webhook attempt',
        {
          TableName: this.#table.name,
          Key: keys.webhookDelivery(attempt.deliveryId),
          UpdateExpression: `SET #status = :status, attempts = attempts + :one, lastAttemptAt = :at, lastLatencyMs = :latency${
            next.status === 'pending' ? ', nextAttemptAt = :next' : ''
          }${attempt.statusCode === undefined ? '' : ', lastStatusCode = :code'}${
            attempt.error === undefined ? '' : ', lastError = :error'
          } REMOVE leaseOwner, leaseUntil${attempt.statusCode === undefined ? ', lastStatusCode' : ''}${
            attempt.error === undefined ? ', lastError' : ''
          }`,
          ConditionExpression: '#status = :pending AND leaseOwner = :owner',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': next.status,
            ':pending': 'pending',
            ':owner': owner,
            ':one': 1,
            ':at': attempt.at,
            ':latency': attempt.latencyMs,
            ...(next.status === 'pending' ? { ':next': next.nextAttemptAt } : {}),
            ...(attempt.statusCode === undefined ? {} : { ':code': attempt.statusCode }),
            ...(attempt.error === undefined ? {} : { ':error': attempt.error }),
          },
        },
        'ALL_NEW',
      );
    } catch (error) {
      if (error instanceof ConditionFailed) return false;
      throw error;
    }
    const delivery = toDelivery(item as Item);
    await this.#put('record a webhook attempt', {
      ...keys.webhookAttempt(attempt.deliveryId, attempt.id),
      [KIND]: 'webhook-attempt',
      ...attempt,
    });
    if (next.status === 'failed')
      await this.#put('park a webhook delivery', {
        ...keys.webhookDeadLetter(delivery.id),
        [KIND]: 'webhook-dead-letter',
        deliveryId: delivery.id,
        endpointId: delivery.endpointId,
        apiKeyId: delivery.apiKeyId,
        eventType: delivery.eventType,
        reason: next.reason,
        attempts: delivery.attempts,
        parkedAt: attempt.at,
      });
    if (next.status === 'pending') await this.#putPending(delivery);
    else
      await this.#table.batchWrite('dequeue a webhook delivery', [
        { delete: keys.webhookPending(delivery.id) },
      ]);
    return true;
  }

  async get(id: string): Promise<WebhookDeliveryRecord | undefined> {
    const answer = await this.#table.run('read a webhook delivery', (c) =>
      c.send(
        new GetCommand({ TableName: this.#table.name, Key: keys.webhookDelivery(id), ConsistentRead: true }),
      ),
    );
    return answer.Item === undefined ? undefined : toDelivery(answer.Item);
  }

  async list(query: DeliveryQuery): Promise<WebhookDeliveryRecord[]> {
    const items = await this.#table.queryAll('list webhook deliveries', {
      IndexName: LOOKUP_INDEX,
      KeyConditionExpression: query.before === undefined ? '#lpk = :lpk' : '#lpk = :lpk AND #lsk < :before',
      ExpressionAttributeNames: {
        '#lpk': LOOKUP_PK,
        ...(query.before === undefined ? {} : { '#lsk': LOOKUP_SK }),
      },
      ExpressionAttributeValues: {
        ':lpk': keys.webhookLogLookup(query.endpointId),
        ...(query.before === undefined ? {} : { ':before': query.before }),
      },
      ScanIndexForward: false,
    });
    return items
      .map(toDelivery)
      .filter((d) => query.status === undefined || d.status === query.status)
      .slice(0, query.limit ?? 50);
  }

  async attempts(deliveryId: string): Promise<WebhookAttempt[]> {
    const items = await this.#table.queryAll('list webhook attempts', {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: {
        ':pk': keys.webhookDeliveryPartition(deliveryId),
        ':prefix': keys.webhookAttemptPrefix,
      },
      ConsistentRead: true,
    });
    return items.map(toAttempt);
  }

  async replay(selection: ReplaySelection, now: number): Promise<string[]> {
    const candidates =
      'ids' in selection
        ? (
            await this.#table.batchGet('read webhook deliveries', selection.ids.map(keys.webhookDelivery))
          ).map(toDelivery)
        : (await this.list({ endpointId: selection.endpointId, limit: Number.MAX_SAFE_INTEGER })).filter(
            (d) => d.createdAt >= selection.from && d.createdAt < selection.to,
          );
    const replayed: WebhookDeliveryRecord[] = [];
    for (const delivery of candidates.sort((a, b) => (a.sequence < b.sequence ? -1 : 1))) {
      if (delivery.endpointId !== selection.endpointId || delivery.status === 'pending') continue;
      const requeued = { ...delivery, status: 'pending' as const, attempts: 0, nextAttemptAt: now };
      // Queue item first, as in enqueue: a crash before the status change leaves only a stale hint.
      await this.#putPending(requeued);
      try {
        await update(this.#table, 'replay a webhook delivery', {
          TableName: this.#table.name,
          Key: keys.webhookDelivery(delivery.id),
          UpdateExpression:
            'SET #status = :pending, attempts = :zero, nextAttemptAt = :now REMOVE leaseOwner, leaseUntil',
          ConditionExpression: '#status <> :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':zero': 0, ':now': now },
        });
      } catch (error) {
        if (error instanceof ConditionFailed) continue;
        throw error;
      }
      await this.#table.batchWrite('replay a webhook delivery', [
        { delete: keys.webhookDeadLetter(delivery.id) },
      ]);
      replayed.push(requeued);
    }
    return replayed.map((d) => d.id);
  }

  /** Leases the delivery if it is still pending, due and free; cleans a stale queue item. */
  async #lease(
    entry: PendingEntry,
    owner: string,
    now: number,
    leaseMs: number,
  ): Promise<WebhookDeliveryRecord | undefined> {
    try {
      const item = await update(
        this.#table,
        'claim a webhook delivery',
        {
          TableName: this.#table.name,
          Key: keys.webhookDelivery(entry.id),
          UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
          ConditionExpression:
            '#status = :pending AND nextAttemptAt <= :now AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': now + leaseMs,
            ':pending': 'pending',
            ':now': now,
          },
        },
        'ALL_NEW',
      );
      await this.#table.run('claim a webhook delivery', (c) =>
        c.send(
          new PutCommand({
            TableName: this.#table.name,
            Item: { ...pendingItem(entry), leaseUntil: now + leaseMs },
          }),
        ),
      );
      return item === undefined ? undefined : toDelivery(item);
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      const current = await this.get(entry.id);
      if (current === undefined || current.status !== 'pending')
        await this.#table.batchWrite('clean the webhook queue', [{ delete: keys.webhookPending(entry.id) }]);
      else if (current.nextAttemptAt !== entry.nextAttemptAt) await this.#putPending(current);
      return undefined;
    }
  }

  async #exists(id: string): Promise<boolean> {
    return (await this.get(id)) !== undefined;
  }

  async #putPending(delivery: PendingEntry): Promise<void> {
    await this.#put('queue a webhook delivery', pendingItem(delivery));
  }

  async #put(action: string, item: Item): Promise<void> {
    await this.#table.run(action, (c) => c.send(new PutCommand({ TableName: this.#table.name, Item: item })));
  }
}

function pendingItem(entry: PendingEntry): Item {
  return {
    ...keys.webhookPending(entry.id),
    [KIND]: 'webhook-pending',
    id: entry.id,
    endpointId: entry.endpointId,
    orderKey: entry.orderKey,
    sequence: entry.sequence,
    nextAttemptAt: entry.nextAttemptAt,
  };
}

function toPendingEntry(item: Item): PendingEntry {
  return {
    id: item.id as string,
    endpointId: item.endpointId as string,
    orderKey: item.orderKey as string,
    sequence: item.sequence as string,
    nextAttemptAt: Number(item.nextAttemptAt),
    ...(item.leaseUntil === undefined ? {} : { leaseUntil: Number(item.leaseUntil) }),
  };
}

function deliveryItem(delivery: WebhookDeliveryRecord): Item {
  return {
    ...keys.webhookDelivery(delivery.id),
    [KIND]: 'webhook-delivery',
    [LOOKUP_PK]: keys.webhookLogLookup(delivery.endpointId),
    [LOOKUP_SK]: delivery.sequence,
    ...delivery,
  };
}

function toDelivery(item: Item): WebhookDeliveryRecord {
  const optional = (name: string) => (item[name] === undefined ? {} : { [name]: Number(item[name]) });
  return {
    id: item.id as string,
    endpointId: item.endpointId as string,
    apiKeyId: item.apiKeyId as string,
    eventType: item.eventType as WebhookEventType,
    eventId: item.eventId as string,
    orderKey: item.orderKey as string,
    sequence: item.sequence as string,
    payload: item.payload as string,
    status: item.status as WebhookDeliveryStatus,
    attempts: Number(item.attempts),
    nextAttemptAt: Number(item.nextAttemptAt),
    createdAt: Number(item.createdAt),
    ...optional('lastAttemptAt'),
    ...optional('lastStatusCode'),
    ...(typeof item.lastError === 'string' ? { lastError: item.lastError } : {}),
    ...optional('lastLatencyMs'),
  };
}

function toAttempt(item: Item): WebhookAttempt {
  return {
    id: item.id as string,
    deliveryId: item.deliveryId as string,
    at: Number(item.at),
    succeeded: item.succeeded as boolean,
    ...(item.statusCode === undefined ? {} : { statusCode: Number(item.statusCode) }),
    latencyMs: Number(item.latencyMs),
    ...(typeof item.error === 'string' ? { error: item.error } : {}),
  };
}
