import type pg from 'pg';
import type { WebhookDeadLetter, WebhookDeadLetterStore } from '../../../ports/webhooks.js';
import {
  DEAD_LETTER_COLUMNS,
  toWebhookDeadLetter,
  type WebhookDeadLetterRow,
} from '../relational-webhook-rows.js';
import { guarded } from './connection.js';

/** Parked webhook deliveries on PostgreSQL (written by the delivery store). */
export class PostgresWebhookDeadLetterStore implements WebhookDeadLetterStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async list(query: { endpointId?: string; limit?: number } = {}): Promise<WebhookDeadLetter[]> {
    return guarded('list webhook dead letters', async () => {
      const { rows } = await this.#pool.query<WebhookDeadLetterRow>(
        `SELECT ${DEAD_LETTER_COLUMNS} FROM webhook_dead_letters WHERE $1::text IS NULL OR endpoint_id = $1
         ORDER BY parked_at, delivery_id LIMIT $2`,
        [query.endpointId ?? null, query.limit ?? 100],
      );
      return rows.map(toWebhookDeadLetter);
    });
  }

  async get(deliveryId: string): Promise<WebhookDeadLetter | undefined> {
    return guarded('read a webhook dead letter', async () => {
      const { rows } = await this.#pool.query<WebhookDeadLetterRow>(
        `SELECT ${DEAD_LETTER_COLUMNS} FROM webhook_dead_letters WHERE delivery_id = $1`,
        [deliveryId],
      );
      return rows[0] === undefined ? undefined : toWebhookDeadLetter(rows[0]);
    });
  }
}
