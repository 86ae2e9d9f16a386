import type {
  DeliveryNext,
  DeliveryQuery,
  ReplaySelection,
  WebhookAttempt,
  WebhookDeliveryRecord,
  WebhookDeliveryStore,
} from '../../../ports/webhooks.js';
import {
  ATTEMPT_COLUMNS,
  type AttemptRow,
  attemptValues,
  DELIVERY_COLUMNS,
  type DeliveryRow,
  deliveryValues,
  toAttempt,
  toDelivery,
} from '../relational-webhook-rows.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';
import { sqliteValues } from './webhook-endpoint-store.js';

/** Due heads read per delivery a claim may return, to find enough distinct endpoints among them. */
const CANDIDATES_PER_CLAIM = 8;

/**
 * Webhook deliveries in the shared SQLite file. Claiming selects and leases in one IMMEDIATE
 * transaction, so of several processes sharing the file exactly one gets each delivery.
 */
export class SqliteWebhookDeliveryStore implements WebhookDeliveryStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async enqueue(deliveries: readonly WebhookDeliveryRecord[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    return guarded('enqueue webhook deliveries', () =>
      this.#db
        .transaction(() => {
          const insert = this.#db.prepare(
            `INSERT OR IGNORE INTO webhook_deliveries (${DELIVERY_COLUMNS})
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          );
          let added = 0;
          for (const delivery of deliveries)
            added += insert.run(...sqliteValues(deliveryValues(delivery))).changes;
          return added;
        })
        .immediate(),
    );
  }

  async claim(
    owner: string,
    options: { now: number; limit: number; leaseMs: number; skipEndpoints?: readonly string[] },
  ): Promise<WebhookDeliveryRecord[]> {
    const { now, limit, leaseMs } = options;
    return guarded('claim webhook deliveries', () =>
      this.#db
        .transaction(() => {
          // Due heads stream out of the queue index in due order and the scan stops at the LIMIT; one
          // per endpoint is picked here. Endpoints at their share are excluded in SQL, so one busy
          // endpoint's backlog does not crowd the others out of the window for long.
          const candidates = this.#db
            .prepare(
              `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d
               WHERE d.status = 'pending' AND d.next_attempt_at <= ?
                 AND (d.lease_until IS NULL OR d.lease_until <= ?)
                 AND d.endpoint_id NOT IN (SELECT value FROM json_each(?))
                 AND NOT EXISTS (
                   SELECT 1 FROM webhook_deliveries p
                   WHERE p.status = 'pending' AND p.endpoint_id = d.endpoint_id
                     AND p.order_key = d.order_key AND p.sequence < d.sequence)
               ORDER BY d.next_attempt_at, d.sequence LIMIT ?`,
            )
            .all(
              now,
              now,
              JSON.stringify(options.skipEndpoints ?? []),
              limit * CANDIDATES_PER_CLAIM,
            ) as DeliveryRow[];
          const endpoints = new Set<string>();
          const rows: DeliveryRow[] = [];
          for (const row of candidates) {
            if (rows.length >= limit) break;
            if (endpoints.has(row.endpoint_id)) continue;
            endpoints.add(row.endpoint_id);
            rows.push(row);
          }
          const lease = this.#db.prepare(
            'UPDATE webhook_deliveries SET lease_owner = ?, lease_until = ? WHERE id = ?',
          );
          for (const row of rows) lease.run(owner, now + leaseMs, row.id);
          return rows.map(toDelivery);
        })
        .immediate(),
    );
  }

  async complete(owner: string, attempt: WebhookAttempt, next: DeliveryNext): Promise<boolean> {
    return guarded('record a webhook attempt', () =>
      this.#db
        .transaction(() => {
          const row = this.#db
            .prepare(
              `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
               WHERE id = ? AND status = 'pending' AND lease_owner = ?`,
            )
            .get(attempt.deliveryId, owner) as DeliveryRow | undefined;
          if (row === undefined) return false;
          const delivery = toDelivery(row);
          this.#db
            .prepare(`INSERT INTO webhook_attempts (${ATTEMPT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
            .run(...sqliteValues(attemptValues(attempt)));
          this.#db
            .prepare(
              `UPDATE webhook_deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?,
                 last_attempt_at = ?, last_status_code = ?, last_error = ?, last_latency_ms = ?,
                 lease_owner = NULL, lease_until = NULL
               WHERE id = ?`,
            )
            .run(
              next.status,
              next.status === 'pending' ? next.nextAttemptAt : delivery.nextAttemptAt,
              attempt.at,
              attempt.statusCode ?? null,
              attempt.error ?? null,
              attempt.latencyMs,
              delivery.id,
            );
          if (next.status === 'failed')
            this.#db
              .prepare(
                `INSERT OR REPLACE INTO webhook_dead_letters
                   (delivery_id, endpoint_id, api_key_id, event_type, reason, attempts, parked_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?)`,
              )
              .run(
                delivery.id,
                delivery.endpointId,
                delivery.apiKeyId,
                delivery.eventType,
                next.reason,
                delivery.attempts + 1,
                attempt.at,
              );
          return true;
        })
        .immediate(),
    );
  }

  async get(id: string): Promise<WebhookDeliveryRecord | undefined> {
    return guarded('read a webhook delivery', () => {
      const row = this.#db.prepare(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = ?`).get(id);
      return row === undefined ? undefined : toDelivery(row as DeliveryRow);
    });
  }

  async list(query: DeliveryQuery): Promise<WebhookDeliveryRecord[]> {
    return guarded('list webhook deliveries', () => {
      const rows = this.#db
        .prepare(
          `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
           WHERE endpoint_id = ? AND (? IS NULL OR status = ?) AND (? IS NULL OR sequence < ?)
           ORDER BY sequence DESC LIMIT ?`,
        )
        .all(
          query.endpointId,
          query.status ?? null,
          query.status ?? null,
          query.before ?? null,
          query.before ?? null,
          query.limit ?? 50,
        ) as DeliveryRow[];
      return rows.map(toDelivery);
    });
  }

  async attempts(deliveryId: string): Promise<WebhookAttempt[]> {
    return guarded('list webhook attempts', () =>
      (
        this.#db
          .prepare(`SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts WHERE delivery_id = ? ORDER BY id`)
          .all(deliveryId) as AttemptRow[]
      ).map(toAttempt),
    );
  }

  async replay(selection: ReplaySelection, now: number): Promise<string[]> {
    return guarded('replay webhook deliveries', () =>
      this.#db
        .transaction(() => {
          const rows = (
            'ids' in selection
              ? this.#db
                  .prepare(
                    `SELECT id FROM webhook_deliveries WHERE endpoint_id = ? AND status <> 'pending'
                       AND id IN (SELECT value FROM json_each(?)) ORDER BY sequence`,
                  )
                  .all(selection.endpointId, JSON.stringify(selection.ids))
              : this.#db
                  .prepare(
                    `SELECT id FROM webhook_deliveries WHERE endpoint_id = ? AND status <> 'pending'
                       AND created_at >= ? AND created_at < ? ORDER BY sequence`,
                  )
                  .all(selection.endpointId, selection.from, selection.to)
          ) as { id: string }[];
          const requeue = this.#db.prepare(
            `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?,
               lease_owner = NULL, lease_until = NULL WHERE id = ?`,
          );
          const unpark = this.#db.prepare('DELETE FROM webhook_dead_letters WHERE delivery_id = ?');
          for (const { id } of rows) {
            requeue.run(now, id);
            unpark.run(id);
          }
          return rows.map((row) => row.id);
        })
        .immediate(),
    );
  }
}
