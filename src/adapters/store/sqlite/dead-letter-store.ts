import { type Clock, systemClock } from '../../../ports/clock.js';
import type { DeadLetter, DeadLetterQuery, DeadLetterStore } from '../../../ports/dead-letters.js';
import type { CloudEvent } from '../../../ports/events.js';
import {
  DEAD_LETTER_COLUMNS as columns,
  type DeadLetterRow,
  NEW_DEAD_LETTER_COLUMNS,
  newDeadLetter,
  toDeadLetter as toParsedDeadLetter,
} from '../relational-dead-letter-rows.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';
import type { SqliteOutbox } from './outbox.js';

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
    const { letter, values } = newDeadLetter(event, consumer, error, attempts, this.#clock.now());
    guarded('park a dead letter', () =>
      this.#db
        .prepare(`INSERT INTO dead_letters (${NEW_DEAD_LETTER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(...values),
    );
    return letter;
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
      return (rows as DeadLetterRow<string>[]).map(toDeadLetter);
    });
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    return guarded('read a dead letter', () => {
      const row = this.#db.prepare(`SELECT ${columns} FROM dead_letters WHERE id = ?`).get(id);
      return row === undefined ? undefined : toDeadLetter(row as DeadLetterRow<string>);
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
          ) as DeadLetterRow<string>[];
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

/** SQLite keeps the event as JSON text. */
function toDeadLetter(row: DeadLetterRow<string>): DeadLetter {
  return toParsedDeadLetter({ ...row, event: JSON.parse(row.event) as CloudEvent });
}
