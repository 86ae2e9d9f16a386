import { type Clock, systemClock } from '../../../ports/clock.js';
import type { ProcessedEvents } from '../../../ports/processed-events.js';
import type { SqliteDatabase } from './database.js';
import { guarded } from './guard.js';

/** Processed-event marks in the shared SQLite file; a consumer that writes SQLite may mark in its own transaction. */
export class SqliteProcessedEvents implements ProcessedEvents {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;

  constructor(db: SqliteDatabase, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
  }

  async has(consumer: string, eventId: string): Promise<boolean> {
    return guarded(
      'read processed events',
      () =>
        this.#db
          .prepare('SELECT 1 FROM processed_events WHERE consumer = ? AND event_id = ?')
          .get(consumer, eventId) !== undefined,
    );
  }

  async mark(consumer: string, eventId: string): Promise<void> {
    this.markSync(consumer, eventId);
  }

  /** `mark` for callers inside a SQLite transaction, so the mark commits with the consumer's own writes. */
  markSync(consumer: string, eventId: string): void {
    guarded('mark an event processed', () =>
      this.#db
        .prepare('INSERT OR IGNORE INTO processed_events (consumer, event_id, processed_at) VALUES (?, ?, ?)')
        .run(consumer, eventId, this.#clock.now()),
    );
  }

  async prune(before: number): Promise<number> {
    return guarded(
      'prune processed events',
      () => this.#db.prepare('DELETE FROM processed_events WHERE processed_at < ?').run(before).changes,
    );
  }
}
