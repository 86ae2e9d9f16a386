import type pg from 'pg';
import type {
  EndpointOutcome,
  WebhookEndpointChange,
  WebhookEndpointRecord,
  WebhookEndpointStore,
} from '../../../ports/webhooks.js';
import {
  ENDPOINT_COLUMNS,
  type EndpointRow,
  endpointAssignments,
  endpointValues,
  toEndpoint,
} from '../relational-webhook-rows.js';
import { guarded } from './connection.js';

/** Webhook endpoints on PostgreSQL; the failure run is counted by one UPDATE, so concurrent outcomes never lose a count. */
export class PostgresWebhookEndpointStore implements WebhookEndpointStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(endpoint: WebhookEndpointRecord): Promise<void> {
    await guarded('store a webhook endpoint', () =>
      this.#pool.query(
        `INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        endpointValues(endpoint),
      ),
    );
  }

  async get(id: string): Promise<WebhookEndpointRecord | undefined> {
    return guarded('read a webhook endpoint', async () => {
      const { rows } = await this.#pool.query<EndpointRow>(
        `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1`,
        [id],
      );
      return rows[0] === undefined ? undefined : toEndpoint(rows[0]);
    });
  }

  async list(apiKeyId?: string): Promise<WebhookEndpointRecord[]> {
    return guarded('list webhook endpoints', async () => {
      const { rows } = await this.#pool.query<EndpointRow>(
        `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE $1::text IS NULL OR api_key_id = $1
         ORDER BY created_at, id`,
        [apiKeyId ?? null],
      );
      return rows.map(toEndpoint);
    });
  }

  async update(
    id: string,
    change: WebhookEndpointChange,
    now: number,
  ): Promise<WebhookEndpointRecord | undefined> {
    const { sql, values } = endpointAssignments(change, now, (i) => `$${i + 1}`);
    return guarded('update a webhook endpoint', async () => {
      const { rows } = await this.#pool.query<EndpointRow>(
        `UPDATE webhook_endpoints SET ${sql} WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
        [id, ...values],
      );
      return rows[0] === undefined ? undefined : toEndpoint(rows[0]);
    });
  }

  async remove(id: string): Promise<boolean> {
    return guarded('delete a webhook endpoint', async () => {
      const result = await this.#pool.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
      return (result.rowCount ?? 0) > 0;
    });
  }

  async recordOutcome(
    id: string,
    succeeded: boolean,
    options: { disableAfter: number; reason: string; now: number },
  ): Promise<EndpointOutcome> {
    return guarded('count a webhook outcome', async () => {
      // The old enabled flag is read in the same statement, so exactly one outcome reports the disabling.
      const { rows } = await this.#pool.query<EndpointRow & { was_enabled: boolean }>(
        `UPDATE webhook_endpoints e SET
           consecutive_failures = CASE WHEN $2 THEN 0 ELSE e.consecutive_failures + 1 END,
           enabled = CASE WHEN NOT $2 AND e.consecutive_failures + 1 >= $3 THEN false ELSE e.enabled END,
           disabled_reason = CASE WHEN NOT $2 AND e.enabled AND e.consecutive_failures + 1 >= $3
                                  THEN $4 ELSE e.disabled_reason END,
           updated_at = CASE WHEN NOT $2 AND e.enabled AND e.consecutive_failures + 1 >= $3
                             THEN $5 ELSE e.updated_at END
         FROM (SELECT id, enabled AS was_enabled FROM webhook_endpoints WHERE id = $1 FOR UPDATE) old
         WHERE e.id = old.id
         RETURNING ${ENDPOINT_COLUMNS.split(', ')
           .map((c) => `e.${c}`)
           .join(', ')}, old.was_enabled`,
        [id, succeeded, options.disableAfter, options.reason, options.now],
      );
      const row = rows[0];
      if (row === undefined) return { endpoint: undefined, disabledNow: false };
      const endpoint = toEndpoint(row);
      return { endpoint, disabledNow: row.was_enabled && !endpoint.enabled };
    });
  }
}
