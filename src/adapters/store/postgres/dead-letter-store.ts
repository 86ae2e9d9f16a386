import type pg from 'pg';
import type { Clock } from '../../../ports/clock.js';
import type { DeadLetter, DeadLetterQuery, DeadLetterStore } from '../../../ports/dead-letters.js';
import type { CloudEvent } from '../../../ports/events.js';
import {
  DEAD_LETTER_COLUMNS as COLUMNS,
  type DeadLetterRow,
  NEW_DEAD_LETTER_COLUMNS,
  newDeadLetter,
  toDeadLetter,
} from '../relational-dead-letter-rows.js';
import { type AppendEvents, guarded, inTransaction } from './connection.js';

/**
 * Dead letters on PostgreSQL. Replaying deletes the dead letters and appends their events to the
 * outbox in one transaction, so a replay is neither lost nor doubled if the process dies halfway, and
 * the relay of whichever process holds the outbox lease publishes them.
 */
export class PostgresDeadLetterStore implements DeadLetterStore {
  readonly #pool: pg.Pool;
  readonly #appendEvents: AppendEvents;
  readonly #clock: Clock;

  constructor(pool: pg.Pool, appendEvents: AppendEvents, clock: Clock) {
    this.#pool = pool;
    this.#appendEvents = appendEvents;
    this.#clock = clock;
  }

  async park(event: CloudEvent, consumer: string, error: string, attempts: number): Promise<DeadLetter> {
    const { letter, values } = newDeadLetter(event, consumer, error, attempts, this.#clock.now());
    await guarded('park a dead letter', () =>
      this.#pool.query(
        `INSERT INTO dead_letters (${NEW_DEAD_LETTER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        values,
      ),
    );
    return letter;
  }

  async list(query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const limit = query.limit ?? 100;
    return guarded('list dead letters', async () => {
      const { rows } =
        query.consumer === undefined
          ? await this.#pool.query<DeadLetterRow>(
              `SELECT ${COLUMNS} FROM dead_letters ORDER BY parked_at, id LIMIT $1`,
              [limit],
            )
          : await this.#pool.query<DeadLetterRow>(
              `SELECT ${COLUMNS} FROM dead_letters WHERE consumer = $1 ORDER BY parked_at, id LIMIT $2`,
              [query.consumer, limit],
            );
      return rows.map(toDeadLetter);
    });
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    return guarded('read a dead letter', async () => {
      const { rows } = await this.#pool.query<DeadLetterRow>(
        `SELECT ${COLUMNS} FROM dead_letters WHERE id = $1`,
        [id],
      );
      return rows[0] === undefined ? undefined : toDeadLetter(rows[0]);
    });
  }

  async requeue(ids?: readonly string[]): Promise<DeadLetter[]> {
    return guarded('requeue dead letters', () =>
      inTransaction(this.#pool, async (client) => {
        // DELETE … RETURNING takes the rows exactly once even when two replays race.
        const { rows } =
          ids === undefined
            ? await client.query<DeadLetterRow>(`DELETE FROM dead_letters RETURNING ${COLUMNS}`)
            : await client.query<DeadLetterRow>(
                `DELETE FROM dead_letters WHERE id = ANY($1::text[]) RETURNING ${COLUMNS}`,
                [ids],
              );
        const letters = rows
          .sort((a, b) => a.parked_at - b.parked_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .map(toDeadLetter);
        await this.#appendEvents(
          client,
          letters.map((letter) => letter.event),
        );
        return letters;
      }),
    );
  }

  async remove(id: string): Promise<boolean> {
    return guarded('remove a dead letter', async () => {
      const result = await this.#pool.query('DELETE FROM dead_letters WHERE id = $1', [id]);
      return (result.rowCount ?? 0) > 0;
    });
  }
}
