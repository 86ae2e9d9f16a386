import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../../../ports/clock.js';
import type { DeadLetter, DeadLetterQuery, DeadLetterStore } from '../../../ports/dead-letters.js';
import type { CloudEvent } from '../../../ports/events.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';
import type { SqliteOutbox } from './outbox.js';

interface DeadLetterRow {
  id: string;
  consumer: string;
  event: string;
  error: string;
  attempts: number;
  parked_at: number;
}

const columns = 'id, consumer, event, error, attempts, parked_at';

/**
 * Dead letters in the shared SQLite file. Replaying moves a dead letter into the outbox in the same
 * transaction that deletes it, so a replay is neither lost nor doubled if the process dies halfway;
 * the CLI can do it while the server runs, whose relay then publishes it.
 */
export class SqliteDeadLetterStore implements DeadLetterStore {
  readonly #db: SqliteDatabase;
  readonly #outbox: SqliteOutbox;
  readonly #clock: Clock;

  constructor(db: SqliteDatabase, outbox: SqliteOutbox, clock: Clock = systemClock) {
    this.#db = db;
    this.#outbox = outbox;
    this.#clock = clock;
  }

  async park(event: CloudEvent, consumer: string, error: string, attempts: number): Promise<DeadLetter> {
    const row: DeadLetterRow = {
      id: randomUUID(),
      consumer,
      event: JSON.stringify(event),
      error,
      attempts,
      parked_at: this.#clock.now(),
    };
    guarded('park a dead letter', () =>
      this.#db
        .prepare(
          `INSERT INTO dead_letters (id, consumer, event_id, type, event, error, attempts, parked_at)
           VALUES (@id, @consumer, @eventId, @type, @event, @error, @attempts, @parked_at)`,
        )
        .run({ ...row, eventId: event.id, type: event.type }),
    );
    return toDeadLetter(row);
  }

  async list(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const limit = query.limit ?? 100;
    return guarded('list dead letters', () => {
      const rows =
        query.consumer === undefined
          ? this.#db.prepare(`SELECT ${columns} FROM dead_letters ORDER BY parked_at, id LIMIT ?`).all(limit)
          : this.#db
              .prepare(
                `SELECT ${columns} FROM dead_letters WHERE consumer = ? ORDER BY parked_at, id LIMIT ?`,
              )
              .all(query.consumer, limit);
      return (rows as DeadLetterRow[]).map(toDeadLetter);
    });
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    return guarded('read a dead letter', () => {
      const row = this.#db.prepare(`SELECT ${columns} FROM dead_letters WHERE id = ?`).get(id);
      return row === undefined ? undefined : toDeadLetter(row as DeadLetterRow);
    });
  }

  async requeue(ids?: readonly string[]): Promise<DeadLetter[]> {
    return guarded('requeue dead letters', () =>
      this.#db
        .transaction(() => {
          const rows = (
            ids === undefined
              ? this.#db.prepare(`SELECT ${columns} FROM dead_letters ORDER BY parked_at, id`).all()
              : this.#db
                  .prepare(
                    `SELECT ${columns} FROM dead_letters WHERE id IN (SELECT value FROM json_each(?))
                     ORDER BY parked_at, id`,
                  )
                  .all(JSON.stringify(ids))
          ) as DeadLetterRow[];
          const letters = rows.map(toDeadLetter);
          this.#outbox.append(letters.map((letter) => letter.event));
          const remove = this.#db.prepare('DELETE FROM dead_letters WHERE id = ?');
          for (const letter of letters) remove.run(letter.id);
          return letters;
        })
        .immediate(),
    );
  }

  async remove(id: string): Promise<boolean> {
    return guarded(
      'remove a dead letter',
      () => this.#db.prepare('DELETE FROM dead_letters WHERE id = ?').run(id).changes > 0,
    );
  }
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    event: JSON.parse(row.event) as CloudEvent,
    consumer: row.consumer,
    error: row.error,
    attempts: row.attempts,
    parkedAt: new Date(row.parked_at).toISOString(),
  };
}
