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
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';

/** SQLite binds no booleans: they are stored as 0/1. */
export function sqliteValues(values: readonly unknown[]): unknown[] {
  return values.map((value) => (typeof value === 'boolean' ? Number(value) : value));
}

/** Webhook endpoints in the shared SQLite file. */
export class SqliteWebhookEndpointStore implements WebhookEndpointStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async create(endpoint: WebhookEndpointRecord): Promise<void> {
    guarded('store a webhook endpoint', () =>
      this.#db
        .prepare(
          `INSERT INTO webhook_endpoints (${ENDPOINT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(...sqliteValues(endpointValues(endpoint))),
    );
  }

  async get(id: string): Promise<WebhookEndpointRecord | undefined> {
    return guarded('read a webhook endpoint', () => this.#get(id));
  }

  async list(apiKeyId?: string): Promise<WebhookEndpointRecord[]> {
    return guarded('list webhook endpoints', () => {
      const rows =
        apiKeyId === undefined
          ? this.#db
              .prepare(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id`)
              .all()
          : this.#db
              .prepare(
                `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE api_key_id = ? ORDER BY created_at, id`,
              )
              .all(apiKeyId);
      return (rows as EndpointRow[]).map(toEndpoint);
    });
  }

  async update(
    id: string,
    change: WebhookEndpointChange,
    now: number,
  ): Promise<WebhookEndpointRecord | undefined> {
    const { sql, values } = endpointAssignments(change, now, () => '?');
    return guarded('update a webhook endpoint', () =>
      this.#db
        .transaction(() => {
          const changed = this.#db
            .prepare(`UPDATE webhook_endpoints SET ${sql} WHERE id = ?`)
            .run(...sqliteValues(values), id).changes;
          return changed === 0 ? undefined : this.#get(id);
        })
        .immediate(),
    );
  }

  async remove(id: string): Promise<boolean> {
    return guarded(
      'delete a webhook endpoint',
      () => this.#db.prepare('DELETE FROM webhook_endpoints WHERE id = ?').run(id).changes > 0,
    );
  }

  async recordOutcome(
    id: string,
    succeeded: boolean,
    options: { disableAfter: number; reason: string; now: number },
  ): Promise<EndpointOutcome> {
    return guarded('count a webhook outcome', () =>
      this.#db
        .transaction((): EndpointOutcome => {
          const before = this.#get(id);
          if (before === undefined) return { endpoint: undefined, disabledNow: false };
          if (succeeded) {
            if (before.consecutiveFailures === 0) return { endpoint: before, disabledNow: false };
            this.#db.prepare('UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ?').run(id);
            return { endpoint: this.#get(id), disabledNow: false };
          }
          const failures = before.consecutiveFailures + 1;
          const disabledNow = before.enabled && failures >= options.disableAfter;
          this.#db
            .prepare(
              `UPDATE webhook_endpoints SET consecutive_failures = ?,
                 enabled = CASE WHEN ? THEN 0 ELSE enabled END,
                 disabled_reason = CASE WHEN ? THEN ? ELSE disabled_reason END,
                 updated_at = CASE WHEN ? THEN ? ELSE updated_at END
               WHERE id = ?`,
            )
            .run(
              failures,
              Number(disabledNow),
              Number(disabledNow),
              options.reason,
              Number(disabledNow),
              options.now,
              id,
            );
          return { endpoint: this.#get(id), disabledNow };
        })
        .immediate(),
    );
  }

  #get(id: string): WebhookEndpointRecord | undefined {
    const row = this.#db.prepare(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = ?`).get(id);
    return row === undefined ? undefined : toEndpoint(row as EndpointRow);
  }
}
