import type pg from 'pg';
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
import { guarded, inTransaction } from './connection.js';

/**
 * Webhook deliveries on PostgreSQL. Claims take a transaction-scoped advisory lock, so the instances
 * of a cluster claim one after another: each sees the leases the previous one wrote, and the
 * "oldest pending of its booking" rule holds without row-lock subtleties. A claim is one short
 * statement, so they never wait long.
 */
export class PostgresWebhookDeliveryStore implements WebhookDeliveryStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async enqueue(deliveries: readonly WebhookDeliveryRecord[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    const columns = DELIVERY_COLUMNS.split(', ');
    const values = deliveries.flatMap(deliveryValues);
    const rows = deliveries
      .map((_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`)
      .join(', ');
    return guarded('enqueue webhook deliveries', async () => {
      const result = await this.#pool.query(
        `INSERT INTO webhook_deliveries (${DELIVERY_COLUMNS}) VALUES ${rows} ON CONFLICT (id) DO NOTHING`,
        values,
      );
      return result.rowCount ?? 0;
    });
  }

  async claim(
    owner: string,
    options: { now: number; limit: number; leaseMs: number; skipEndpoints?: readonly string[] },
  ): Promise<WebhookDeliveryRecord[]> {
    const { now, limit, leaseMs } = options;
    return guarded('claim webhook deliveries', () =>
      inTransaction(this.#pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('travel-platform:webhook-claim'))");
        const { rows } = await client.query<DeliveryRow>(
          `UPDATE webhook_deliveries SET lease_owner = $1, lease_until = $2
           WHERE id IN (
             SELECT id FROM (
               SELECT d.id, d.next_attempt_at, d.sequence, ROW_NUMBER() OVER (
                 PARTITION BY d.endpoint_id ORDER BY d.next_attempt_at, d.sequence) AS nth
               FROM webhook_deliveries d
               WHERE d.status = 'pending' AND d.next_attempt_at <= $3
                 AND (d.lease_until IS NULL OR d.lease_until <= $3)
                 AND NOT (d.endpoint_id = ANY($4::text[]))
                 AND NOT EXISTS (
                   SELECT 1 FROM webhook_deliveries p
                   WHERE p.status = 'pending' AND p.endpoint_id = d.endpoint_id
                     AND p.order_key = d.order_key AND p.sequence < d.sequence)) due
             WHERE nth = 1 ORDER BY next_attempt_at, sequence LIMIT $5)
           RETURNING ${DELIVERY_COLUMNS}`,
          [owner, now + leaseMs, now, options.skipEndpoints ?? [], limit],
        );
        return rows
          .map(toDelivery)
          .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.sequence < b.sequence ? -1 : 1));
      }),
    );
  }

  async complete(owner: string, attempt: WebhookAttempt, next: DeliveryNext): Promise<boolean> {
    return guarded('record a webhook attempt', () =>
      inTransaction(this.#pool, async (client) => {
        const { rows } = await client.query<DeliveryRow>(
          `UPDATE webhook_deliveries SET status = $3, attempts = attempts + 1,
             next_attempt_at = COALESCE($4, next_attempt_at), last_attempt_at = $5, last_status_code = $6,
             last_error = $7, last_latency_ms = $8, lease_owner = NULL, lease_until = NULL
           WHERE id = $1 AND status = 'pending' AND lease_owner = $2
           RETURNING ${DELIVERY_COLUMNS}`,
          [
            attempt.deliveryId,
            owner,
            next.status,
            next.status === 'pending' ? next.nextAttemptAt : null,
            attempt.at,
            attempt.statusCode ?? null,
            attempt.error ?? null,
            attempt.latencyMs,
          ],
        );
        const row = rows[0];
        if (row === undefined) return false;
        const delivery = toDelivery(row);
        await client.query(
          `INSERT INTO webhook_attempts (${ATTEMPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          attemptValues(attempt),
        );
        if (next.status === 'failed')
          await client.query(
            `INSERT INTO webhook_dead_letters
               (delivery_id, endpoint_id, api_key_id, event_type, reason, attempts, parked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (delivery_id) DO UPDATE SET reason = EXCLUDED.reason,
               attempts = EXCLUDED.attempts, parked_at = EXCLUDED.parked_at`,
            [
              delivery.id,
              delivery.endpointId,
              delivery.apiKeyId,
              delivery.eventType,
              next.reason,
              delivery.attempts,
              attempt.at,
            ],
          );
        return true;
      }),
    );
  }

  async get(id: string): Promise<WebhookDeliveryRecord | undefined> {
    return guarded('read a webhook delivery', async () => {
      const { rows } = await this.#pool.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1`,
        [id],
      );
      return rows[0] === undefined ? undefined : toDelivery(rows[0]);
    });
  }

  async list(query: DeliveryQuery): Promise<WebhookDeliveryRecord[]> {
    return guarded('list webhook deliveries', async () => {
      const { rows } = await this.#pool.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries
         WHERE endpoint_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR sequence < $3)
         ORDER BY sequence DESC LIMIT $4`,
        [query.endpointId, query.status ?? null, query.before ?? null, query.limit ?? 50],
      );
      return rows.map(toDelivery);
    });
  }

  async attempts(deliveryId: string): Promise<WebhookAttempt[]> {
    return guarded('list webhook attempts', async () => {
      const { rows } = await this.#pool.query<AttemptRow>(
        `SELECT ${ATTEMPT_COLUMNS} FROM webhook_attempts WHERE delivery_id = $1 ORDER BY id`,
        [deliveryId],
      );
      return rows.map(toAttempt);
    });
  }

  async replay(selection: ReplaySelection, now: number): Promise<string[]> {
    return guarded('replay webhook deliveries', () =>
      inTransaction(this.#pool, async (client) => {
        const { rows } = await client.query<{ id: string; sequence: string }>(
          `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2,
             lease_owner = NULL, lease_until = NULL
           WHERE endpoint_id = $1 AND status <> 'pending'
             AND ($3::text[] IS NULL OR id = ANY($3::text[]))
             AND ($4::bigint IS NULL OR (created_at >= $4 AND created_at < $5))
           RETURNING id, sequence`,
          [
            selection.endpointId,
            now,
            'ids' in selection ? selection.ids : null,
            'ids' in selection ? null : selection.from,
            'ids' in selection ? null : selection.to,
          ],
        );
        const ids = rows.sort((a, b) => (a.sequence < b.sequence ? -1 : 1)).map((row) => row.id);
        await client.query('DELETE FROM webhook_dead_letters WHERE delivery_id = ANY($1::text[])', [ids]);
        return ids;
      }),
    );
  }
}
