import type pg from 'pg';
import type { Clock } from '../../../ports/clock.js';
import type { ProcessedEvents } from '../../../ports/processed-events.js';
import { guarded } from './connection.js';

/** Processed-event marks on PostgreSQL; marking twice is an ON CONFLICT no-op, even from two processes at once. */
export class PostgresProcessedEvents implements ProcessedEvents {
  readonly #pool: pg.Pool;
  readonly #clock: Clock;

  constructor(pool: pg.Pool, clock: Clock) {
    this.#pool = pool;
    this.#clock = clock;
  }

  async has(consumer: string, eventId: string): Promise<boolean> {
    return guarded('read processed events', async () => {
      const result = await this.#pool.query(
        'SELECT 1 FROM processed_events WHERE consumer = $1 AND event_id = $2',
        [consumer, eventId],
      );
      return result.rowCount === 1;
    });
  }

  async mark(consumer: string, eventId: string): Promise<void> {
    await guarded('mark an event processed', () =>
      this.#pool.query(
        `INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ($1, $2, $3)
         ON CONFLICT (consumer, event_id) DO NOTHING`,
        [consumer, eventId, this.#clock.now()],
      ),
    );
  }

  async prune(before: number): Promise<number> {
    return guarded('prune processed events', async () => {
      const result = await this.#pool.query('DELETE FROM processed_events WHERE processed_at < $1', [before]);
      return result.rowCount ?? 0;
    });
  }
}
