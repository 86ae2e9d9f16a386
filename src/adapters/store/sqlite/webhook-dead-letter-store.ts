import type { WebhookDeadLetter, WebhookDeadLetterStore } from '../../../ports/webhooks.js';
import {
  DEAD_LETTER_COLUMNS,
  toWebhookDeadLetter,
  type WebhookDeadLetterRow,
} from '../relational-webhook-rows.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';

/** Parked webhook deliveries in the shared SQLite file (written by the delivery store). */
export class SqliteWebhookDeadLetterStore implements WebhookDeadLetterStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async list(query: { endpointId?: string; limit?: number } = {}): Promise<WebhookDeadLetter[]> {
    return guarded('list webhook dead letters', () =>
      (
        this.#db
          .prepare(
            `SELECT ${DEAD_LETTER_COLUMNS} FROM webhook_dead_letters WHERE (? IS NULL OR endpoint_id = ?)
             ORDER BY parked_at, delivery_id LIMIT ?`,
          )
          .all(
            query.endpointId ?? null,
            query.endpointId ?? null,
            query.limit ?? 100,
          ) as WebhookDeadLetterRow[]
      ).map(toWebhookDeadLetter),
    );
  }

  async get(deliveryId: string): Promise<WebhookDeadLetter | undefined> {
    return guarded('read a webhook dead letter', () => {
      const row = this.#db
        .prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM webhook_dead_letters WHERE delivery_id = ?`)
        .get(deliveryId);
      return row === undefined ? undefined : toWebhookDeadLetter(row as WebhookDeadLetterRow);
    });
  }
}
